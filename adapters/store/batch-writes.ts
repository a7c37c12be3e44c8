import type { Knex } from 'knex';
import type { AggregationRequest, BatchChangedEvent } from '../../src/domain/aggregation.js';
import { formatBatchIdentifier } from '../../src/domain/batch-identifier.js';
import { BottleStatus, MANUAL_TARGETS, canTransition, BOTTLE_STATUS_NAMES } from '../../src/domain/bottle-status.js';
import { DomainError } from '../../src/domain/domain-error.js';
import { nextId } from '../../src/domain/ids.js';
import type { WorkOutcome } from '../../src/domain/ports/work-outcome.js';
import { type BatchRow, type BottleRow, toBatch, toBottle } from './rows.js';
import { recordEdgeAudit } from './audit-trail.js';

/**
 * The batch and bottle writes every aggregation request is made of, each inside the caller's
 * transaction: the aggregation executor (aggregation-store.ts), the role scans (role-scan-store.ts)
 * and pallets (pallet-store.ts) share them.
 */

export async function nextSequence(trx: Knex.Transaction, name: string): Promise<number> {
  const rows: Array<{ value: number }> = await trx.raw('UPDATE sequences SET value = value + 1 WHERE name = ? RETURNING value', [name]);
  if (rows.length > 0) return rows[0]!.value;
  await trx('sequences').insert({ name, value: 1 });
  return 1;
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
): Promise<WorkOutcome> {
  if (input.batchSize !== null && input.bottleIds.length > input.batchSize) {
    throw new DomainError('CONFLICT', `Batch size ${input.batchSize} is smaller than the ${input.bottleIds.length} bottles given`);
  }
  const id = nextId();
  const identifier = formatBatchIdentifier(year, await nextSequence(trx, 'batch'));
  const row: BatchRow = {
    id,
    identifier,
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
      await outbox(trx, 'batch.bottles_added', { batchId, identifier: batch.identifier, bottleIds: ids, bottleCount: batch.bottle_count }, at);
      events.push({ type: 'batch.changed', action: 'bottles_added', batchId, identifier: batch.identifier, bottleCount: batch.bottle_count });
      if (full) {
        await outbox(trx, 'batch.completed', { batchId, identifier: batch.identifier, bottleCount: batch.bottle_count, completedAt: at }, at);
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
  await outbox(trx, 'batch.completed', { batchId, identifier: batch.identifier, bottleCount: batch.bottle_count, completedAt: at, closedBy }, at);
  const events: BatchChangedEvent[] = [{ type: 'batch.changed', action: 'completed', batchId, identifier: batch.identifier, bottleCount: batch.bottle_count }];
  return { ok: true, result: { batch: toBatch(batch), bottleCount: batch.bottle_count }, events };
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
