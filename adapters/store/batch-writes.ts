import type { Knex } from 'knex';
import type { WorkOutcome } from '../../src/domain/ports/work-outcome.js';
import type { AggregationRequest, BatchChangedEvent } from '../../src/domain/aggregation.js';
import { formatBatchIdentifier } from '../../src/domain/batch-identifier.js';
import { BottleStatus, BOTTLE_STATUS_NAMES } from '../../src/domain/bottle-status.js';
import { DomainError } from '../../src/domain/domain-error.js';
import {
  addBottlesBatchRefusal,
  addBottlesRefusal,
  afterAdding,
  type BatchFacts,
  closeBatchRefusal,
  createBatchRefusal,
  leaveBatchRefusal,
  manualStatusRefusal,
} from '../../src/domain/batch-rules.js';
import { nextId } from '../../src/domain/ids.js';
import { NO_AGGREGATION_SETTINGS, type AggregationChild, type AggregationSettings } from '../../src/domain/sscc.js';
import { type BatchRow, type BottleRow, toBatch, toBottle } from './rows.js';
import { recordEdgeAudit } from './audit-trail.js';
import { allocateSscc } from './sscc-store.js';

/**
 * The batch and bottle writes every aggregation request is made of, each inside the caller's
 * transaction: the bottle ledger's executor (aggregation-store.ts), the role scans
 * (role-scan-store.ts) and pallets (pallet-store.ts) share them.
 */

/** The rules (src/domain/batch-rules.ts) decide; a refusal rolls the transaction back. */
function refuseIf(refusal: DomainError | null): void {
  if (refusal) throw refusal;
}

const batchFacts = (row: BatchRow): BatchFacts => ({ identifier: row.identifier, status: row.status, batchSize: row.batch_size, bottleCount: row.bottle_count });

export async function nextSequence(trx: Knex.Transaction, name: string): Promise<number> {
  const rows: Array<{ value: number }> = await trx.raw('UPDATE sequences SET value = value + 1 WHERE name = ? RETURNING value', [name]);
  if (rows.length > 0) return rows[0]!.value;
  await trx('sequences').insert({ name, value: 1 });
  return 1;
}

/**
 * The aggregation a completed box reports upstream: its SSCC and every unit in it by GTIN + serial
 * (the identities the national system knows), beside the internal ids the payload already has.
 */
export async function boxContents(trx: Knex.Transaction, batch: Pick<BatchRow, 'id' | 'sscc'>): Promise<{ sscc: string | null; children: AggregationChild[] }> {
  const rows: Array<{ gtin: string; serial: string }> = await trx('bottles').where({ batch_id: batch.id }).orderBy('id').select('gtin', 'serial');
  return { sscc: batch.sscc ?? null, children: rows.map((r) => ({ gtin: r.gtin, serial: r.serial })) };
}

export async function outbox(trx: Knex.Transaction, kind: string, payload: object, at: string) {
  await trx('outbox').insert({ kind, ref_id: nextId(), payload: JSON.stringify(payload), created_at: at });
}

async function moveCounts(trx: Knex.Transaction, from: number, to: number, n: number) {
  if (n === 0 || from === to) return;
  await trx.raw('UPDATE bottle_status_counts SET count = count - ? WHERE status = ?', [n, from]);
  await trx.raw('UPDATE bottle_status_counts SET count = count + ? WHERE status = ?', [n, to]);
}

export async function createBatch(
  trx: Knex.Transaction,
  input: Extract<AggregationRequest, { op: 'createBatch' }>,
  at: string,
  year: number,
  agg: AggregationSettings = NO_AGGREGATION_SETTINGS,
): Promise<WorkOutcome> {
  refuseIf(createBatchRefusal(input.batchSize, input.bottleIds.length));
  const id = nextId();
  const identifier = formatBatchIdentifier(year, await nextSequence(trx, 'batch'));
  const row: BatchRow = {
    id,
    identifier,
    // Allocated in this transaction: the SSCC and the box it names commit together or not at all.
    sscc: await allocateSscc(trx, agg.sscc),
    name: input.name,
    status: 'in_progress',
    batch_size: input.batchSize,
    bottle_count: 0,
    device_id: input.deviceId,
    production_line_id: input.productionLineId,
    sent_status: 'pending',
    created_at: at,
    updated_at: at,
    completed_at: null,
  };
  await trx('batches').insert(row);
  await outbox(trx, 'batch.created', toBatch(row), at);
  const created: BatchChangedEvent = { type: 'batch.changed', action: 'created', batchId: id, identifier, bottleCount: 0 };
  return addBottles(trx, id, input.bottleIds, at, [created]);
}

