import type { Knex } from 'knex';

export interface ScanTallyRow {
  outcome: string;
  /** The reason code, or the English reason of a row stored before codes existed. */
  reason: string | null;
  /** 1 when received at or after the `shiftFrom` instant. */
  inShift: number;
  inDay: number;
  count: number;
}

/**
 * Counts of stored scans since an instant, for the line status counters after a restart.
 * `scans` has no index on received_at; its ids grow with time, so the first id at or after the
 * instant is found by bisecting the primary key (a few point reads) and the count is a key range.
 */
export function createScanTally(reader: Knex) {
  async function firstIdAtOrAfter(iso: string): Promise<number | null> {
    const bounds = (await reader('scans').min({ lo: 'id' }).max({ hi: 'id' }).first()) as { lo: number | null; hi: number | null } | undefined;
    if (!bounds || bounds.lo === null || bounds.hi === null) return null;
    let lo = bounds.lo;
    let hi = bounds.hi + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = (await reader('scans').where('id', '>=', mid).orderBy('id').first('id', 'received_at')) as { id: number; received_at: string } | undefined;
      if (!row) hi = mid;
      else if (row.received_at >= iso) hi = mid;
      else lo = row.id + 1;
    }
    return lo > bounds.hi ? null : lo;
  }

  return {
    async since(fromIso: string, shiftFromIso: string, dayFromIso: string): Promise<ScanTallyRow[]> {
      const first = await firstIdAtOrAfter(fromIso);
      if (first === null) return [];
      const rows = (await reader('scans')
        .where('id', '>=', first)
        .where('received_at', '>=', fromIso)
        .whereNull('role') // the line's own scans (ADD); role stations are not units on the line
        .select('outcome')
        // By reason code, as the live counters count; a row stored before codes existed by its text.
        .select(reader.raw('COALESCE(reason_code, reason) AS why'))
        .select(reader.raw('received_at >= ? AS inShift', [shiftFromIso]), reader.raw('received_at >= ? AS inDay', [dayFromIso]))
        .count({ count: '*' })
        .groupBy('outcome', 'why', 'inShift', 'inDay')) as unknown as Array<Omit<ScanTallyRow, 'reason'> & { why: string | null }>;
      return rows.map(({ why, ...r }) => ({ ...r, reason: why, inShift: Number(r.inShift), inDay: Number(r.inDay), count: Number(r.count) }));
    },
  };
}

export type ScanTally = ReturnType<typeof createScanTally>;
