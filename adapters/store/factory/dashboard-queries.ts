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

/** One device's production (bottles made) in a day, per local hour. */
export interface LineProduction {
  deviceId: string;
  /** The device's production line, when it has one. */
  productionLineId?: string;
  /** The device's name, when it is still registered. */
  name?: string;
  total: number;
  /** 24 counts, hour 0 to 23 of the day in the company's time zone. */
  hours: number[];
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

    /** Today's day in the company's zone (YYYY-MM-DD). */
    today: (now: Date = new Date()) => dayOf(now.getTime()),

    /** Bottles made per device and local hour on a day (YYYY-MM-DD), devices by id; none → []. */
    async productionByHour(day: string): Promise<LineProduction[]> {
      const rows: Array<{ device_id: string; hour: number | string; count: number | string; name: string | null; line_id: string | null }> = await db('hourly_counts as h')
        .leftJoin('devices as d', 'd.id', 'h.device_id')
        .where({ 'h.day': day, 'h.kind': COUNTED_KINDS.bottles })
        .select('h.device_id', 'h.hour', 'h.count', 'd.name', 'd.line_id')
        .orderBy('h.device_id');
      const lines = new Map<string, LineProduction>();
      for (const row of rows) {
        let line = lines.get(row.device_id);
        if (!line) {
          line = { deviceId: row.device_id, ...(row.line_id ? { productionLineId: row.line_id } : {}), ...(row.name ? { name: row.name } : {}), total: 0, hours: new Array<number>(24).fill(0) };
          lines.set(row.device_id, line);
        }
        const count = Number(row.count);
        line.hours[Number(row.hour)]! += count;
        line.total += count;
      }
      return [...lines.values()];
    },
  };
}

export type DashboardQueries = ReturnType<typeof createDashboardQueries>;
