import type { Knex } from 'knex';
import type { SyncItemResult } from '../../cloud/cloud-types.js';
import { unitIdentityOf } from '../../../src/domain/unit-identity.js';
import { recordAudit } from './audit-log.js';
import { rowsOf } from './factory-database.js';
import { type CrossLineDuplicate, indexUnitIdentities, type IdentityRow } from './unit-identity-index.js';

/** Kinds the factory stores. `pallet.*` is open: aggregation kinds may come later. */
export const KNOWN_SYNC_KINDS = ['bottle.created', 'bottle.status', 'batch.created', 'batch.bottles_added', 'batch.completed', 'batch.unpacked'] as const;
export const isKnownSyncKind = (kind: string) => (KNOWN_SYNC_KINDS as readonly string[]).includes(kind) || /^pallet\.[a-z_.]+$/.test(kind);

/** The kinds the dashboard's day figures count (daily_counts keeps every kind). */
export const COUNTED_KINDS = { bottles: 'bottle.created', batches: 'batch.created', batchesCompleted: 'batch.completed', pallets: 'pallet.created' } as const;

export const MAX_ITEM_ID_LENGTH = 200;

export interface IngestRequest {
  deviceId: string;
  lineId: string | null;
  /** Untrusted: whatever the device sent. Each bad item is rejected on its own. */
  items: unknown[];
  /** Queue each new item for the cloud (the factory's cloud forwarding is on). */
  forward: boolean;
  /** IANA zone the company's days are counted in, e.g. Europe/Moscow. */
  timeZone: string;
  now?: Date;
}

// ISO-8601 with a zone: a time without one would be read in the server's zone, not the event's.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function eventTime(payload: Record<string, unknown>, received: number): number {
  for (const value of [payload.createdAt, payload.completedAt, payload.at]) {
    if (typeof value === 'string' && ISO_INSTANT.test(value)) {
      const ms = Date.parse(value);
      if (Number.isFinite(ms)) return ms;
    }
  }
  return received;
}

/** A local day (YYYY-MM-DD) and hour (0..23) in some time zone. */
export interface LocalHour {
  day: string;
  hour: number;
}

/**
 * Instant → its day and hour in a time zone. Intl formatting costs microseconds, too much at 20k
 * items/s, so results are cached per 15-minute slot: every zone offset and DST change in use falls
 * on a quarter hour, so all instants of a slot share their day and hour.
 */
export function createLocalHourOf(timeZone: string): (ms: number) => LocalHour {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
  const cache = new Map<number, LocalHour>();
  return (ms) => {
    const slot = Math.floor(ms / 900_000);
    let local = cache.get(slot);
    if (local === undefined) {
      const parts = Object.fromEntries(format.formatToParts(new Date(slot * 900_000)).map((p) => [p.type, p.value]));
      local = { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) % 24 };
      if (cache.size > 5_000) cache.clear();
      cache.set(slot, local);
    }
    return local;
  };
}

/** Instant → YYYY-MM-DD in a time zone (cached as createLocalHourOf). */
export function createDayOf(timeZone: string): (ms: number) => string {
  const localHourOf = createLocalHourOf(timeZone);
  return (ms) => localHourOf(ms).day;
}

/** Why an item cannot be stored, or null when it can. */
function problemOf(item: unknown): string | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'item must be an object';
  const { id, kind, payload } = item as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ITEM_ID_LENGTH) return `id must be a string of 1..${MAX_ITEM_ID_LENGTH} characters`;
  if (typeof kind !== 'string' || !isKnownSyncKind(kind)) return `unknown kind: ${String(kind).slice(0, 100)}`;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'payload must be an object';
  return null;
}

const idOf = (item: unknown): string => {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : id === undefined ? '' : String(id);
};

interface ItemRow {
  id: string;
  kind: string;
  payload: string;
  day: string;
  hour: number;
  /** `01` GTIN `21` serial of a bottle.created item, when it names one. */
  identity: string | null;
}

