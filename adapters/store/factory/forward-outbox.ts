import type { Knex } from 'knex';
import { fromPromise } from 'xstate';
import type { DrainOutcome } from '../../../src/domain/ports/drain-outcome.js';
import type { Logger } from '../../../src/runtime/logger.js';
import type { SyncItem, SyncItemResult } from '../../cloud/cloud-types.js';
import type { SyncTarget } from '../../sync/sync-target.js';

interface OutboxRow {
  seq: number | string; // bigint: pg hands it back as text
  item_id: string;
  kind: string;
  payload: string;
}

export interface ParkedItem {
  id: string;
  kind: string;
  parkedAt: string;
  reason: string;
}

/** Rows per DELETE / UPDATE ... IN (...): far below either database's parameter limit. */
const WRITE_CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += WRITE_CHUNK) out.push(items.slice(i, i + WRITE_CHUNK));
  return out;
}

const toItem = (row: OutboxRow): SyncItem => ({ id: row.item_id, kind: row.kind, payload: JSON.parse(row.payload) as Record<string, unknown> });

/**
 * The factory → cloud forwarder's drain, shaped for machines/shared/sync-queue.machine.ts (the
 * same queue machine runs it). One batch per call: read the oldest unparked rows, send them
 * with their original item ids (the cloud de-duplicates a resend whichever path it came by),
 * then in one transaction delete the acknowledged rows and park the refused ones. Unanswered
 * rows stay and are sent again. Delivery is at-least-once; a crash before the delete resends.
 */
export function createForwardOutbox(options: { db: Knex; target: () => SyncTarget | null; batchSize: number; logger: Logger }) {
  const { db, batchSize, logger } = options;
  // Queries the queue machine started and may have stopped listening to: a stop waits for them
  // before the database closes under them.
  const inFlight = new Set<Promise<unknown>>();
  const tracked = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    work.then(
      () => inFlight.delete(work),
      () => inFlight.delete(work),
    );
    return work;
  };

  async function drainBatch(): Promise<DrainOutcome> {
    const target = options.target();
    if (!target) throw Object.assign(new Error('No sync target configured'), { kind: 'unavailable' });
    const rows: OutboxRow[] = await db('outbox').whereNull('parked_at').orderBy('seq').limit(batchSize).select('seq', 'item_id', 'kind', 'payload');
    if (rows.length === 0) return { sent: 0, synced: 0, parked: 0, more: false };
    const items = rows.map(toItem);

    let results: SyncItemResult[];
    try {
      results = await target.send(items);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      for (const chunk of chunks(rows.map((r) => r.seq))) {
        await db('outbox').whereIn('seq', chunk).update({ attempts: db.raw('attempts + 1'), last_error: message });
      }
      throw error; // keeps its `kind`: the queue machine tells unauthorized from the rest
    }

    const byId = new Map(results.map((r) => [r.id, r]));
    const acked: Array<number | string> = [];
    const rejected: Array<{ row: OutboxRow; reason: string }> = [];
    for (const row of rows) {
      const result = byId.get(row.item_id);
      if (!result) continue; // unanswered: stays queued and is resent
      if (result.status === 'rejected') rejected.push({ row, reason: result.reason ?? 'rejected' });
      else acked.push(row.seq);
    }

    const at = new Date().toISOString();
    await db.transaction(async (trx) => {
      for (const chunk of chunks(acked)) await trx('outbox').whereIn('seq', chunk).delete();
      for (const { row, reason } of rejected) await trx('outbox').where({ seq: row.seq }).update({ parked_at: at, parked_reason: reason.slice(0, 500) });
    });
    for (const { row, reason } of rejected) logger.warn({ item: row.item_id, reason }, 'forwarded item refused by the cloud: parked');

    const answered = acked.length + rejected.length;
    // A full batch the target did not answer at all is not a reason to resend it at once:
    // the queue machine comes back on its poll instead of spinning.
    return { sent: rows.length, synced: acked.length, parked: rejected.length, more: rows.length === batchSize && answered > 0 };
  }

  async function status(): Promise<{ queueSize: number; oldestItem: string | null; parked: number }> {
    const [queue] = (await db('outbox').whereNull('parked_at').count({ n: '*' }).min({ oldest: 'created_at' })) as Array<{ n: number | string; oldest: string | null }>;
    const [parked] = (await db('outbox').whereNotNull('parked_at').count({ n: '*' })) as Array<{ n: number | string }>;
    return { queueSize: Number(queue!.n), oldestItem: queue!.oldest ?? null, parked: Number(parked!.n) };
  }

  return {
    drain: fromPromise<DrainOutcome, void>(() => tracked(drainBatch())),
    /** 1 when at least one row waits (the machine only asks "anything to send?"), else 0. */
    pending: fromPromise<number, void>(() => tracked(db('outbox').whereNull('parked_at').first('seq').then((row) => (row ? 1 : 0)))),
    /** Resolves once no drain or pending query is running. */
    async settled(): Promise<void> {
      await Promise.allSettled([...inFlight]);
    },
    status,
    async parked(limit: number): Promise<ParkedItem[]> {
      const rows: Array<{ item_id: string; kind: string; parked_at: string; parked_reason: string | null }> = await db('outbox')
        .whereNotNull('parked_at')
        .orderBy('seq', 'desc')
        .limit(limit)
        .select('item_id', 'kind', 'parked_at', 'parked_reason');
      return rows.map((r) => ({ id: r.item_id, kind: r.kind, parkedAt: r.parked_at, reason: r.parked_reason ?? '' }));
    },
  };
}

export type ForwardOutbox = ReturnType<typeof createForwardOutbox>;
