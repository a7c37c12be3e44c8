import type { Knex } from 'knex';
import type { CommitItem, CommitResult } from '../../src/domain/scan-commit.js';
import { BottleStatus } from '../../src/domain/bottle-status.js';
import { scriptTransaction, sqlText } from './script-transaction.js';

type IdFactory = (prefix?: string) => string;

/**
 * The group's statements. Each takes the whole group as one JSON document: the SQL never grows
 * with the number of bound variables, and the whole transaction runs as one script.
 * `bottles` rows: [id, identifier, identificationCode, gtin, serial, lineId, productId, party,
 * deviceId, isPreprint, source, receivedAt, orderId, status]; `scans` rows: [receivedAt, source,
 * code, outcome, reason, candidateId, identificationCode, reasonCode, reasonParams (JSON text),
 * orderId]. A bottle stored Rejected (the PLC's reject-all safe state) gets no bottle.created
 * row: it is never reported as produced.
 */
function groupStatements(bottles: string | null, scans: string, now: string): string[] {
  const at = sqlText(now);
  // A candidate went in if a bottle carries its fresh id (ids are never reused): a probe of the
  // time-ordered primary key, whose pages are the hot ones.
  const inserted = (json: string) => `SELECT b.id FROM json_each(${json}) j JOIN bottles b ON b.id = j.value->>0`;
  const statements: string[] = [];
  if (bottles !== null) {
    const json = sqlText(bottles);
    statements.push(
      `INSERT INTO bottles (id, identifier, identification_code, gtin, serial, status, production_line_id, product_id, party,
                            device_id, is_preprint, source, created_at, updated_at, order_id)
       SELECT j.value->>0, j.value->>1, j.value->>2, j.value->>3, j.value->>4, j.value->>13, j.value->>5, j.value->>6,
              j.value->>7, j.value->>8, j.value->>9, j.value->>10, j.value->>11, ${at}, j.value->>12
         FROM json_each(${json}) j WHERE true
       ON CONFLICT(identification_code) DO NOTHING`,
      `INSERT INTO outbox (kind, ref_id, created_at) SELECT 'bottle.created', b.id, ${at} FROM (${inserted(json)} WHERE b.status = ${BottleStatus.CREATED}) b`,
      `UPDATE bottle_status_counts SET count = count + (SELECT count(*) FROM json_each(${json}) j JOIN bottles b ON b.id = j.value->>0 WHERE b.status = bottle_status_counts.status)
        WHERE status IN (${BottleStatus.CREATED}, ${BottleStatus.REJECTED})`,
    );
  }
  // One row per item whatever its outcome. A candidate whose id did not go in is a duplicate of
  // the bottle holding its code (also when both arrived in this same group).
  statements.push(
    `INSERT INTO scans (received_at, source, code, outcome, reason, reason_code, reason_params, bottle_id, order_id)
     SELECT s.value->>0, s.value->>1, s.value->>2,
            CASE WHEN s.value->>3 <> 'candidate' THEN s.value->>3 WHEN b.id IS NULL THEN 'duplicate'
                 WHEN b.status = ${BottleStatus.REJECTED} THEN 'refused' ELSE 'accepted' END,
            -- A candidate's reason (the safe state's) holds only if it went in; a duplicate is just that.
            CASE WHEN s.value->>3 = 'candidate' AND b.id IS NULL THEN NULL ELSE s.value->>4 END,
            CASE WHEN s.value->>3 = 'candidate' AND b.id IS NULL THEN NULL ELSE s.value->>7 END,
            CASE WHEN s.value->>3 = 'candidate' AND b.id IS NULL THEN NULL ELSE s.value->>8 END,
            CASE WHEN s.value->>3 <> 'candidate' THEN NULL WHEN b.id IS NOT NULL THEN b.id
                 ELSE (SELECT id FROM bottles WHERE identification_code = s.value->>6) END,
            s.value->>9
       FROM json_each(${sqlText(scans)}) s LEFT JOIN bottles b ON b.id = s.value->>5`,
  );
  return statements;
}

// After COMMIT: which bottle holds each candidate's code (its own id = accepted, another = duplicate).
const HOLDERS = `SELECT CAST(j.key AS INTEGER) AS k, b.id FROM json_each(?) j JOIN bottles b ON b.identification_code = j.value`;

/**
 * Writes one group of scans in a single transaction: new bottles (the unique index on the
 * identification code is the de-duplication: `ON CONFLICT DO NOTHING`), their outbox rows, the
 * status counter, and one scans row per item. Constant work per code whatever the table size;
 * nothing is visible to anyone, and nobody is answered, before COMMIT.
 */
export async function writeScanGroup(db: Knex, items: CommitItem[], nextId: IdFactory, now: string): Promise<CommitResult[]> {
  const ids: Array<string | null> = items.map((item) => (item.outcome === 'candidate' && item.bottle ? nextId() : null));
  const candidates: number[] = [];
  const bottleRows: unknown[] = [];
  items.forEach((item, i) => {
    const b = item.bottle;
    if (ids[i] === null || !b) return;
    candidates.push(i);
    bottleRows.push([
      ids[i], b.identifier, b.identificationCode, b.gtin, b.serial, b.productionLineId, b.productId, b.party, b.deviceId, b.isPreprint ? 1 : 0, item.source,
      item.receivedAt ?? now, b.orderId ?? null, b.rejectedBySafeState ? BottleStatus.REJECTED : BottleStatus.CREATED,
    ]);
  });
  const scans = JSON.stringify(
    items.map((item, i) => [
      item.receivedAt ?? now, item.source, item.code.slice(0, 512), item.outcome, item.reason, ids[i], item.bottle?.identificationCode ?? null,
      item.reasonCode ?? null, item.reasonCode ? JSON.stringify(item.reasonParams ?? {}) : null, item.orderId ?? null,
    ]),
  );

  return scriptTransaction(db, groupStatements(candidates.length > 0 ? JSON.stringify(bottleRows) : null, scans, now), async (query) => {
    const holderOf = new Map<number, string>();
    if (candidates.length > 0) {
      const codes = JSON.stringify(candidates.map((i) => items[i]!.bottle!.identificationCode));
      for (const row of (await query(HOLDERS, [codes])) as Array<{ k: number; id: string }>) holderOf.set(candidates[row.k]!, row.id);
    }
    return items.map((item, i): CommitResult => {
      const id = ids[i];
      if (id === null) return { outcome: item.outcome === 'candidate' ? 'invalid' : item.outcome, bottleId: null };
      const holder = holderOf.get(i) ?? null;
      if (holder !== id) return { outcome: 'duplicate', bottleId: holder };
      return item.bottle?.rejectedBySafeState ? { outcome: 'refused', bottleId: id } : { outcome: 'accepted', bottleId: id };
    });
  });
}
