import type { EventBus } from '../runtime/event-bus.js';
import type { FactoryEvent } from './factory-events.js';

const WINDOW_SECONDS = 60;

/**
 * Bottles received per minute over the last 60 s, from the ingest events (what reached the
 * factory, which is what a control room can vouch for). Per-second buckets, so the memory is
 * fixed whatever the rate.
 */
export function createProductionRate(bus: EventBus<FactoryEvent>, now: () => number = Date.now) {
  const buckets = new Array<number>(WINDOW_SECONDS).fill(0);
  let lastSecond = Math.floor(now() / 1000);

  const advance = () => {
    const second = Math.floor(now() / 1000);
    for (let s = lastSecond + 1; s <= Math.min(second, lastSecond + WINDOW_SECONDS); s++) buckets[s % WINDOW_SECONDS] = 0;
    lastSecond = Math.max(lastSecond, second);
  };

  const off = bus.subscribe('sync.ingested', (event) => {
    const bottles = event.newByKind['bottle.created'] ?? 0;
    if (bottles === 0) return;
    advance();
    buckets[lastSecond % WINDOW_SECONDS]! += bottles;
  });

  return {
    bottlesPerMinute(): number {
      advance();
      return buckets.reduce((sum, n) => sum + n, 0);
    },
    dispose: off,
  };
}
