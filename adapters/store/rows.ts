import type { Batch, BatchSentStatus, BatchStatus, Bottle } from '../../src/domain/aggregation.js';
import type { BottleStatus } from '../../src/domain/bottle-status.js';

/** Row shapes as SQLite returns them, and their mapping to the API's shapes. */
export interface BottleRow {
  id: string;
  identifier: string;
  identification_code: string;
  gtin: string;
  serial: string;
  status: number;
  production_line_id: string | null;
  product_id: string | null;
  party: string | null;
  batch_id: string | null;
  is_preprint: number;
  created_at: string;
  updated_at: string;
}

export interface BatchRow {
  id: string;
  identifier: string;
  /** Migration 0007; absent in rows built before it. */
  sscc?: string | null;
  name: string;
  status: string;
  batch_size: number | null;
  bottle_count: number;
  device_id: string | null;
  production_line_id: string | null;
  sent_status: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export function toBottle(row: BottleRow): Bottle {
  return {
    id: row.id,
    identifier: row.identifier,
    gtin: row.gtin,
    exciseDutyNumber: row.serial,
    status: row.status as BottleStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    productionLineId: row.production_line_id,
    productId: row.product_id,
    party: row.party,
    batchId: row.batch_id,
    isPreprint: Boolean(row.is_preprint),
  };
}

export function toBatch(row: BatchRow): Batch {
  return {
    id: row.id,
    identifier: row.identifier,
    sscc: row.sscc ?? null,
    name: row.name,
    status: row.status as BatchStatus,
    batchSize: row.batch_size,
    bottleCount: row.bottle_count,
    deviceId: row.device_id,
    productionLineId: row.production_line_id,
    sentStatus: row.sent_status as BatchSentStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}
