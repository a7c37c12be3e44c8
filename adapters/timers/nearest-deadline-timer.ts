/** Node's setTimeout caps its delay at 2^31-1 ms (~24.8 days); a later deadline fires early and is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * ONE timer for many deadlines (the command service's; deadline-timer.ts is the actor a machine
 * invokes to wait for one): armed for the nearest, moved only when a nearer one appears. On fire,
 * `onFire(now)` applies what is due and returns the next nearest (or null), so a thousand pending
 * commands cost one timer, not a thousand.
 */
export function createNearestDeadlineTimer(options: { now: () => number; onFire: (now: number) => number | null }) {
  let timer: NodeJS.Timeout | null = null;
  let armedAt = Infinity;
  let stopped = false;

  const fire = () => {
    timer = null;
    armedAt = Infinity;
    armFor(options.onFire(options.now()));
  };

  function armFor(at: number | null): void {
    if (at === null || at >= armedAt || stopped) return;
    if (timer) clearTimeout(timer);
    armedAt = at;
    timer = setTimeout(fire, Math.min(MAX_TIMER_MS, Math.max(0, at - options.now())));
    timer.unref();
  }

  return {
    /** Makes sure the timer fires no later than `at`. */
    armFor,
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
