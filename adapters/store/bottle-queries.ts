import type { Knex } from 'knex';
import type { Bottle } from '../../src/domain/aggregation.js';
import type { ReasonParams } from '../../src/domain/codes/reasons.js';
import type { BottleStatus } from '../../src/domain/bottle-status.js';
import { type BottleRow, toBottle } from './rows.js';

/** Read-only queries over stored bottles and scans (the reader connection: never waits on a commit). */
export function createBottleQueries(db: Knex) {
  return {
    /** Newest first; `beforeId` continues a listing after the last bottle a page showed (keyset paging). */
    async list(filter: { status?: BottleStatus | undefined; lineId?: string | undefined; limit: number; beforeId?: string | undefined }): Promise<Bottle[]> {
      const query = db<BottleRow>('bottles').orderBy('id', 'desc').limit(filter.limit);
      if (filter.beforeId !== undefined) query.where('id', '<', filter.beforeId);
      if (filter.status !== undefined) query.where('status', filter.status);
      if (filter.lineId !== undefined) query.where('production_line_id', filter.lineId);
      return (await query).map(toBottle);
    },

    async get(id: string): Promise<Bottle | null> {
      const row = await db<BottleRow>('bottles').where({ id }).first();
      return row ? toBottle(row) : null;
    },

    /** Counts per status from the counter table (O(1)); `status` narrows it to one. */
    async count(status?: BottleStatus): Promise<{ total: number; byStatus: Record<string, number> }> {
      const rows: Array<{ status: number; count: number }> = await db('bottle_status_counts').select('status', 'count');
      const byStatus: Record<string, number> = {};
      let total = 0;
      for (const row of rows) {
        if (status !== undefined && row.status !== status) continue;
        byStatus[String(row.status)] = row.count;
        total += row.count;
      }
      return { total, byStatus };
    },

    /** The id of the bottle holding this identification code, if any. */
    async findByIdentificationCode(identificationCode: string): Promise<string | null> {
      const row: { id: string } | undefined = await db('bottles').where({ identification_code: identificationCode }).first('id');
      return row?.id ?? null;
    },

    async inBatch(batchId: string): Promise<Array<{ id: string; identifier: string; status: number }>> {
      return db('bottles').where({ batch_id: batchId }).orderBy('id').select('id', 'identifier', 'status');
    },

    /** Newest first; `beforeId` continues after the last scan a page showed. */
    async recentScans(limit: number, beforeId?: number) {
      const query = db('scans').orderBy('id', 'desc').limit(limit);
      if (beforeId !== undefined) query.where('id', '<', beforeId);
      const rows: Array<{ id: number; received_at: string; source: string; code: string; outcome: string; reason: string | null; reason_code: string | null; reason_params: string | null; bottle_id: string | null }> = await query;
      return rows.map((r) => ({
        id: r.id,
        code: r.code,
        valid: r.outcome === 'accepted',
        outcome: r.outcome,
        message: r.reason,
        reasonCode: r.reason_code,
        reasonParams: r.reason_params === null ? null : parseParams(r.reason_params),
        bottleId: r.bottle_id,
        source: r.source,
        timestamp: r.received_at,
      }));
    },
  };
}

export type BottleQueries = ReturnType<typeof createBottleQueries>;

/** A stored row's reason params; a row that cannot be read has none rather than failing the page. */
function parseParams(json: string): ReasonParams {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ReasonParams) : {};
  } catch {
    return {};
  }
}
