import type { Knex } from 'knex';
import type { Batch, BatchSentStatus } from '../../src/domain/aggregation.js';
import { type BatchRow, toBatch } from './rows.js';

export function createBatchQueries(db: Knex) {
  return {
    /** Newest first; `beforeId` continues after the last batch a page showed (keyset paging); total counts every match. */
    async list(filter: { sentStatus?: BatchSentStatus | undefined; deviceId?: string | undefined; limit: number; beforeId?: string | undefined }): Promise<{ batches: Batch[]; total: number }> {
      const where = (q: Knex.QueryBuilder) => {
        if (filter.sentStatus !== undefined) q.where('sent_status', filter.sentStatus);
        if (filter.deviceId !== undefined) q.where('device_id', filter.deviceId);
        return q;
      };
      const page = where(db('batches').orderBy('id', 'desc').limit(filter.limit));
      if (filter.beforeId !== undefined) page.where('id', '<', filter.beforeId);
      const rows: BatchRow[] = await page;
      const [{ total }] = (await where(db('batches').count({ total: '*' }))) as Array<{ total: number }>;
      return { batches: rows.map(toBatch), total: Number(total) };
    },

    async get(id: string): Promise<Batch | null> {
      const row: BatchRow | undefined = await db('batches').where({ id }).first();
      return row ? toBatch(row) : null;
    },

    async lastIdentifier(): Promise<string | null> {
      const row: { identifier: string } | undefined = await db('batches').orderBy('id', 'desc').first('identifier');
      return row?.identifier ?? null;
    },
  };
}

export type BatchQueries = ReturnType<typeof createBatchQueries>;
