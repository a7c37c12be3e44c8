import type { Knex } from 'knex';
import type { EventObject } from 'xstate';
import type { BatchChangedEvent } from '../../src/domain/aggregation.js';
import { formatPalletIdentifier, type Pallet } from '../../src/domain/pallet.js';
import { reasons, type ScanReason } from '../../src/domain/codes/reasons.js';
import type { RoleResult, RoleScanRequest } from '../../src/domain/scanner-role.js';
import { BATCH_IDENTIFIER_PATTERN, roleRefusal } from '../../src/domain/scanner-role.js';
import { nextId } from '../../src/domain/ids.js';
import { nextSequence, outbox } from './batch-writes.js';
import type { BatchRow, BottleRow } from './rows.js';

/**
 * BOX scans: a batch (case) goes onto the line's open pallet, which is opened when there is none
 * (line.palletSize batches; null = no limit) and completed when full. Runs inside the aggregation
 * actor's transaction; outbox `pallet.created`, `pallet.batches_added`, `pallet.completed`.
 */

interface PalletRow {
  id: string;
  identifier: string;
  status: string;
  pallet_size: number | null;
  batch_count: number;
  device_id: string | null;
  production_line_id: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export function toPallet(row: PalletRow): Pallet {
  return {
    id: row.id,
    identifier: row.identifier,
    status: row.status as Pallet['status'],
    palletSize: row.pallet_size,
    batchCount: row.batch_count,
    deviceId: row.device_id,
    productionLineId: row.production_line_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

type BoxedBatch = BatchRow & { pallet_id: string | null };
const refused = (reason: ScanReason): RoleResult => roleRefusal('refused', reason);

/** The batch a BOX scan names: a case label (batch identifier) or any unit code of the batch. */
async function batchOfScan(trx: Knex.Transaction, req: RoleScanRequest): Promise<BoxedBatch | RoleResult> {
  const raw = req.item.code.trim();
  if (BATCH_IDENTIFIER_PATTERN.test(raw)) {
    const batch: BoxedBatch | undefined = await trx('batches').where({ identifier: raw }).first();
    return batch ?? refused(reasons.unknownBatch(raw));
  }
  if (!req.item.bottle) return { outcome: 'invalid', bottleId: null, message: req.item.reason, reasonCode: req.item.reasonCode ?? null, reasonParams: req.item.reasonParams ?? null };
  const bottle: BottleRow | undefined = await trx('bottles').where({ identification_code: req.item.bottle.identificationCode }).first();
  if (!bottle) return refused(reasons.unknownUnit());
  if (bottle.batch_id === null) return refused(reasons.unitNotInBatch());
  return (await trx('batches').where({ id: bottle.batch_id }).first()) as BoxedBatch;
}

async function openPallet(trx: Knex.Transaction, req: RoleScanRequest, at: string, year: number): Promise<PalletRow> {
  const open: PalletRow | undefined = await trx('pallets').where({ status: 'in_progress' }).whereRaw('device_id IS ?', [req.deviceId]).orderBy('created_at', 'desc').first();
  if (open) return open;
  const row: PalletRow = {
    id: nextId(),
    identifier: formatPalletIdentifier(year, await nextSequence(trx, 'pallet')),
    status: 'in_progress',
    pallet_size: req.palletSize,
    batch_count: 0,
    device_id: req.deviceId,
    production_line_id: req.productionLineId,
    created_at: at,
    updated_at: at,
    completed_at: null,
  };
  await trx('pallets').insert(row);
  await outbox(trx, 'pallet.created', toPallet(row), at);
  return row;
}

export async function boxScan(trx: Knex.Transaction, req: RoleScanRequest, at: string, year: number, events: EventObject[]): Promise<RoleResult> {
  const batch = await batchOfScan(trx, req);
  if ('outcome' in batch) return batch;
  if (batch.pallet_id !== null) {
    const on: PalletRow = await trx('pallets').where({ id: batch.pallet_id }).first();
    return on.status === 'in_progress' && on.device_id === req.deviceId
      ? roleRefusal('duplicate', reasons.batchAlreadyOnPallet(batch.identifier, on.identifier))
      : refused(reasons.batchOnOtherPallet(batch.identifier, on.identifier));
  }
  if (batch.bottle_count === 0) return refused(reasons.batchEmpty(batch.identifier));
  if (batch.status !== 'complete') {
    // A case that leaves for the pallet is closed, full or not.
    await trx('batches').where({ id: batch.id }).update({ status: 'complete', completed_at: at, updated_at: at });
    await outbox(trx, 'batch.completed', { batchId: batch.id, identifier: batch.identifier, bottleCount: batch.bottle_count, completedAt: at }, at);
    const completed: BatchChangedEvent = { type: 'batch.changed', action: 'completed', batchId: batch.id, identifier: batch.identifier, bottleCount: batch.bottle_count };
    events.push(completed);
  }
  const pallet = await openPallet(trx, req, at, year);
  const batchCount = pallet.batch_count + 1;
  const full = pallet.pallet_size !== null && batchCount >= pallet.pallet_size;
  await trx('batches').where({ id: batch.id }).update({ pallet_id: pallet.id, updated_at: at });
  await trx('pallets')
    .where({ id: pallet.id })
    .update({ batch_count: batchCount, updated_at: at, ...(full ? { status: 'complete', completed_at: at } : {}) });
  await outbox(trx, 'pallet.batches_added', { palletId: pallet.id, identifier: pallet.identifier, batchIds: [batch.id], batchCount }, at);
  if (full) await outbox(trx, 'pallet.completed', { palletId: pallet.id, identifier: pallet.identifier, batchCount, completedAt: at }, at);
  const size = pallet.pallet_size === null ? '' : `/${pallet.pallet_size}`;
  return { outcome: 'accepted', bottleId: null, message: `Batch ${batch.identifier} on pallet ${pallet.identifier} (${batchCount}${size}${full ? ', complete' : ''})` };
}

/** Pallets for reads (tests, later an API): newest first. */
export async function listPallets(reader: Knex, limit = 100): Promise<Pallet[]> {
  const rows: PalletRow[] = await reader('pallets').orderBy('created_at', 'desc').limit(limit);
  return rows.map(toPallet);
}
