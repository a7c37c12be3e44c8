import type { ScanOutcome } from '../../domain/scan-commit.js';

/** What the line status shows for a shift or a day. */
export interface LineCounters {
  accepted: number;
  rejected: { total: number; byReason: Record<string, number> };
  duplicates: number;
  noReads: number;
}

/** Distinct reject reasons kept per period; the rest are counted under "other". */
const MAX_REASONS = 50;

export const emptyCounters = (): LineCounters => ({ accepted: 0, rejected: { total: 0, byReason: {} }, duplicates: 0, noReads: 0 });

/** Adds `n` decisions of one outcome (and reason) to `counters`. */
export function tally(counters: LineCounters, outcome: ScanOutcome | string, reason: string | null, n = 1): void {
  if (outcome === 'accepted') counters.accepted += n;
  else if (outcome === 'duplicate') counters.duplicates += n;
  else if (outcome === 'noread') counters.noReads += n;
  else {
    counters.rejected.total += n;
    const byReason = counters.rejected.byReason;
    let key = reason ?? outcome;
    if (!(key in byReason) && Object.keys(byReason).length >= MAX_REASONS) key = 'other';
    byReason[key] = (byReason[key] ?? 0) + n;
  }
}

/** Events per second over the last minute, in one-second buckets. */
export function createRateWindow(now: () => number = Date.now) {
  const buckets = new Array<number>(60).fill(0);
  let bucketSecond = Math.floor(now() / 1000);
  const advance = () => {
    const second = Math.floor(now() / 1000);
    const steps = Math.min(60, second - bucketSecond);
    for (let i = 1; i <= steps; i++) buckets[(bucketSecond + i) % 60] = 0;
    if (steps > 0) bucketSecond = second;
  };
  return {
    add(n = 1) {
      advance();
      buckets[bucketSecond % 60]! += n;
    },
    /** Events in the last 60 seconds. */
    perMinute(): number {
      advance();
      return buckets.reduce((a, b) => a + b, 0);
    },
  };
}
