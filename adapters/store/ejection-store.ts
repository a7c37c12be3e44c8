import type { Knex } from 'knex';
import { BOTTLE_STATUS_NAMES, BottleStatus, canTransition } from '../../src/domain/bottle-status.js';
import { setBottleStatus } from './aggregation-store.js';
import type { BottleRow } from './rows.js';

export type EjectionUpdate =
  | { bottleId: null; change: 'unknown_unit' }
  | { bottleId: string; change: 'confirmed' | 'rejected_unreported' | 'rejected_reported'; status: string }
  | { bottleId: string; change: 'not_rejectable'; status: string };

/**
 * A REJECTION_FEEDBACK reader confirmed that a unit left the line in the reject path (issue 14,
 * reject safety). The stored unit records when (`rejection_confirmed_at`). When the unit was
 * ejected by the reject_all safe state (`bySafeState`) but had been accepted (the line learnt of
 * the outage a moment after the PLC), it becomes Rejected: if its bottle.created is still queued
 * the row is dropped, so it is never reported as produced; if it was already sent, the usual
 * bottle.status row tells upstream. A duplicate's or an invalid code's ejection never touches the
 * stored unit of that code (that one is the good unit), hence the flag.
 */
export async function confirmEjection(db: Knex, identificationCode: string, bySafeState: boolean, at: string): Promise<EjectionUpdate> {
  return db.transaction(async (trx) => {
    const bottle: (BottleRow & { rejection_confirmed_at: string | null }) | undefined = await trx('bottles').where({ identification_code: identificationCode }).first();
    if (!bottle) return { bottleId: null, change: 'unknown_unit' };
    await trx('bottles').where({ id: bottle.id }).update({ rejection_confirmed_at: at });
    const status = bottle.status as BottleStatus;
    if (!bySafeState || status === BottleStatus.REJECTED) return { bottleId: bottle.id, change: 'confirmed', status: BOTTLE_STATUS_NAMES[status] };
    if (status === BottleStatus.CREATED) {
      const dropped = await trx('outbox').where({ kind: 'bottle.created', ref_id: bottle.id }).whereNull('parked_at').delete();
      if (dropped > 0) {
        await trx('bottles').where({ id: bottle.id }).update({ status: BottleStatus.REJECTED, updated_at: at });
        await trx.raw('UPDATE bottle_status_counts SET count = count - 1 WHERE status = ?', [BottleStatus.CREATED]);
        await trx.raw('UPDATE bottle_status_counts SET count = count + 1 WHERE status = ?', [BottleStatus.REJECTED]);
        return { bottleId: bottle.id, change: 'rejected_unreported', status: BOTTLE_STATUS_NAMES[BottleStatus.REJECTED] };
      }
    }
    if (!canTransition(status, BottleStatus.REJECTED)) return { bottleId: bottle.id, change: 'not_rejectable', status: BOTTLE_STATUS_NAMES[status] };
    await setBottleStatus(trx, bottle.id, BottleStatus.REJECTED, at);
    return { bottleId: bottle.id, change: 'rejected_reported', status: BOTTLE_STATUS_NAMES[BottleStatus.REJECTED] };
  });
}
