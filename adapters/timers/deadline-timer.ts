import { fromCallback } from 'xstate';
import type { DeadlineCheck, DeadlineInput } from '../../src/domain/ports/deadline.js';

/**
 * The real `deadline` actor for device sessions: sends `CHECK { now }` once the wall clock has
 * reached `input.at` (immediately if it already has), then stays quiet; stopping it cancels.
 *
 * Deadlines are wall-clock instants (they come from a persisted `last_seen_at`), while Node's
 * timers run on a monotonic clock, so the two can disagree by a few ms or, after a clock
 * adjustment, by much more. The timer therefore re-checks the wall clock when it fires and
 * re-arms until the deadline has really passed. It also caps each wait at setTimeout's limit
 * (about 24.8 days), beyond which Node would fire at once.
 */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function createDeadlineTimer(now: () => number = Date.now) {
  return fromCallback<DeadlineCheck, DeadlineInput>(({ input, sendBack }) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const wait = input.at - now();
      if (wait <= 0) {
        timer = undefined;
        sendBack({ type: 'CHECK', now: now() });
        return;
      }
      timer = setTimeout(arm, Math.min(wait, MAX_TIMEOUT_MS));
      // A pending deadline must not keep the process alive on shutdown.
      timer.unref();
    };
    // Even a deadline already past is answered asynchronously: a callback actor that sends back
    // while it is still starting would run a transition inside its parent's transition.
    timer = setTimeout(arm, 0);
    timer.unref();
    return () => {
      if (timer !== undefined) clearTimeout(timer);
    };
  });
}

export const deadlineTimer = createDeadlineTimer();
