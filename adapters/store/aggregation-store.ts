import type { Knex } from 'knex';
import { fromPromise } from 'xstate';
import type { WorkOutcome } from '../../machines/shared/serial-worker.machine.js';
import type { AggregationRequest, BatchChangedEvent } from '../../src/domain/aggregation.js';
import { formatBatchIdentifier } from '../../src/domain/batch-identifier.js';
import { BottleStatus, MANUAL_TARGETS, canTransition, BOTTLE_STATUS_NAMES } from '../../src/domain/bottle-status.js';
import { DomainError } from '../../src/domain/domain-error.js';
import { nextId } from '../../src/domain/ids.js';
import { type BatchRow, type BottleRow, toBatch, toBottle } from './rows.js';
import { clearBuffer, loadBuffer, verifyInBuffer } from './batch-buffer-store.js';
import { executeRoleScan } from './role-scan-store.js';
import { closePallet } from './pallet-store.js';
import { recordEdgeAudit } from './audit-trail.js';
import { allocateSscc } from './sscc-store.js';
import { NO_AGGREGATION_SETTINGS, type AggregationChild, type AggregationSettings } from '../../src/domain/sscc.js';

/**
 * The aggregation actor's `execute`: each request is one transaction that checks the rules
 * against committed data, writes the change, its status counters and its outbox rows together.
 */
export function createAggregationExecutor(db: Knex, now: () => Date = () => new Date(), settings: () => AggregationSettings = () => NO_AGGREGATION_SETTINGS) {
  return fromPromise<WorkOutcome, AggregationRequest>(async ({ input }) => {
    const at = now().toISOString();
    const agg = settings();
    return db.transaction(async (trx) => {
      switch (input.op) {
        case 'createBatch':
          return createBatch(trx, input, at, now().getUTCFullYear(), agg);
        case 'addBottles':
          return addBottles(trx, input.batchId, input.bottleIds, at, []);
        case 'closeBatch':
          return closeBatch(trx, input.batchId, input.closedBy, at);
        case 'unpackBatch':
          return unpackBatch(trx, input.batchId, input.unpackedBy, at);
        case 'closePallet':
          return closePallet(trx, input.palletId, input.closedBy, at);
        case 'setBottleStatus':
          return setBottleStatus(trx, input.bottleId, input.status, at, input.audit);
        // Scanner roles and the batch-accounting buffer: serialised with the rest (role-scan-store.ts).
        case 'roleScan':
          return executeRoleScan(trx, input, at, now().getUTCFullYear(), agg);
        case 'bufferLoad':
          return { ok: true, result: await loadBuffer(trx, input.batchIdentifier, input.codes, at) };
        case 'bufferClear':
          return { ok: true, result: await clearBuffer(trx, input.batchIdentifier) };
        case 'bufferVerify':
          return { ok: true, result: await verifyInBuffer(trx, input.identificationCode, input.consumedBy, at) };
      }
    });
  });
}

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
  if (input.batchSize !== null && input.bottleIds.length > input.batchSize) {
    throw new DomainError('CONFLICT', `Batch size ${input.batchSize} is smaller than the ${input.bottleIds.length} bottles given`);
  }
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
    if (batch.status === 'complete') throw new DomainError('CONFLICT', `Batch ${batch.identifier} is complete`);
    if (batch.batch_size !== null && batch.bottle_count + unique.length > batch.batch_size) {
      throw new DomainError('CONFLICT', `Batch ${batch.identifier} has room for ${batch.batch_size - batch.bottle_count} more bottles`, {
        batchSize: batch.batch_size,
        bottleCount: batch.bottle_count,
      });
    }
    const rows: BottleRow[] = await trx('bottles').whereIn('id', unique);
    const found = new Set(rows.map((r) => r.id));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) throw new DomainError('NOT_FOUND', 'Bottles not found', { bottleIds: missing });
    const elsewhere = rows.filter((r) => r.batch_id !== null && r.batch_id !== batchId).map((r) => ({ bottleId: r.id, batchId: r.batch_id }));
    if (elsewhere.length > 0) throw new DomainError('CONFLICT', 'Bottles already belong to another batch', { bottles: elsewhere });
    const ineligible = rows
      .filter((r) => r.batch_id === null && !canTransition(r.status as BottleStatus, BottleStatus.IN_BATCH))
      .map((r) => ({ bottleId: r.id, status: BOTTLE_STATUS_NAMES[r.status as BottleStatus] }));
    if (ineligible.length > 0) throw new DomainError('CONFLICT', 'Bottles in this status cannot join a batch', { bottles: ineligible });

    const toAdd = rows.filter((r) => r.batch_id === null);
    const ids = toAdd.map((r) => r.id);
    if (ids.length > 0) {
      await trx('bottles').whereIn('id', ids).update({ status: BottleStatus.IN_BATCH, batch_id: batchId, updated_at: at });
      for (const [status, n] of countBy(toAdd.map((r) => r.status))) await moveCounts(trx, status, BottleStatus.IN_BATCH, n);
      batch.bottle_count += ids.length;
      const full = batch.batch_size !== null && batch.bottle_count >= batch.batch_size;
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
  if (batch.status === 'complete') throw new DomainError('CONFLICT', `Batch ${batch.identifier} is already complete`);
  if (batch.bottle_count === 0) throw new DomainError('CONFLICT', `Batch ${batch.identifier} is empty: there is nothing to close`);
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
  if (!MANUAL_TARGETS.includes(status)) {
    throw new DomainError('CONFLICT', `Status ${BOTTLE_STATUS_NAMES[status]} is set by ${status === BottleStatus.IN_BATCH ? 'adding the bottle to a batch' : 'the sync queue'}, not by hand`);
  }
  if (!canTransition(from, status)) {
    throw new DomainError('CONFLICT', `Illegal status change ${BOTTLE_STATUS_NAMES[from]} → ${BOTTLE_STATUS_NAMES[status]}`, { from, to: status });
  }
  const events: BatchChangedEvent[] = [];
  if (row.batch_id !== null) {
    // Leaving a batch (back to Created, or rejected/deleted) frees its place; a complete batch stays sealed.
    const batch: BatchRow = await trx('batches').where({ id: row.batch_id }).first();
    if (batch.status === 'complete') throw new DomainError('CONFLICT', `Bottle belongs to complete batch ${batch.identifier}`);
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