/** What one ingest did: one answer per item, and the codes that came before from another device or line. */
export interface IngestOutcome {
  results: SyncItemResult[];
  /** Empty unless a new unit's identity was already in the site index from another device or line. */
  crossLineDuplicates: CrossLineDuplicate[];
}

/** How many codes the audit entry of one batch's duplicates names (the full list is GET /api/v1/duplicates). */
const AUDITED_CODES = 20;

/**
 * Rows per INSERT: 7 bindings a row keeps a statement far below SQLite's variable limit (32,766
 * since 3.32) and PostgreSQL's 65,535 parameters, while few enough statements keep it fast.
 */
const CHUNK_ROWS = 500;

function chunks<T>(items: T[], size = CHUNK_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const valuesList = (rows: number, columns: number) => {
  const one = `(${Array(columns).fill('?').join(',')})`;
  return Array(rows).fill(one).join(',');
};

/** Stores what the edges sync: once per item id, counted per day and per device and hour, queued for the cloud. */
export function createSyncIngestStore(db: Knex) {
  const hourFormatters = new Map<string, (ms: number) => LocalHour>();
  const localHourIn = (timeZone: string) => {
    let localHourOf = hourFormatters.get(timeZone);
    if (!localHourOf) hourFormatters.set(timeZone, (localHourOf = createLocalHourOf(timeZone)));
    return localHourOf;
  };

  const store = {
    /**
     * One answer per item, in order: accepted (stored now), duplicate (stored before, or
     * earlier in this batch: nothing changes), rejected (invalid, with the reason). All the
     * writes are one transaction; a storage failure throws and leaves nothing behind.
     */
    async ingest(request: IngestRequest): Promise<SyncItemResult[]> {
      return (await store.ingestBatch(request)).results;
    },

    /**
     * As ingest, and the site-wide index of unit identities in the same transaction: each new
     * bottle.created item's identity goes in once (the first device, line and time); one already
     * there from another device or line is a cross-line duplicate, recorded (unit_duplicates and
     * one audit entry per batch) and answered. A resent batch changes nothing: its items are not
     * new, so their identities are not looked at again.
     */
    async ingestBatch(request: IngestRequest): Promise<IngestOutcome> {
      const now = request.now ?? new Date();
      const receivedAt = now.toISOString();
      const received = now.getTime();
      const localHourOf = localHourIn(request.timeZone);

      const results: SyncItemResult[] = new Array(request.items.length);
      const candidates: ItemRow[] = [];
      const candidateIndex = new Map<string, number>();
      request.items.forEach((item, i) => {
        const problem = problemOf(item);
        if (problem) {
          results[i] = { id: idOf(item), status: 'rejected', reason: problem };
          return;
        }
        const { id, kind, payload } = item as { id: string; kind: string; payload: Record<string, unknown> };
        if (candidateIndex.has(id)) {
          results[i] = { id, status: 'duplicate' };
          return;
        }
        candidateIndex.set(id, i);
        const { day, hour } = localHourOf(eventTime(payload, received));
        const identity = kind === 'bottle.created' ? (unitIdentityOf(payload)?.key ?? null) : null;
        candidates.push({ id, kind, payload: JSON.stringify(payload), day, hour, identity });
      });
      if (candidates.length === 0) return { results, crossLineDuplicates: [] };

      // Sorted by id: concurrent ingests on PostgreSQL then lock the same keys in the same
      // order and cannot deadlock; SQLite's B-tree gets its inserts in key order.
      candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

      const inserted = new Set<string>();
      let crossLineDuplicates: CrossLineDuplicate[] = [];
      await db.transaction(async (trx) => {
        for (const chunk of chunks(candidates)) {
          const bindings: unknown[] = [];
          for (const row of chunk) bindings.push(row.id, request.deviceId, request.lineId, row.kind, row.payload, row.day, receivedAt);
          const result = await trx.raw(
            `INSERT INTO sync_items (id, device_id, line_id, kind, payload, day, received_at) VALUES ${valuesList(chunk.length, 7)}
             ON CONFLICT (id) DO NOTHING RETURNING id`,
            bindings as Knex.RawBinding[],
          );
          for (const { id } of rowsOf<{ id: string }>(result)) inserted.add(id);
        }
        if (inserted.size === 0) return;
        const fresh = candidates.filter((row) => inserted.has(row.id));

        const identities: IdentityRow[] = [];
        for (const row of fresh) if (row.identity !== null) identities.push({ key: row.identity, itemId: row.id });
        crossLineDuplicates = await indexUnitIdentities(trx, { deviceId: request.deviceId, lineId: request.lineId, seenAt: receivedAt, identities });
        if (crossLineDuplicates.length > 0) {
          await recordAudit(trx, {
            actor: { deviceId: request.deviceId },
            action: 'sync.crossLineDuplicates',
            entityType: 'device',
            entityId: request.deviceId,
            outcome: 'success',
            after: { lineId: request.lineId, count: crossLineDuplicates.length, codes: crossLineDuplicates.slice(0, AUDITED_CODES).map((d) => ({ identity: d.identity, firstDeviceId: d.firstDeviceId, firstLineId: d.firstLineId })) },
            detail: `${crossLineDuplicates.length} code(s) already received from another device or line`,
            at: receivedAt,
          });
        }

        if (request.forward) {
          // In arrival order: the cloud receives them in the order the edge sent them.
          const queued = [...fresh].sort((a, b) => candidateIndex.get(a.id)! - candidateIndex.get(b.id)!);
          for (const chunk of chunks(queued)) {
            const bindings: unknown[] = [];
            for (const row of chunk) bindings.push(row.id, row.kind, row.payload, receivedAt);
            await trx.raw(`INSERT INTO outbox (item_id, kind, payload, created_at) VALUES ${valuesList(chunk.length, 4)}`, bindings as Knex.RawBinding[]);
          }
        }

        // Last, and in key order: concurrent ingests hold the shared counter rows the shortest
        // time and take them in the same order.
        const counts = new Map<string, { day: string; kind: string; count: number }>();
        for (const row of fresh) {
          const key = `${row.day}\u0000${row.kind}`;
          const entry = counts.get(key);
          if (entry) entry.count += 1;
          else counts.set(key, { day: row.day, kind: row.kind, count: 1 });
        }
        const sorted = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
        for (const chunk of chunks(sorted)) {
          await trx.raw(
            `INSERT INTO daily_counts (day, kind, count) VALUES ${valuesList(chunk.length, 3)}
             ON CONFLICT (day, kind) DO UPDATE SET count = daily_counts.count + excluded.count`,
            chunk.flatMap((c) => [c.day, c.kind, c.count]),
          );
        }
        // Per device and local hour (the production chart), counted from the same fresh rows: a
        // re-sent item was not inserted above, so it is not counted again here either.
        const hourly = new Map<string, { day: string; hour: number; kind: string; count: number }>();
        for (const row of fresh) {
          const key = `${row.day}\u0000${String(row.hour).padStart(2, '0')}\u0000${row.kind}`;
          const entry = hourly.get(key);
          if (entry) entry.count += 1;
          else hourly.set(key, { day: row.day, hour: row.hour, kind: row.kind, count: 1 });
        }
        const sortedHourly = [...hourly.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
        for (const chunk of chunks(sortedHourly)) {
          await trx.raw(
            `INSERT INTO hourly_counts (day, device_id, hour, kind, count) VALUES ${valuesList(chunk.length, 5)}
             ON CONFLICT (day, device_id, hour, kind) DO UPDATE SET count = hourly_counts.count + excluded.count`,
            chunk.flatMap((c) => [c.day, request.deviceId, c.hour, c.kind, c.count]),
          );
        }
      });

      for (const [id, i] of candidateIndex) results[i] = { id, status: inserted.has(id) ? 'accepted' : 'duplicate' };
      return { results, crossLineDuplicates };
    },

    /** New items of one kind counted for a day (0 when none). */
    async countFor(day: string, kind: string): Promise<number> {
      const row: { count: number | string } | undefined = await db('daily_counts').where({ day, kind }).first('count');
      return row ? Number(row.count) : 0;
    },
  };
  return store;
}

export type SyncIngestStore = ReturnType<typeof createSyncIngestStore>;
