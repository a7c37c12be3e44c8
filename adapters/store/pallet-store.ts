import type { Knex } from 'knex';
import type { EventObject } from 'xstate';
import type { WorkOutcome } from '../../machines/shared/serial-worker.machine.js';
import { DomainError } from '../../src/domain/domain-error.js';
import type { BatchChangedEvent } from '../../src/domain/aggregation.js';
import { formatPalletIdentifier, type Pallet, type PalletChangedEvent } from '../../src/domain/pallet.js';
import { reasons, type ScanReason } from '../../src/domain/codes/reasons.js';
import type { RoleResult, RoleScanRequest } from '../../src/domain/scanner-role.js';
import { BATCH_IDENTIFIER_PATTERN, roleRefusal } from '../../src/domain/scanner-role.js';
import { nextId } from '../../src/domain/ids.js';
import { nextSequence, outbox } from './aggregation-store.js';
import type { BatchRow, BottleRow } from './rows.js';
import { allocateSscc } from './sscc-store.js';
import { NO_AGGREGATION_SETTINGS, type AggregationChild, type AggregationSettings } from '../../src/domain/sscc.js';
import { ssccOfLabel } from '../../src/domain/sscc-label.js';
import { boxContents } from './aggregation-store.js';

/**
 * BOX scans: a batch (case) goes onto the line's open pallet, which is opened when there is none
 * (line.palletSize batches; null = no limit) and completed when full. Runs inside the aggregation
 * actor's transaction; outbox `pallet.created`, `pallet.batches_added`, `pallet.completed`.
 */

