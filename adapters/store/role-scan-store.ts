import type { Knex } from 'knex';
import type { EventObject } from 'xstate';
import type { WorkOutcome } from '../../machines/shared/serial-worker.machine.js';
import { BOTTLE_STATUS_NAMES, BottleStatus } from '../../src/domain/bottle-status.js';
import { DomainError } from '../../src/domain/domain-error.js';
import { reasons } from '../../src/domain/codes/reasons.js';
import { roleRefusal, type NonAddRole, type RoleResult, type RoleScanRequest } from '../../src/domain/scanner-role.js';
import { addBottles, createBatch, setBottleStatus } from './aggregation-store.js';
import { bufferEntry, consumeEntry } from './batch-buffer-store.js';
import { boxScan } from './pallet-store.js';
import type { BatchRow, BottleRow } from './rows.js';
import { NO_AGGREGATION_SETTINGS, type AggregationSettings } from '../../src/domain/sscc.js';

/**
 * What each scanner role (but ADD) does, as one transaction of the aggregation actor: the role's
 * change, its outbox rows and the scans row (with its role) commit together. A refusal by the
 * domain rules rolls back the change only (a savepoint) and is still recorded as a scan.
 * The README's "Scanner roles" section describes the same rules for operators.
 */

type RoleAction = (trx: Knex.Transaction, req: RoleScanRequest, at: string, year: number, events: EventObject[], agg: AggregationSettings) => Promise<RoleResult>;

const invalid = (req: RoleScanRequest): RoleResult => ({ outcome: 'invalid', bottleId: null, message: req.item.reason });
const UNKNOWN: RoleResult = roleRefusal('refused', reasons.unknownUnit());

async function bottleOf(trx: Knex.Transaction, req: RoleScanRequest): Promise<BottleRow | null> {
  return ((await trx('bottles').where({ identification_code: req.item.bottle!.identificationCode }).first()) as BottleRow | undefined) ?? null;
}

/** Moves a known bottle to `status` by the same rules as a manual status change (outbox `bottle.status`). */
async function moveTo(trx: Knex.Transaction, bottle: BottleRow, status: BottleStatus, at: string, verb: 'removed' | 'rejected'): Promise<RoleResult> {
  if (bottle.status === status) return roleRefusal('duplicate', verb === 'removed' ? reasons.alreadyRemoved() : reasons.alreadyRejected(), bottle.id);
  await setBottleStatus(trx, bottle.id, status, at);
  return { outcome: 'accepted', bottleId: bottle.id, message: `${verb[0]!.toUpperCase()}${verb.slice(1)} (was ${BOTTLE_STATUS_NAMES[bottle.status as BottleStatus]})` };
}

