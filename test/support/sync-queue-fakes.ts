import { createActor, SimulatedClock } from 'xstate';
import { type DrainOutcome, type SyncNowReply, type SyncQueueEmitted, syncQueueMachine } from '../../machines/shared/sync-queue.machine.js';
import { controlledPromise } from './controlled-promise.js';
import { startRecorder } from './scan-fixtures.js';

export const POLL_MS = 1_000;
export const BACKOFF = { baseMs: 100, maxMs: 1_000 };

/**
 * A sync queue with its outbox faked and its timers on a simulated clock: `pending` and `drain`
 * calls wait until the test settles them, and the poll and retry timers fire only when the test
 * advances the clock.
 */
export function startSyncQueue(input: { pollIntervalMs?: number; backoff?: { baseMs: number; maxMs: number } } = {}) {
  const drain = controlledPromise<DrainOutcome>();
  const pending = controlledPromise<number>();
  const clock = new SimulatedClock();
  const actor = createActor(syncQueueMachine.provide({ actors: { drain: drain.logic, pending: pending.logic } }), {
    input: { pollIntervalMs: input.pollIntervalMs ?? POLL_MS, backoff: input.backoff ?? BACKOFF },
    clock,
  });
  const emitted: SyncQueueEmitted[] = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => emitted.push(event as SyncQueueEmitted));
  actor.subscribe({ error: (error) => errors.push(error) });
  const replies = startRecorder<SyncNowReply>();
  actor.start();
  const snapshot = () => actor.getSnapshot();
  /** The top-level state name ('sending' for {sending: 'batch'}). */
  const state = () => {
    const value = snapshot().value;
    return typeof value === 'string' ? value : Object.keys(value)[0]!;
  };
  return {
    actor,
    drain,
    pending,
    clock,
    emitted,
    errors,
    replies,
    snapshot,
    state,
    ready(reason: string | null = null) {
      actor.send({ type: 'TARGET', ready: true, reason });
    },
    lost(reason = 'Not provisioned') {
      actor.send({ type: 'TARGET', ready: false, reason });
    },
    syncNow() {
      actor.send({ type: 'SYNC_NOW', replyTo: replies.ref });
    },
    progress: () => emitted.filter((e) => e.type === 'sync.progress'),
    stop() {
      actor.stop();
      replies.stop();
    },
  };
}

export type SyncQueueUnderTest = ReturnType<typeof startSyncQueue>;

export const outcome = (o: Partial<DrainOutcome> = {}): DrainOutcome => ({ sent: 10, synced: 10, parked: 0, more: false, ...o });

/** A whole-batch failure as a sync target reports it. */
export const failure = (kind: string, message: string) => Object.assign(new Error(message), { kind });