interface PalletRow {
  id: string;
  identifier: string;
  sscc?: string | null;
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
    sscc: row.sscc ?? null,
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

/** The batch a BOX scan names: its SSCC label (AI 00), a case label (batch identifier) or any unit code of the batch. */
async function batchOfScan(trx: Knex.Transaction, req: RoleScanRequest): Promise<BoxedBatch | RoleResult> {
  const raw = req.item.code.trim();
  const label = ssccOfLabel(raw);
  if (label !== null) {
    if (!label.ok) return refused(label.reason);
    const batch: BoxedBatch | undefined = await trx('batches').where({ sscc: label.sscc }).first();
    return batch ?? refused(reasons.unknownSscc(label.sscc));
  }
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

async function openPallet(trx: Knex.Transaction, req: RoleScanRequest, at: string, year: number, agg: AggregationSettings): Promise<PalletRow> {
  const open: PalletRow | undefined = await trx('pallets').where({ status: 'in_progress' }).whereRaw('device_id IS ?', [req.deviceId]).orderBy('created_at', 'desc').first();
  if (open) return open;
  const row: PalletRow = {
    id: nextId(),
    identifier: formatPalletIdentifier(year, await nextSequence(trx, 'pallet')),
    // In the pallet's own transaction, like a box's (adapters/store/sscc-store.ts).
    sscc: await allocateSscc(trx, agg.sscc),
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

export async function boxScan(
  trx: Knex.Transaction,
  req: RoleScanRequest,
  at: string,
  year: number,
  events: EventObject[],
  agg: AggregationSettings = NO_AGGREGATION_SETTINGS,
): Promise<RoleResult> {
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
    await outbox(trx, 'batch.completed', { batchId: batch.id, identifier: batch.identifier, bottleCount: batch.bottle_count, completedAt: at, ...(await boxContents(trx, batch)) }, at);
    const completed: BatchChangedEvent = { type: 'batch.changed', action: 'completed', batchId: batch.id, identifier: batch.identifier, bottleCount: batch.bottle_count };
    events.push(completed);
  }
  const pallet = await openPallet(trx, req, at, year, agg);
  const batchCount = pallet.batch_count + 1;
  const full = pallet.pallet_size !== null && batchCount >= pallet.pallet_size;
  await trx('batches').where({ id: batch.id }).update({ pallet_id: pallet.id, updated_at: at });
  await trx('pallets')
    .where({ id: pallet.id })
    .update({ batch_count: batchCount, updated_at: at, ...(full ? { status: 'complete', completed_at: at } : {}) });
  // Additive for upstream (issue 14): the pallet by its SSCC, its boxes by theirs.
  const child: AggregationChild = { sscc: batch.sscc ?? null, identifier: batch.identifier };
  await outbox(trx, 'pallet.batches_added', { palletId: pallet.id, identifier: pallet.identifier, sscc: pallet.sscc ?? null, batchIds: [batch.id], batchCount, children: [child] }, at);
  if (full) {
    await outbox(trx, 'pallet.completed', { palletId: pallet.id, identifier: pallet.identifier, batchCount, completedAt: at, ...(await palletContents(trx, pallet)) }, at);
    const completed: PalletChangedEvent = { type: 'pallet.changed', action: 'completed', palletId: pallet.id, identifier: pallet.identifier, batchCount };
    events.push(completed);
  }
  const size = pallet.pallet_size === null ? '' : `/${pallet.pallet_size}`;
  return { outcome: 'accepted', bottleId: null, message: `Batch ${batch.identifier} on pallet ${pallet.identifier} (${batchCount}${size}${full ? ', complete' : ''})` };
}

/** A partial pallet closed by hand (the run ended): complete with its boxes; `pallet.completed` goes upstream, its label prints. */
export async function closePallet(trx: Knex.Transaction, palletId: string, closedBy: string, at: string): Promise<WorkOutcome> {
  const pallet: PalletRow | undefined = await trx('pallets').where({ id: palletId }).first();
  if (!pallet) throw new DomainError('NOT_FOUND', `Pallet ${palletId} not found`);
  if (pallet.status === 'complete') throw new DomainError('CONFLICT', `Pallet ${pallet.identifier} is already complete`);
  if (pallet.batch_count === 0) throw new DomainError('CONFLICT', `Pallet ${pallet.identifier} is empty: there is nothing to close`);
  Object.assign(pallet, { status: 'complete', completed_at: at, updated_at: at });
  await trx('pallets').where({ id: palletId }).update({ status: 'complete', completed_at: at, updated_at: at });
  await outbox(trx, 'pallet.completed', { palletId, identifier: pallet.identifier, batchCount: pallet.batch_count, completedAt: at, closedBy, ...(await palletContents(trx, pallet)) }, at);
  const completed: PalletChangedEvent = { type: 'pallet.changed', action: 'completed', palletId, identifier: pallet.identifier, batchCount: pallet.batch_count };
  return { ok: true, result: { pallet: toPallet(pallet) }, events: [completed] };
}

/** The aggregation a completed pallet reports upstream: its SSCC and each box by its SSCC (and identifier). */
export async function palletContents(trx: Knex.Transaction, pallet: Pick<PalletRow, 'id' | 'sscc'>): Promise<{ sscc: string | null; children: AggregationChild[] }> {
  const rows: Array<{ sscc: string | null; identifier: string }> = await trx('batches').where({ pallet_id: pallet.id }).orderBy('id').select('sscc', 'identifier');
  return { sscc: pallet.sscc ?? null, children: rows.map((r) => ({ sscc: r.sscc ?? null, identifier: r.identifier })) };
}

/** Pallets for reads (GET /api/v1/pallets, tests): newest first. */
export async function listPallets(reader: Knex, limit = 100): Promise<Pallet[]> {
  const rows: PalletRow[] = await reader('pallets').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
  return rows.map(toPallet);
}

/** One pallet with its boxes (identifier and SSCC), or null. */
export async function getPallet(reader: Knex, id: string): Promise<{ pallet: Pallet; batches: Array<{ id: string; identifier: string; sscc: string | null; bottleCount: number }> } | null> {
  const row: PalletRow | undefined = await reader('pallets').where({ id }).first();
  if (!row) return null;
  const batches: Array<{ id: string; identifier: string; sscc: string | null; bottle_count: number }> = await reader('batches').where({ pallet_id: id }).orderBy('id').select('id', 'identifier', 'sscc', 'bottle_count');
  return { pallet: toPallet(row), batches: batches.map((b) => ({ id: b.id, identifier: b.identifier, sscc: b.sscc ?? null, bottleCount: b.bottle_count })) };
}
