import type { Knex } from 'knex';
import type { SyncItem } from '../../adapters/cloud/cloud-types.js';
import { checkCode, generateCode } from '../../src/domain/codes/index.js';
import { nextId } from '../../src/domain/ids.js';
import type { EnrolledDevice } from './fleet-devices.js';
import type { FactoryProcess } from './fleet-factory-process.js';
import { forEachConcurrently } from './fleet-pool.js';

/** A device that uploads: its id and line (its token is looked up at send time, per run). */
export type Sender = Pick<EnrolledDevice, 'id' | 'lineId'>;

/** One sync upload: which device sends it, its items, and its body serialised ahead of time. */
export interface SyncBatch {
  device: Sender;
  items: SyncItem[];
  body: string;
}

/**
 * `total` bottle.created items shaped exactly as an edge's outbox drain sends them (ULID bottle
 * ids, valid milk codes from the domain generator), in batches of `batchSize`, dealt round-robin
 * to the sending devices. Built and serialised before the clock starts: only the factory is timed.
 */
export function buildSyncBatches(senders: Sender[], total: number, batchSize: number): SyncBatch[] {
  const batches: SyncBatch[] = [];
  const createdAt = new Date().toISOString();
  for (let start = 0, b = 0; start < total; start += batchSize, b++) {
    const device = senders[b % senders.length]!;
    const items: SyncItem[] = [];
    for (let i = start; i < Math.min(total, start + batchSize); i++) {
      const check = checkCode(generateCode('milk'), 'milk');
      if (!check.valid) throw new Error('the generator produced an invalid code');
      const code = check.code;
      const bottleId = nextId();
      items.push({
        id: `bottle.created:${bottleId}`,
        kind: 'bottle.created',
        payload: {
          bottleId,
          identifier: code.normalised,
          identificationCode: code.identificationCode,
          gtin: code.gtin,
          productionLineId: device.lineId,
          productId: null,
          party: null,
          deviceId: device.id,
          createdAt,
        },
      });
    }
    batches.push({ device, items, body: JSON.stringify({ items }) });
  }
  return batches;
}

export interface IngestFigures {
  codesPerSecond: number;
  seconds: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Each sending device uploads its own batches one after another (an edge's sync queue has one
 * upload in flight), all devices at once: concurrency = number of senders.
 */
export async function runIngest(factory: FactoryProcess, batches: SyncBatch[], tokenOf: (deviceId: string) => string): Promise<IngestFigures> {
  const bySender = new Map<string, SyncBatch[]>();
  for (const batch of batches) bySender.set(batch.device.id, [...(bySender.get(batch.device.id) ?? []), batch]);
  const totals = { accepted: 0, duplicates: 0, rejected: 0 };
  const started = performance.now();
  await forEachConcurrently([...bySender.values()], bySender.size, async (own) => {
    for (const batch of own) {
      const summary = await factory.api<{ accepted: number; duplicates: number; rejected: number }>('POST', '/api/v1/sync', batch.body, tokenOf(batch.device.id));
      totals.accepted += summary.accepted;
      totals.duplicates += summary.duplicates;
      totals.rejected += summary.rejected;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const count = batches.reduce((n, b) => n + b.items.length, 0);
  return { codesPerSecond: count / seconds, seconds, ...totals };
}

export const RAW_TABLE = 'bench_raw_sync_items';

/**
 * The ceiling: the rows the factory stores in sync_items, written by bare knex into a plain table
 * with the same columns and primary key — one multi-row INSERT per batch, one transaction per
 * batch, `concurrency` batches in flight (on SQLite the single connection serialises them, as in
 * the factory). No HTTP, no validation, no daily counts, no outbox.
 */
export async function rawInsertRate(db: Knex, batches: SyncBatch[], concurrency: number): Promise<number> {
  await db.schema.dropTableIfExists(RAW_TABLE);
  await db.schema.createTable(RAW_TABLE, (t) => {
    t.string('id', 200).primary();
    t.string('device_id').notNullable();
    t.string('line_id');
    t.string('kind').notNullable();
    t.text('payload').notNullable();
    t.string('day', 10).notNullable();
    t.string('received_at').notNullable();
  });
  const receivedAt = new Date().toISOString();
  const day = receivedAt.slice(0, 10);
  const statements = batches.map((batch) => {
    const bindings: Knex.RawBinding[] = [];
    for (const item of batch.items) bindings.push(item.id, batch.device.id, batch.device.lineId, item.kind, JSON.stringify(item.payload), day, receivedAt);
    const row = '(?,?,?,?,?,?,?)';
    return { sql: `INSERT INTO ${RAW_TABLE} (id, device_id, line_id, kind, payload, day, received_at) VALUES ${Array(batch.items.length).fill(row).join(',')}`, bindings };
  });
  const started = performance.now();
  await forEachConcurrently(statements, concurrency, async ({ sql, bindings }) => {
    await db.transaction(async (trx) => {
      await trx.raw(sql, bindings);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  return batches.reduce((n, b) => n + b.items.length, 0) / seconds;
}
