import type { Knex } from 'knex';
import { rowsOf } from './factory-database.js';

/** A new unit's identity and the sync item that brought it. */
export interface IdentityRow {
  key: string;
  itemId: string;
}

/** A code that arrived from one device or line after another had sent it first. */
export interface CrossLineDuplicate {
  /** `01` GTIN `21` serial. */
  identity: string;
  itemId: string;
  deviceId: string;
  lineId: string | null;
  seenAt: string;
  firstDeviceId: string;
  firstLineId: string | null;
  firstSeenAt: string;
}

/** 5 bindings a row: far below both databases' parameter limits, few statements per batch. */
const CHUNK = 500;

const values = (rows: number, columns: number) => Array(rows).fill(`(${Array(columns).fill('?').join(',')})`).join(',');

/**
 * Adds a batch's new identities to the site index, set-based: one `INSERT … ON CONFLICT DO
 * NOTHING RETURNING` per chunk, then one read of the keys that did not go in (already known).
 * Those first sent by another device or line are recorded in unit_duplicates and returned; those
 * the same device and line sent before are not duplicates (a re-imported batch, two items of one
 * unit). Keys are taken in sorted order, as the sync items are, so concurrent PostgreSQL ingests
 * lock them in the same order; a concurrent ingest of the same key waits for the other's commit
 * and then finds it in the read.
 */
export async function indexUnitIdentities(
  trx: Knex.Transaction,
  batch: { deviceId: string; lineId: string | null; seenAt: string; identities: IdentityRow[] },
): Promise<CrossLineDuplicate[]> {
  const byKey = new Map<string, IdentityRow>();
  for (const row of batch.identities) if (!byKey.has(row.key)) byKey.set(row.key, row);
  if (byKey.size === 0) return [];
  const rows = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const known: IdentityRow[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const bindings: Knex.RawBinding[] = [];
    for (const row of chunk) bindings.push(row.key, batch.deviceId, batch.lineId, row.itemId, batch.seenAt);
    const result = await trx.raw(
      `INSERT INTO unit_identities (identity_key, first_device_id, first_line_id, first_item_id, first_seen_at) VALUES ${values(chunk.length, 5)}
       ON CONFLICT (identity_key) DO NOTHING RETURNING identity_key`,
      bindings,
    );
    const added = new Set(rowsOf<{ identity_key: string }>(result).map((r) => r.identity_key));
    if (added.size < chunk.length) for (const row of chunk) if (!added.has(row.key)) known.push(row);
  }
  if (known.length === 0) return [];

  const duplicates: CrossLineDuplicate[] = [];
  for (let i = 0; i < known.length; i += CHUNK) {
    const chunk = known.slice(i, i + CHUNK);
    const firsts: Array<{ identity_key: string; first_device_id: string; first_line_id: string | null; first_seen_at: string }> = await trx('unit_identities')
      .whereIn(
        'identity_key',
        chunk.map((row) => row.key),
      )
      .select('identity_key', 'first_device_id', 'first_line_id', 'first_seen_at');
    const firstOf = new Map(firsts.map((f) => [f.identity_key, f]));
    for (const row of chunk) {
      const first = firstOf.get(row.key);
      if (!first) continue; // cannot happen inside the transaction that just conflicted on it
      if (first.first_device_id === batch.deviceId && (first.first_line_id ?? null) === batch.lineId) continue;
      duplicates.push({
        identity: row.key,
        itemId: row.itemId,
        deviceId: batch.deviceId,
        lineId: batch.lineId,
        seenAt: batch.seenAt,
        firstDeviceId: first.first_device_id,
        firstLineId: first.first_line_id ?? null,
        firstSeenAt: first.first_seen_at,
      });
    }
  }
  for (let i = 0; i < duplicates.length; i += CHUNK) {
    const chunk = duplicates.slice(i, i + CHUNK);
    await trx('unit_duplicates').insert(
      chunk.map((d) => ({
        identity_key: d.identity,
        device_id: d.deviceId,
        line_id: d.lineId,
        item_id: d.itemId,
        seen_at: d.seenAt,
        first_device_id: d.firstDeviceId,
        first_line_id: d.firstLineId,
        first_seen_at: d.firstSeenAt,
      })),
    );
  }
  return duplicates;
}

/** One listed duplicate (GET /api/v1/duplicates). */
export interface DuplicateRecord extends CrossLineDuplicate {
  id: number;
}

/** Reads of the cross-line duplicates: newest first, keyset pages on the row id. */
export function createDuplicateQueries(db: Knex) {
  return {
    async list(options: { limit: number; beforeId?: number; deviceId?: string; since?: string }): Promise<DuplicateRecord[]> {
      const query = db('unit_duplicates').orderBy('id', 'desc').limit(options.limit);
      if (options.beforeId !== undefined) query.where('id', '<', options.beforeId);
      if (options.deviceId !== undefined) query.where('device_id', options.deviceId);
      if (options.since !== undefined) query.where('seen_at', '>=', options.since);
      const rows: Array<Record<string, unknown>> = await query;
      return rows.map((r) => ({
        id: Number(r.id),
        identity: String(r.identity_key),
        itemId: String(r.item_id),
        deviceId: String(r.device_id),
        lineId: (r.line_id as string | null) ?? null,
        seenAt: String(r.seen_at),
        firstDeviceId: String(r.first_device_id),
        firstLineId: (r.first_line_id as string | null) ?? null,
        firstSeenAt: String(r.first_seen_at),
      }));
    },
  };
}

export type DuplicateQueries = ReturnType<typeof createDuplicateQueries>;
