import type { CommitItem, ScanOutcome } from './scan-commit.js';
import { reasonText, type ReasonCode, type ReasonParams, type ScanReason } from './codes/reasons.js';

import type { NonAddRole } from './scanner-role-names.js';
export { DEFAULT_SCANNER_ROLE, type NonAddRole, SCANNER_ROLES, type ScannerRole } from './scanner-role-names.js';

/** Batch identifiers printed on a case label (see batch-identifier.ts): what a BOX scanner may read. */
export const BATCH_IDENTIFIER_PATTERN = /^B-\d{4}-\d{6}$/;

/**
 * One role scan for the role handler. `item` is the scan line's validated item (a candidate with
 * its bottle fields when the code is valid, else invalid with the reason); the line's device and
 * production line say which open batch/pallet is "the line's".
 */
export interface RoleJob<TReplyTo = unknown> {
  jobId: number;
  role: NonAddRole;
  item: CommitItem;
  deviceId: string | null;
  productionLineId: string | null;
  replyTo: TReplyTo | null;
  requestId: string | null;
}

/** The role's verdict: `accepted` = the role's action took effect; the message says what happened or why not. */
export interface RoleResult {
  outcome: ScanOutcome;
  bottleId: string | null;
  message: string | null;
  /** Why a role scan was not accepted, as a stable code (src/domain/codes/reasons.ts); absent: the item's or the outcome's. */
  reasonCode?: ReasonCode | null;
  reasonParams?: ReasonParams | null;
}

/** A role scan not accepted, for `reason`: its English text as the message, and its code and params. */
export function roleRefusal(outcome: Exclude<ScanOutcome, 'accepted'>, reason: ScanReason, bottleId: string | null = null): RoleResult {
  return { outcome, bottleId, message: reasonText(reason), reasonCode: reason.code, reasonParams: reason.params };
}

/** What the bottle ledger actor executes for a role scan (one transaction, scan row included). */
export interface RoleScanRequest {
  op: 'roleScan';
  role: NonAddRole;
  item: CommitItem;
  deviceId: string | null;
  productionLineId: string | null;
  /** Sizes for a batch/pallet opened by this scan (line.batchSize, line.palletSize); null = no limit. */
  batchSize: number | null;
  palletSize: number | null;
}
