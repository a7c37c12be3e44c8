import { BottleStatus } from './bottle-status.js';
import { reasons } from './codes/reasons.js';
import { roleRefusal, type RoleResult } from './scanner-role.js';

/**
 * The scanner roles' rules (REMOVE, REJECTION, VERIFY_LOCAL_BUFFER, PACKAGE) as pure decisions
 * over what the store read: each answers the scan's refusal or duplicate, or null when the role's
 * change may go ahead. The SQL store (adapters/store/role-scan-store.ts) reads, asks here, and
 * persists.
 */

/** REMOVE (target Deleted) / REJECTION (target Rejected) of a stored unit: a unit already in the target status is a duplicate. */
export function statusRoleRefusal(bottle: { id: string; status: number }, target: BottleStatus): RoleResult | null {
  if (bottle.status !== target) return null;
  return roleRefusal('duplicate', target === BottleStatus.DELETED ? reasons.alreadyRemoved() : reasons.alreadyRejected(), bottle.id);
}

/** VERIFY_LOCAL_BUFFER: the code must be in the buffer, and not consumed yet. */
export function verifyRefusal(
  entry: { batchIdentifier: string; consumedAt: string | null; consumedBy: string | null } | null,
  bottleId: string | null,
): RoleResult | null {
  if (!entry) return roleRefusal('refused', reasons.notInBuffer());
  if (entry.consumedAt !== null) return roleRefusal('duplicate', reasons.alreadyConsumed(entry.batchIdentifier, entry.consumedAt, entry.consumedBy), bottleId);
  return null;
}

/**
 * PACKAGE: a unit already in the open batch is a duplicate; one in another batch is refused,
 * naming it (`otherBatch` reads that batch's identifier, only when it is needed).
 */
export async function packageRefusal(
  bottle: { id: string; batchId: string | null },
  open: { id: string; identifier: string } | null,
  otherBatch: (batchId: string) => Promise<string>,
): Promise<RoleResult | null> {
  if (bottle.batchId === null) return null;
  if (bottle.batchId === open?.id) return roleRefusal('duplicate', reasons.alreadyInBatch(open.identifier), bottle.id);
  return roleRefusal('refused', reasons.packedInOtherBatch(await otherBatch(bottle.batchId)), bottle.id);
}