export async function addBottles(trx: Knex.Transaction, batchId: string, bottleIds: string[], at: string, events: BatchChangedEvent[]): Promise<WorkOutcome> {
  const batch: BatchRow | undefined = await trx('batches').where({ id: batchId }).first();
  if (!batch) throw new DomainError('NOT_FOUND', `Batch ${batchId} not found`);
  const unique = [...new Set(bottleIds)];
  if (unique.length > 0) {
    refuseIf(addBottlesBatchRefusal(batchFacts(batch), unique.length));
    const rows: BottleRow[] = await trx('bottles').whereIn('id', unique);
    refuseIf(addBottlesRefusal(batchId, unique, rows.map((r) => ({ id: r.id, batchId: r.batch_id, status: r.status }))));

    const toAdd = rows.filter((r) => r.batch_id === null);
    const ids = toAdd.map((r) => r.id);
    if (ids.length > 0) {
      await trx('bottles').whereIn('id', ids).update({ status: BottleStatus.IN_BATCH, batch_id: batchId, updated_at: at });
      for (const [status, n] of countBy(toAdd.map((r) => r.status))) await moveCounts(trx, status, BottleStatus.IN_BATCH, n);
      const { bottleCount, full } = afterAdding(batchFacts(batch), ids.length);
      batch.bottle_count = bottleCount;
      if (full) {
        batch.status = 'complete';
        batch.completed_at = at;
      }
      batch.updated_at = at;
      await trx('batches').where({ id: batchId }).update({
        bottle_count: batch.bottle_count,
        status: batch.status,
        completed_at: batch.completed_at,
        updated_at: at,
      });
      // Additive for upstream (issue 14): the box by its SSCC, the units by GTIN + serial.
      const children: AggregationChild[] = toAdd.map((r) => ({ gtin: r.gtin, serial: r.serial }));
      await outbox(trx, 'batch.bottles_added', { batchId, identifier: batch.identifier, sscc: batch.sscc ?? null, bottleIds: ids, bottleCount: batch.bottle_count, children }, at);
      events.push({ type: 'batch.changed', action: 'bottles_added', batchId, identifier: batch.identifier, bottleCount: batch.bottle_count });
      if (full) {
        await outbox(trx, 'batch.completed', { batchId, identifier: batch.identifier, bottleCount: batch.bottle_count, completedAt: at, ...(await boxContents(trx, batch)) }, at);
        events.push({ type: 'batch.changed', action: 'completed', batchId, identifier: batch.identifier, bottleCount: batch.bottle_count });
      }
    }
  }
  return { ok: true, result: { batch: toBatch(batch), bottleCount: batch.bottle_count }, events };
}

/** A partial batch closed by hand: complete now, with what it holds; its completion goes upstream like a full one's. */
export async function closeBatch(trx: Knex.Transaction, batchId: string, closedBy: string, at: string): Promise<WorkOutcome> {
  const batch: BatchRow | undefined = await trx('batches').where({ id: batchId }).first();
  if (!batch) throw new DomainError('NOT_FOUND', `Batch ${batchId} not found`);
  refuseIf(closeBatchRefusal(batchFacts(batch)));
  batch.status = 'complete';
  batch.completed_at = at;
  batch.updated_at = at;
  await trx('batches').where({ id: batchId }).update({ status: 'complete', completed_at: at, updated_at: at });
  await outbox(trx, 'batch.completed', { batchId, identifier: batch.identifier, bottleCount: batch.bottle_count, completedAt: at, closedBy, ...(await boxContents(trx, batch)) }, at);
  const events: BatchChangedEvent[] = [{ type: 'batch.changed', action: 'completed', batchId, identifier: batch.identifier, bottleCount: batch.bottle_count }];
  return { ok: true, result: { batch: toBatch(batch), bottleCount: batch.bottle_count }, events };
}

