import type { ReasonCode, ReasonParams } from './codes/reasons.js';
import type { ScannerRole } from './scanner-role.js';

/**
 * What the scan line hands to storage and what storage answers. Pure data shared by the scan
 * line machine and the store adapter, so neither imports the other.
 */
export interface BottleCandidate {
  identifier: string; // full normalised code
  identificationCode: string; // 01 GTIN 21 serial
  gtin: string;
  serial: string;
  productionLineId: string | null;
  productId: string | null;
  party: string | null;
  deviceId: string | null;
  isPreprint: boolean;
  /** The production order active when it was scanned (src/domain/orders.ts); absent or null: none. */
  orderId?: string | null;
  /**
   * A PLC with safe state reject_all is in an outage: the unit is physically ejected, so it is
   * stored Rejected, never reported as produced (no bottle.created), and its scan is refused.
   */
  rejectedBySafeState?: boolean;
}

export type ScanOutcome = 'accepted' | 'duplicate' | 'invalid' | 'noread' | 'refused' | 'error';

/** One scan (or one bottle of a bulk request) to record. Only candidates can become bottles. */
export interface CommitItem {
  code: string;
  source: string;
  /** When the scanner delivered it; null lets storage stamp the commit time. */
  receivedAt: string | null;
  outcome: 'candidate' | 'invalid' | 'noread' | 'refused';
  /** Why it was not a candidate, in English (the stored and answered `message`). */
  reason: string | null;
  /** The same as a stable code and its params (src/domain/codes/reasons.ts); absent: the outcome's own code. */
  reasonCode?: ReasonCode | null;
  reasonParams?: ReasonParams | null;
  /** The GTIN when it could be read, even from an invalid code. */
  gtin: string | null;
  bottle: BottleCandidate | null;
  /** The production order active when it was scanned, whatever the outcome (its summary counts rejects by reason). */
  orderId?: string | null;
}

export interface CommitResult {
  outcome: ScanOutcome;
  /** The new bottle, or for a duplicate the bottle that already holds the code. */
  bottleId: string | null;
}

/** A unit of acknowledgement: all of a job's items commit in one transaction, or none do. */
export interface CommitJob<TReplyTo = unknown> {
  jobId: number;
  items: CommitItem[];
  replyTo: TReplyTo | null;
  requestId: string | null;
  /** Set only for a role scan the line refused (paused, disabled): absent means ADD. */
  role?: ScannerRole;
}
