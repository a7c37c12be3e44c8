import type { Knex } from 'knex';
import { fromPromise } from 'xstate';
import type { DrainOutcome } from '../../machines/shared/sync-queue.machine.js';
import { BottleStatus } from '../../src/domain/bottle-status.js';
import type { Logger } from '../../src/runtime/logger.js';
import type { SyncItem, SyncItemResult } from '../cloud/cloud-types.js';
import type { SyncTarget } from '../sync/sync-target.js';
import { scriptTransaction, sqlText } from './script-transaction.js';

interface OutboxRow {
  seq: number;
  kind: string;
  ref_id: string;
  payload: string | null;
  created_at: string;
  identifier: string | null;
  identification_code: string | null;
  gtin: string | null;
  production_line_id: string | null;
  product_id: string | null;
  party: string | null;
  device_id: string | null;
  bottle_created_at: string | null;
  /** The production order the bottle was made under (migration 0006), if any. */
  order_id: string | null;
  order_number: string | null;
  lot: string | null;
  production_date: string | null;
  expiry_date: string | null;
  order_fields: string | null;
}

const itemId = (row: OutboxRow) => `${row.kind}:${row.ref_id}`;

function toItem(row: OutboxRow): SyncItem {
  if (row.kind === 'bottle.created') {
    return {
      id: itemId(row),
      kind: row.kind,
      payload: {
        bottleId: row.ref_id,
        identifier: row.identifier,
        identificationCode: row.identification_code,
        gtin: row.gtin,
        productionLineId: row.production_line_id,
        productId: row.product_id,
        party: row.party,
        deviceId: row.device_id,
        createdAt: row.bottle_created_at,
        // Additive (issue 14): only a bottle made under a production order has them.
        ...(row.order_id
          ? {
              orderId: row.order_id,
              orderNumber: row.order_number,
              lot: row.lot,
              productionDate: row.production_date,
              expiryDate: row.expiry_date,
              orderFields: row.order_fields ? (JSON.parse(row.order_fields) as Record<string, string>) : {},
            }
          : {}),
      },
    };
  }
  return { id: itemId(row), kind: row.kind, payload: row.payload ? (JSON.parse(row.payload) as Record<string, unknown>) : {} };
}

const placeholders = (n: number) => Array(n).fill('?').join(',');

/**
 * Drain writes go in transactions of a bounded size: SQLite has one writer, and a scan commit
 * waiting behind a 2,000-row transaction would see it in its latency. Each is one script (one
 * trip to the driver's thread), so a chunk costs about its fsync plus a few milliseconds.
 */
const WRITE_CHUNK = 250;
async function inChunks<T>(items: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += WRITE_CHUNK) await write(items.slice(i, i + WRITE_CHUNK));
}

/**
 * Statements that move the listed bottles whose status is `from` to `to`, keeping the status
 * counters exact (they count the rows that will move before moving them, in the same transaction).
 */
function moveStatus(ids: string[], from: number, to: number, at: string): string[] {
  if (ids.length === 0) return [];
  const matching = `FROM bottles WHERE status = ${from} AND id IN (SELECT value FROM json_each(${sqlText(JSON.stringify(ids))}))`;
  return [
    `UPDATE bottle_status_counts SET count = count + (SELECT count(*) ${matching}) WHERE status = ${to}`,
    `UPDATE bottle_status_counts SET count = count - (SELECT count(*) ${matching}) WHERE status = ${from}`,
    `UPDATE bottles SET status = ${to}, updated_at = ${sqlText(at)} WHERE status = ${from} AND id IN (SELECT value FROM json_each(${sqlText(JSON.stringify(ids))}))`,
  ];
}

const nothingToRead = async () => undefined;

const batchIdOf = (item: SyncItem) => (item.kind === 'batch.created' ? item.payload.id : item.kind === 'batch.bottles_added' ? item.payload.batchId : undefined) as string | undefined;

/**
 * One outbox batch, upstream and back. Rows leave the outbox only in the transaction that records
 * their acknowledgement; a crash anywhere before that resends them, and receivers answer a resent
 * id with `duplicate`, which counts as acknowledged. Delivery is at-least-once, storage exactly-once.
 */
