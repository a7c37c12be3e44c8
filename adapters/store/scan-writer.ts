import type { Knex } from 'knex';
import type { CommitItem, CommitResult } from '../../src/domain/scan-commit.js';
import { BottleStatus } from '../../src/domain/bottle-status.js';

type IdFactory = (prefix?: string) => string;

const BOTTLE_COLUMNS =
  '(id, identifier, identification_code, gtin, serial, status, production_line_id, product_id, party, device_id, is_preprint, source, created_at, updated_at)';
const BOTTLE_ROW = '(?,?,?,?,?,0,?,?,?,?,?,?,?,?)';
const BOTTLE_BINDINGS = 13;
// SQLite refuses a statement with more than 32766 bound variables, and a group may hold up to
// commitMaxItems (5000) codes: multi-row statements go in slices, still inside the one transaction.
const ROWS_PER_STATEMENT = 1000;

/** [start, count] slices of `total` rows, ROWS_PER_STATEMENT at a time. */
function slices(total: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0; start < total; start += ROWS_PER_STATEMENT) out.push([start, Math.min(ROWS_PER_STATEMENT, total - start)]);
  return out;
}

/**
 * Writes one group of scans in a single transaction: new bottles (the unique index on the
 * identification code is the de-duplication: `ON CONFLICT DO NOTHING RETURNING` tells which rows
 * went in), their outbox rows, one scans row per item, and the status counter. Constant work per
 * code whatever the table size, and nothing here is visible to anyone before COMMIT.
 */
export async function writeScanGroup(db: Knex, items: CommitItem[], nextId: IdFactory, now: string): Promise<CommitResult[]> {
  const results: CommitResult[] = items.map((item) => ({
    outcome: item.outcome === 'candidate' ? 'duplicate' : item.outcome,
    bottleId: null,
  }));

  await db.transaction(async (trx) => {
    const candidateIndexes: number[] = [];
    const ids: string[] = [];
    const bindings: Knex.RawBinding[] = [];
    items.forEach((item, index) => {
      const bottle = item.bottle;
      if (item.outcome !== 'candidate' || !bottle) return;
      const id = nextId();
      candidateIndexes.push(index);
      ids.push(id);
      bindings.push(id, bottle.identifier, bottle.identificationCode, bottle.gtin, bottle.serial, bottle.productionLineId,
        bottle.productId, bottle.party, bottle.deviceId, bottle.isPreprint ? 1 : 0, item.source, item.receivedAt ?? now, now);
    });

    if (candidateIndexes.length > 0) {
      const insertedIds = new Set<string>();
      for (const [start, count] of slices(candidateIndexes.length)) {
        const inserted: Array<{ id: string }> = await trx.raw(
          `INSERT INTO bottles ${BOTTLE_COLUMNS} VALUES ${Array(count).fill(BOTTLE_ROW).join(',')}
           ON CONFLICT(identification_code) DO NOTHING RETURNING id`,
          bindings.slice(start * BOTTLE_BINDINGS, (start + count) * BOTTLE_BINDINGS),
        );
        for (const row of inserted) insertedIds.add(row.id);
      }
      const duplicates = new Map<string, number[]>(); // identification code -> item indexes
      candidateIndexes.forEach((itemIndex, k) => {
        if (insertedIds.has(ids[k]!)) {
          results[itemIndex] = { outcome: 'accepted', bottleId: ids[k]! };
        } else {
          const key = items[itemIndex]!.bottle!.identificationCode;
          duplicates.set(key, [...(duplicates.get(key) ?? []), itemIndex]);
        }
      });
      if (duplicates.size > 0) await resolveDuplicates(trx, duplicates, results);
      if (insertedIds.size > 0) await writeCreatedOutbox(trx, results, now);
      await trx.raw('UPDATE bottle_status_counts SET count = count + ? WHERE status = ?', [insertedIds.size, BottleStatus.CREATED]);
    }

    for (const [start, count] of slices(items.length)) {
      await trx.raw(
        `INSERT INTO scans (received_at, source, code, outcome, reason, bottle_id) VALUES ${Array(count).fill('(?,?,?,?,?,?)').join(',')}`,
        items.slice(start, start + count).flatMap((item, k) => {
          const result = results[start + k]!;
          return [item.receivedAt ?? now, item.source, item.code.slice(0, 512), result.outcome, item.reason, result.bottleId];
        }),
      );
    }
  });
  return results;
}

/** A duplicate answers with the bottle that already holds the code, so the operator can find it. */
async function resolveDuplicates(trx: Knex.Transaction, duplicates: Map<string, number[]>, results: CommitResult[]) {
  const allKeys = [...duplicates.keys()];
  for (const [start, count] of slices(allKeys.length)) {
    const keys = allKeys.slice(start, start + count);
    const rows: Array<{ id: string; identification_code: string }> = await trx.raw(
      `SELECT id, identification_code FROM bottles WHERE identification_code IN (${keys.map(() => '?').join(',')})`,
      keys,
    );
    for (const row of rows) {
      for (const index of duplicates.get(row.identification_code) ?? []) {
        results[index] = { outcome: 'duplicate', bottleId: row.id };
      }
    }
  }
}

async function writeCreatedOutbox(trx: Knex.Transaction, results: CommitResult[], now: string) {
  const bindings: Knex.RawBinding[] = [];
  for (const result of results) {
    if (result.outcome === 'accepted') bindings.push(result.bottleId, now);
  }
  for (const [start, count] of slices(bindings.length / 2)) {
    await trx.raw(`INSERT INTO outbox (kind, ref_id, created_at) VALUES ${Array(count).fill("('bottle.created',?,?)").join(',')}`, bindings.slice(start * 2, (start + count) * 2));
  }
}
