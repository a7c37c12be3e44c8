import type { BottleStatus } from './bottle-status.js';
import type { BufferRequest } from './batch-buffer.js';
import type { RoleScanRequest } from './scanner-role.js';

/** Requests the aggregation actor serialises: everything that groups bottles or moves their status by hand. */
export type AggregationRequest =
  | { op: 'createBatch'; name: string; deviceId: string | null; productionLineId: string | null; batchSize: number | null; bottleIds: string[] }
  | { op: 'addBottles'; batchId: string; bottleIds: string[] }
  /** Closes a partial batch by hand (the last box of a run): complete with the bottles it has. */
  | { op: 'closeBatch'; batchId: string; closedBy: string }
  /** Disaggregation: the box's units leave it (In Batch → Created); the box, its SSCC kept, is open again for repacking. */
  | { op: 'unpackBatch'; batchId: string; unpackedBy: string }
  /** Closes a partial pallet by hand: complete with the boxes it has. */
  | { op: 'closePallet'; palletId: string; closedBy: string }
  /** `audit`: who asked, written to the audit log in the change's own transaction. */
  | { op: 'setBottleStatus'; bottleId: string; status: BottleStatus; audit?: { userId: string; username: string; ip: string | null } }
  | RoleScanRequest
  | BufferRequest;

export type BatchStatus = 'in_progress' | 'complete';
export type BatchSentStatus = 'pending' | 'sent' | 'synced';

export interface Batch {
  id: string;
  identifier: string;
  /** SSCC (AI 00, 18 digits) of the box; null without a configured company prefix (src/domain/sscc.ts). */
  sscc: string | null;
  name: string;
  status: BatchStatus;
  batchSize: number | null;
  bottleCount: number;
  deviceId: string | null;
  productionLineId: string | null;
  sentStatus: BatchSentStatus;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface Bottle {
  id: string;
  identifier: string;
  gtin: string;
  exciseDutyNumber: string; // the serial (AI 21), as the spec names it
  status: BottleStatus;
  createdAt: string;
  updatedAt: string;
  productionLineId: string | null;
  productId: string | null;
  party: string | null;
  batchId: string | null;
  isPreprint: boolean;
}

/** Emitted after an aggregation change has committed. */
export interface BatchChangedEvent {
  type: 'batch.changed';
  action: 'created' | 'bottles_added' | 'completed' | 'unpacked';
  batchId: string;
  identifier: string;
  bottleCount: number;
}