const ROLE_ACTIONS: Record<NonAddRole, RoleAction> = {
  /** The unit is taken off the line: Deleted. */
  async REMOVE(trx, req, at) {
    if (!req.item.bottle) return invalid(req);
    const bottle = await bottleOf(trx, req);
    return bottle ? moveTo(trx, bottle, BottleStatus.DELETED, at, 'removed') : UNKNOWN;
  },

  /** The unit was ejected: Rejected when it is a stored unit; an unknown unit's ejection is only recorded. */
  async REJECTION(trx, req, at) {
    if (!req.item.bottle) return invalid(req);
    const bottle = await bottleOf(trx, req);
    if (!bottle) return { outcome: 'accepted', bottleId: null, message: 'Ejection recorded (not a stored unit)' };
    return moveTo(trx, bottle, BottleStatus.REJECTED, at, 'rejected');
  },

  /** The ejected unit left the line (the reject loop was told as the frame arrived): recorded. */
  async REJECTION_FEEDBACK(trx, req) {
    if (!req.item.bottle) return invalid(req);
    const bottle = await bottleOf(trx, req);
    return { outcome: 'accepted', bottleId: bottle?.id ?? null, message: 'Ejection confirmed' };
  },

  /** Checked against the batch-accounting buffer and consumed there, once. */
  async VERIFY_LOCAL_BUFFER(trx, req, at) {
    if (!req.item.bottle) return invalid(req);
    const entry = await bufferEntry(trx, req.item.bottle.identificationCode);
    if (!entry) return roleRefusal('refused', reasons.notInBuffer());
    const bottleId = (await bottleOf(trx, req))?.id ?? null;
    if (entry.consumed_at !== null) return roleRefusal('duplicate', reasons.alreadyConsumed(entry.batch_identifier, entry.consumed_at, entry.consumed_by), bottleId);
    const verified = await consumeEntry(trx, entry, req.item.source, at);
    return { outcome: 'accepted', bottleId, message: `Verified in batch ${verified.batchIdentifier} (${verified.remaining} remaining)` };
  },

  /** Into the line's open batch, opened (line.batchSize) when there is none. */
  async PACKAGE(trx, req, at, year, events, agg) {
    if (!req.item.bottle) return invalid(req);
    const bottle = await bottleOf(trx, req);
    if (!bottle) return UNKNOWN;
    const open: BatchRow | undefined = await trx('batches').where({ status: 'in_progress' }).whereRaw('device_id IS ?', [req.deviceId]).orderBy('created_at', 'desc').first();
    if (bottle.batch_id !== null) {
      if (bottle.batch_id === open?.id) return roleRefusal('duplicate', reasons.alreadyInBatch(open.identifier), bottle.id);
      const other: BatchRow = await trx('batches').where({ id: bottle.batch_id }).first();
      return roleRefusal('refused', reasons.packedInOtherBatch(other.identifier), bottle.id);
    }
    if (open && !agg.mixedCases) {
      // One GTIN per box unless mixed cases are enabled (aggregation.mixedCases).
      const other: { gtin: string } | undefined = await trx('bottles').where({ batch_id: open.id }).whereNot({ gtin: bottle.gtin }).first('gtin');
      if (other) return roleRefusal('refused', reasons.mixedGtinInBox(open.identifier, other.gtin), bottle.id);
    }
    const outcome = open
      ? await addBottles(trx, open.id, [bottle.id], at, [])
      : await createBatch(trx, { op: 'createBatch', name: `Packed by ${req.item.source}`, deviceId: req.deviceId, productionLineId: req.productionLineId, batchSize: req.batchSize, bottleIds: [bottle.id] }, at, year, agg);
    events.push(...(outcome.events ?? []));
    const { batch } = outcome.result as { batch: { identifier: string; bottleCount: number; batchSize: number | null; status: string } };
    const size = batch.batchSize === null ? '' : `/${batch.batchSize}`;
    return { outcome: 'accepted', bottleId: bottle.id, message: `In batch ${batch.identifier} (${batch.bottleCount}${size}${batch.status === 'complete' ? ', complete' : ''})` };
  },

  BOX: boxScan,
};

function storedReason(result: RoleResult, item: RoleScanRequest['item']): { reason_code: string | null; reason_params: string | null } {
  if (result.outcome === 'accepted') return { reason_code: null, reason_params: null };
  const code = result.reasonCode ?? (result.outcome === 'invalid' ? item.reasonCode : null) ?? null;
  const params = result.reasonCode ? result.reasonParams : item.reasonParams;
  return { reason_code: code, reason_params: code ? JSON.stringify(params ?? {}) : null };
}

export async function executeRoleScan(trx: Knex.Transaction, req: RoleScanRequest, at: string, year: number, agg: AggregationSettings = NO_AGGREGATION_SETTINGS): Promise<WorkOutcome> {
  const events: EventObject[] = [];
  let result: RoleResult;
  try {
    result = await trx.transaction((savepoint) => ROLE_ACTIONS[req.role](savepoint, req, at, year, events, agg));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    events.length = 0;
    result = { outcome: 'refused', bottleId: null, message: error.message };
  }
  const { item } = req;
  await trx('scans').insert({
    received_at: item.receivedAt ?? at,
    source: item.source,
    code: item.code.slice(0, 512),
    outcome: result.outcome,
    reason: result.message,
    // The code the decision will carry (an invalid code keeps the validator's): what /scanner/recent translates.
    ...storedReason(result, item),
    bottle_id: result.bottleId,
    role: req.role,
  });
  return { ok: true, result, events };
}