export function createOutboxDrain(options: { db: Knex; reader: Knex; target: () => SyncTarget | null; batchSize: number; logger: Logger }) {
  const { db, reader, logger } = options;
  // Changed at run time by the factory's push_config; a batch already prepared keeps its size.
  let batchSize = options.batchSize;

  interface PreparedBatch {
    rows: OutboxRow[];
    items: SyncItem[];
    batchIds: string[];
  }

  /**
   * The next rows after `afterSeq`, read on the second connection (a big read must not hold up
   * the scan path's commits). An empty batch means nothing is left after it.
   */
  async function prepare(afterSeq: number): Promise<PreparedBatch> {
    const rows: OutboxRow[] = await reader.raw(
      `SELECT o.seq, o.kind, o.ref_id, o.payload, o.created_at, b.identifier, b.identification_code, b.gtin, b.production_line_id,
              b.product_id, b.party, b.device_id, b.created_at AS bottle_created_at, b.order_id, ord.number AS order_number, ord.lot,
              ord.production_date, ord.expiry_date, ord.fields AS order_fields
         FROM outbox o LEFT JOIN bottles b ON o.kind = 'bottle.created' AND b.id = o.ref_id
         LEFT JOIN orders ord ON ord.id = b.order_id
        WHERE o.parked_at IS NULL AND o.seq > ? ORDER BY o.seq LIMIT ?`,
      [afterSeq, batchSize],
    );
    const items = rows.map(toItem);
    const batchIds = [...new Set(items.map(batchIdOf).filter((id): id is string => typeof id === 'string'))];
    return { rows, items, batchIds };
  }

  /** Right before the upload: its bottles become Sent, its batches 'sent'. */
  async function markSent({ rows, batchIds }: PreparedBatch): Promise<void> {
    const bottleIds = rows.filter((r) => r.kind === 'bottle.created').map((r) => r.ref_id);
    const sentAt = new Date().toISOString();
    await inChunks(bottleIds, (chunk) => scriptTransaction(db, moveStatus(chunk, BottleStatus.CREATED, BottleStatus.SENT, sentAt), nothingToRead));
    if (batchIds.length > 0) {
      await db.raw(`UPDATE batches SET sent_status = 'sent', updated_at = ? WHERE sent_status = 'pending' AND id IN (${placeholders(batchIds.length)})`, [sentAt, ...batchIds]);
    }
  }

  // While one batch is upstream, the next is read: the upload and the database read overlap
  // instead of taking turns. The outbox stays the truth: a prepared batch that is never
  // sent (failure, target gone) is simply read again from the start.
  let prepared: Promise<PreparedBatch> | null = null;
  /**
   * When the target last answered an upload. Set before the answer's rows leave the outbox, so a
   * status that already sees the queue emptied by that answer also sees when it happened (the
   * sync actor learns of it only after the commit, a moment too late for such a reader).
   */
  let lastUploadAt: string | null = null;
  const discardPrepared = () => {
    prepared?.catch(() => undefined);
    prepared = null;
  };

  async function drainBatch(): Promise<DrainOutcome> {
    const target = options.target();
    if (!target) {
      discardPrepared();
      throw Object.assign(new Error('No sync target configured'), { kind: 'unavailable' });
    }
    let batch = prepared ? await prepared.catch(() => null) : null;
    prepared = null;
    // Nothing prepared, or it ran dry (rows skipped by the cursor are read again from the start).
    if (!batch || batch.rows.length === 0) batch = await prepare(0);
    if (batch.rows.length === 0) return { sent: 0, synced: 0, parked: 0, more: false };
    const { rows, items, batchIds } = batch;
    await markSent(batch);
    if (rows.length === batchSize) prepared = prepare(rows[rows.length - 1]!.seq);

    let results: SyncItemResult[];
    try {
      results = await target.send(items);
      lastUploadAt = new Date().toISOString();
    } catch (error) {
      discardPrepared();
      const message = error instanceof Error ? error.message : String(error);
      await db.raw(`UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq IN (${placeholders(rows.length)})`, [message.slice(0, 500), ...rows.map((r) => r.seq)]);
      throw error;
    }
    const outcome = await applyResults(rows, items, results, batchIds);
    // An unanswered item stays queued behind the cursor: read from the start next time.
    if (outcome.synced + outcome.parked < rows.length) discardPrepared();
    return { ...outcome, more: outcome.more || prepared !== null };
  }

  async function applyResults(rows: OutboxRow[], items: SyncItem[], results: SyncItemResult[], batchIds: string[]): Promise<DrainOutcome> {
    const byId = new Map(results.map((r) => [r.id, r]));
    const acked: OutboxRow[] = [];
    const rejected: Array<{ row: OutboxRow; reason: string }> = [];
    rows.forEach((row, i) => {
      const result = byId.get(items[i]!.id);
      if (!result) return; // not answered: stays queued and is resent
      if (result.status === 'rejected') rejected.push({ row, reason: result.reason ?? 'rejected' });
      else acked.push(row);
    });
    const at = new Date().toISOString();
    // Each chunk removes its rows from the outbox and marks its bottles Synced together; a crash
    // between chunks leaves the rest queued, to be resent and acknowledged as duplicates.
    await inChunks(acked, (chunk) =>
      scriptTransaction(
        db,
        [
          `DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(${sqlText(JSON.stringify(chunk.map((r) => r.seq)))}))`,
          ...moveStatus(chunk.filter((r) => r.kind === 'bottle.created').map((r) => r.ref_id), BottleStatus.SENT, BottleStatus.SYNCED, at),
        ],
        nothingToRead,
      ),
    );
    await db.transaction(async (trx) => {
      for (const { row, reason } of rejected) {
        await trx('outbox').where({ seq: row.seq }).update({ parked_at: at, parked_reason: reason.slice(0, 500) });
      }
      const ackedBatches = new Set(acked.map((r) => batchIdOf(toItem(r))).filter(Boolean));
      const doneBatches = batchIds.filter((id) => ackedBatches.has(id));
      if (doneBatches.length > 0) {
        // A batch is synced once none of its items is left in the outbox.
        await trx.raw(
          `UPDATE batches SET sent_status = 'synced', updated_at = ? WHERE id IN (${placeholders(doneBatches.length)})
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind LIKE 'batch.%' AND o.parked_at IS NULL
                             AND (json_extract(o.payload, '$.id') = batches.id OR json_extract(o.payload, '$.batchId') = batches.id))`,
          [at, ...doneBatches],
        );
      }
    });
    for (const { row, reason } of rejected) logger.warn({ item: itemId(row), reason }, 'sync item refused upstream: parked');
    return { sent: rows.length, synced: acked.length, parked: rejected.length, more: rows.length === batchSize };
  }

  return {
    drain: fromPromise<DrainOutcome, void>(() => drainBatch()),
    /** Items per upload from the next batch on. */
    setBatchSize(size: number) {
      batchSize = size;
      discardPrepared();
    },
    batchSize: () => batchSize,
    /**
     * Drops every row still in the outbox (queued and parked): they will never be sent. Their
     * bottles keep their status; only the upload is given up. Returns how many were dropped.
     */
    async clear(): Promise<{ dropped: number; queued: number; parked: number }> {
      discardPrepared();
      return db.transaction(async (trx) => {
        const [counts] = (await trx('outbox').select(trx.raw('count(*) AS n'), trx.raw('sum(CASE WHEN parked_at IS NULL THEN 0 ELSE 1 END) AS parked'))) as Array<{ n: number; parked: number | null }>;
        const dropped = await trx('outbox').delete();
        const parked = Number(counts?.parked ?? 0);
        return { dropped: Number(dropped), queued: Number(counts?.n ?? 0) - parked, parked };
      });
    },
    pending: fromPromise<number, void>(async () => {
      const row: { n: number } | undefined = await reader('outbox').whereNull('parked_at').first(reader.raw('1 AS n'));
      return row ? 1 : 0;
    }),
    async status() {
      const [queue] = (await reader('outbox').whereNull('parked_at').count({ n: '*' }).min({ oldest: 'created_at' })) as Array<{ n: number; oldest: string | null }>;
      const [parked] = (await reader('outbox').whereNotNull('parked_at').count({ n: '*' })) as Array<{ n: number }>;
      // Read after the counts: an upload that emptied the queue they saw is already recorded.
      return { queueSize: Number(queue!.n), oldestItem: queue!.oldest ?? null, parked: Number(parked!.n), lastSyncAt: lastUploadAt };
    },
    async parked(limit: number) {
      const rows: Array<{ seq: number; kind: string; ref_id: string; parked_at: string; parked_reason: string }> = await reader('outbox')
        .whereNotNull('parked_at')
        .orderBy('seq', 'desc')
        .limit(limit);
      return rows.map((r) => ({ id: `${r.kind}:${r.ref_id}`, kind: r.kind, parkedAt: r.parked_at, reason: r.parked_reason }));
    },
  };
}

export type OutboxDrain = ReturnType<typeof createOutboxDrain>;
