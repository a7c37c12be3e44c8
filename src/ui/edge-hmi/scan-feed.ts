import { signal } from '@preact/signals';
import type { BottleQueries } from '../../../adapters/store/bottle-queries.js';

/** One row of the feed: the shape `GET /api/v1/scanner/recent` answers, which `/ws` scan messages share. */
export type ScanRow = Awaited<ReturnType<BottleQueries['recentScans']>>[number] & { seq?: number };

/**
 * The live scan feed. Socket messages arrive faster than a page can render one by one (50 scans/s
 * on a fast line): they wait in a plain array and are folded into the signal once per animation
 * frame, newest first, and the list never holds more than `limit` rows.
 */
export function createScanFeed(limit: number) {
  const rows = signal<ScanRow[]>([]);
  /** Scans seen since the page opened (a frame's worth can be many). */
  const received = signal(0);
  let pending: ScanRow[] = [];
  let scheduled = false;
  let seq = 0;
  let arrived = 0;

  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending.reverse();
    pending = [];
    received.value = arrived;
    rows.value = batch.concat(rows.value).slice(0, limit);
  };

  return {
    rows,
    received,
    push(row: ScanRow): void {
      arrived++;
      pending.push({ ...row, seq: ++seq });
      if (pending.length > limit) pending.splice(0, pending.length - limit);
      if (!scheduled) {
        scheduled = true;
        // Hidden tabs get no animation frames; a timer keeps the list current for when it shows again.
        if (document.hidden) setTimeout(flush, 250);
        else requestAnimationFrame(flush);
      }
    },
    /** Replaces the list with what the edge has stored (on login and after a reconnection). */
    reset(stored: ScanRow[]): void {
      pending = [];
      rows.value = stored.slice(0, limit).map((row) => ({ ...row, seq: ++seq }));
    },
  };
}