/**
 * Disaggregation (issue 14): every unit leaves the box — In Batch goes back to Created; a unit
 * already reported upstream (Sent/Synced) keeps its status — and the box is open again, empty,
 * with the same identifier and SSCC (its label stays on the physical box), so it is repacked by
 * PACKAGE scans or POST /batches/{id}/bottles. A box on a pallet is refused: the pallet's
 * aggregation would name a box that is no longer what it says. Upstream: `batch.unpacked` with
 * the SSCC and the units that left, by GTIN + serial.
 */
export async function unpackBatch(trx: Knex.Transaction, batchId: string, unpackedBy: string, at: string): Promise<WorkOutcome> {
  const batch: (BatchRow & { pallet_id: string | null }) | undefined = await trx('batches').where({ id: batchId }).first();
  if (!batch) throw new DomainError('NOT_FOUND', `Batch ${batchId} not found`);
  if (batch.pallet_id !== null) {
    const pallet: { identifier: string } = await trx('pallets').where({ id: batch.pallet_id }).first('identifier');
    throw new DomainError('CONFLICT', `Batch ${batch.identifier} is on pallet ${pallet.identifier}: it cannot be unpacked there`);
  }
  if (batch.bottle_count === 0) throw new DomainError('CONFLICT', `Batch ${batch.identifier} is empty: there is nothing to unpack`);
  const contents = await boxContents(trx, batch);
  const inBatch: Array<{ id: string }> = await trx('bottles').where({ batch_id: batchId, status: BottleStatus.IN_BATCH }).select('id');
  await trx('bottles').where({ batch_id: batchId, status: BottleStatus.IN_BATCH }).update({ status: BottleStatus.CREATED, batch_id: null, updated_at: at });
  await trx('bottles').where({ batch_id: batchId }).update({ batch_id: null, updated_at: at });
  await moveCounts(trx, BottleStatus.IN_BATCH, BottleStatus.CREATED, inBatch.length);
  Object.assign(batch, { status: 'in_progress', bottle_count: 0, completed_at: null, updated_at: at });
  await trx('batches').where({ id: batchId }).update({ status: 'in_progress', bottle_count: 0, completed_at: null, updated_at: at });
  await outbox(trx, 'batch.unpacked', { batchId, identifier: batch.identifier, ...contents, unpackedBy, unpackedAt: at }, at);
  const events: BatchChangedEvent[] = [{ type: 'batch.changed', action: 'unpacked', batchId, identifier: batch.identifier, bottleCount: 0 }];
  return { ok: true, result: { batch: toBatch(batch), bottleCount: 0, unpacked: contents.children.length }, events };
}

export async function setBottleStatus(
  trx: Knex.Transaction,
  bottleId: string,
  status: BottleStatus,
  at: string,
  audit?: { userId: string; username: string; ip: string | null },
): Promise<WorkOutcome> {
  const row: BottleRow | undefined = await trx('bottles').where({ id: bottleId }).first();
  if (!row) throw new DomainError('NOT_FOUND', `Bottle ${bottleId} not found`);
  const from = row.status as BottleStatus;
  // Who changed it, in the same transaction as the change (a refusal below rolls it back with the rest).
  if (audit) {
    await recordEdgeAudit(trx, {
      user: { userId: audit.userId, username: audit.username },
      ip: audit.ip,
      action: 'bottle.status',
      entityType: 'bottle',
      entityId: bottleId,
      outcome: 'success',
      status: 200,
      before: { status: BOTTLE_STATUS_NAMES[from] },
      after: { status: BOTTLE_STATUS_NAMES[status] },
      at,
    });
  }
  if (from === status) return { ok: true, result: toBottle(row) };
  refuseIf(manualStatusRefusal(from, status));
  const events: BatchChangedEvent[] = [];
  if (row.batch_id !== null) {
    // Leaving a batch (back to Created, or rejected/deleted) frees its place; a complete batch stays sealed.
    const batch: BatchRow = await trx('batches').where({ id: row.batch_id }).first();
    refuseIf(leaveBatchRefusal(batch));
    await trx('batches').where({ id: batch.id }).update({ bottle_count: batch.bottle_count - 1, updated_at: at });
    row.batch_id = null;
  }
  await trx('bottles').where({ id: bottleId }).update({ status, batch_id: row.batch_id, updated_at: at });
  await moveCounts(trx, from, status, 1);
  await outbox(trx, 'bottle.status', { bottleId, identifier: row.identifier, from, to: status, at }, at);
  return { ok: true, result: toBottle({ ...row, status, updated_at: at }), events };
}

function countBy(values: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
