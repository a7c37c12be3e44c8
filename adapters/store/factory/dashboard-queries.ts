import type { Knex } from 'knex';
import { COUNTED_KINDS, createDayOf } from './sync-ingest-store.js';

export interface FactoryOverview {
  bottlesToday: number;
  batchesToday: number;
  batchesCompletedToday: number;
  palletsToday: number;
  /** Items waiting to be forwarded to the cloud (parked ones excluded). */
  forwardQueue: number;
}

/**
 * Read-only queries behind the factory dashboard; all O(1) in the number of stored items.
 * `timeZone` is the company's (the one ingest counts days in), so "today" means the same day.
 */
export function createDashboardQueries(db: Knex, options: { timeZone: string }) {
  const dayOf = createDayOf(options.timeZone);
  return {
    /** Figures for a day: YYYY-MM-DD, or an instant whose day (in the company's zone) is meant. */
    async overview(day: string | Date): Promise<FactoryOverview> {
      const date = typeof day === 'string' ? day : dayOf(day.getTime());
      const kinds = Object.values(COUNTED_KINDS);
      const rows: Array<{ kind: string; count: number | string }> = await db('daily_counts').where({ day: date }).whereIn('kind', kinds).select('kind', 'count');
      const countOf = (kind: string) => Number(rows.find((r) => r.kind === kind)?.count ?? 0);
      const [queue] = (await db('outbox').whereNull('parked_at').count({ n: '*' })) as Array<{ n: number | string }>;
      return {
        bottlesToday: countOf(COUNTED_KINDS.bottles),
        batchesToday: countOf(COUNTED_KINDS.batches),
        batchesCompletedToday: countOf(COUNTED_KINDS.batchesCompleted),
        palletsToday: countOf(COUNTED_KINDS.pallets),
        forwardQueue: Number(queue!.n),
      };
    },
  };
}

export type DashboardQueries = ReturnType<typeof createDashboardQueries>;
