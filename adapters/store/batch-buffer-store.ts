import type { Knex } from 'knex';
import type { BufferBatch, BufferCode, BufferCounts, BufferLoadResult, BufferVerifyResult } from '../../src/domain/batch-buffer.js';
import { DomainError } from '../../src/domain/domain-error.js';

/**
 * The batch-accounting buffer in SQLite (table batch_buffer). Writes run inside the bottle ledger
 * actor's transactions (serialised with batches and statuses); reads use the reader connection.
 */

interface BufferRow {
  identification_code: string;
  batch_identifier: string;
  code: string;
  loaded_at: string;
  consumed_at: string | null;
  consumed_by: string | null;
}

const MAX_CONFLICTS_LISTED = 20;

async function batchCounts(db: Knex | Knex.Transaction, batchIdentifier: string): Promise<BufferBatch | null> {
  const row: { loaded: number; consumed: number; loadedAt: string | null } | undefined = await db('batch_buffer')
    .where({ batch_identifier: batchIdentifier })
    .select(db.raw('count(*) AS loaded'), db.raw('count(consumed_at) AS consumed'), db.raw('min(loaded_at) AS loadedAt'))
    .first();
  if (!row || row.loaded === 0) return null;
  return { batchIdentifier, loaded: row.loaded, consumed: row.consumed, remaining: row.loaded - row.consumed, loadedAt: row.loadedAt! };
}

/** The codes of a local batch (its bottles), for a load without a code list. */
async function localBatchCodes(trx: Knex.Transaction, batchIdentifier: string): Promise<BufferCode[]> {
  const batch: { id: string } | undefined = await trx('batches').where({ identifier: batchIdentifier }).select('id').first();
  if (!batch) throw new DomainError('NOT_FOUND', `Batch ${batchIdentifier} not found (give its codes to load a batch made elsewhere)`);
  const rows: Array<{ identifier: string; identification_code: string }> = await trx('bottles').where({ batch_id: batch.id }).select('identifier', 'identification_code');
  return rows.map((r) => ({ code: r.identifier, identificationCode: r.identification_code }));
}

/**
 * Loads a batch's codes. Loading the same batch again adds only missing codes (consumption is
 * kept); a code already loaded for another batch is a conflict, and nothing is loaded.
 */
export async function loadBuffer(trx: Knex.Transaction, batchIdentifier: string, codes: BufferCode[] | null, at: string): Promise<BufferLoadResult> {
  const list = codes ?? (await localBatchCodes(trx, batchIdentifier));
  const json = JSON.stringify(list.map((c) => [c.identificationCode, c.code]));
  const elsewhere: Array<{ identificationCode: string; batchIdentifier: string }> = await trx.raw(
    `SELECT bb.identification_code AS identificationCode, bb.batch_identifier AS batchIdentifier
       FROM json_each(?) j JOIN batch_buffer bb ON bb.identification_code = j.value->>0
      WHERE bb.batch_identifier <> ? LIMIT ${MAX_CONFLICTS_LISTED}`,
    [json, batchIdentifier],
  );
  if (elsewhere.length > 0) throw new DomainError('CONFLICT', 'Codes are already loaded for another batch', { codes: elsewhere });
  const before = (await batchCounts(trx, batchIdentifier))?.loaded ?? 0;
  await trx.raw(
    `INSERT INTO batch_buffer (identification_code, batch_identifier, code, loaded_at)
     SELECT j.value->>0, ?, j.value->>1, ? FROM json_each(?) j WHERE true
     ON CONFLICT(identification_code) DO NOTHING`,
    [batchIdentifier, at, json],
  );
  const counts = (await batchCounts(trx, batchIdentifier)) ?? { batchIdentifier, loaded: 0, consumed: 0, remaining: 0, loadedAt: at };
  return { ...counts, added: counts.loaded - before };
}

/** Drops a batch's codes from the buffer (consumed or not). */
export async function clearBuffer(trx: Knex.Transaction, batchIdentifier: string): Promise<{ batchIdentifier: string; removed: number }> {
  const removed = await trx('batch_buffer').where({ batch_identifier: batchIdentifier }).delete();
  if (removed === 0) throw new DomainError('NOT_FOUND', `Batch ${batchIdentifier} is not loaded in the buffer`);
  return { batchIdentifier, removed };
}

/** Finds a code's buffer entry; null when it was never loaded. */
export async function bufferEntry(trx: Knex.Transaction, identificationCode: string): Promise<BufferRow | null> {
  return ((await trx('batch_buffer').where({ identification_code: identificationCode }).first()) as BufferRow | undefined) ?? null;
}

/** Consumes an unconsumed entry; returns what the verification answers. */
export async function consumeEntry(trx: Knex.Transaction, entry: BufferRow, consumedBy: string | null, at: string): Promise<BufferVerifyResult> {
  await trx('batch_buffer').where({ identification_code: entry.identification_code }).update({ consumed_at: at, consumed_by: consumedBy });
  const counts = await batchCounts(trx, entry.batch_identifier);
  return { code: entry.code, batchIdentifier: entry.batch_identifier, consumedAt: at, consumedBy, remaining: counts?.remaining ?? 0 };
}

export const alreadyConsumed = (entry: BufferRow) =>
  `Already consumed from batch ${entry.batch_identifier} at ${entry.consumed_at}${entry.consumed_by ? ` by ${entry.consumed_by}` : ''}`;
export const NOT_IN_BUFFER = 'Not in the batch-accounting buffer';

/** POST /batch-accounting/verify: a code not loaded is NOT_FOUND, one already consumed a CONFLICT. */
export async function verifyInBuffer(trx: Knex.Transaction, identificationCode: string, consumedBy: string | null, at: string): Promise<BufferVerifyResult> {
  const entry = await bufferEntry(trx, identificationCode);
  if (!entry) throw new DomainError('NOT_FOUND', NOT_IN_BUFFER);
  if (entry.consumed_at !== null) {
    throw new DomainError('CONFLICT', alreadyConsumed(entry), { batchIdentifier: entry.batch_identifier, consumedAt: entry.consumed_at, consumedBy: entry.consumed_by });
  }
  return consumeEntry(trx, entry, consumedBy, at);
}

/** GET /batch-accounting/buffer: totals and each loaded batch. */
export function createBatchBufferQueries(reader: Knex) {
  return {
    async summary(): Promise<BufferCounts & { batches: BufferBatch[] }> {
      const rows: Array<{ batchIdentifier: string; loaded: number; consumed: number; loadedAt: string }> = await reader('batch_buffer')
        .select('batch_identifier AS batchIdentifier', reader.raw('count(*) AS loaded'), reader.raw('count(consumed_at) AS consumed'), reader.raw('min(loaded_at) AS loadedAt'))
        .groupBy('batch_identifier')
        .orderBy('loadedAt');
      const batches = rows.map((r) => ({ ...r, remaining: r.loaded - r.consumed }));
      const loaded = batches.reduce((n, b) => n + b.loaded, 0);
      const consumed = batches.reduce((n, b) => n + b.consumed, 0);
      return { loaded, consumed, remaining: loaded - consumed, batches };
    },
  };
}
