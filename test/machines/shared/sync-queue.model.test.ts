import { expect } from 'chai';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { SyncQueueEmitted } from '../../../machines/shared/sync-queue.machine.js';
import { flush } from '../../support/controlled-promise.js';
import { BACKOFF, failure, outcome, POLL_MS, startSyncQueue } from '../../support/sync-queue-fakes.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { syncQueueMachine } from '../../../machines/shared/sync-queue.machine.js';

/**
 * Model-based paths over the sync queue with the outbox faked and timers on a simulated clock.
 * TARGET_* and SYNC_NOW are what the edge sends it; PENDING_* and DRAIN_* settle the outbox call
 * in flight; POLL_ELAPSED and RETRY_ELAPSED advance the clock past the poll interval and the
 * backoff delay. The handlers keep what the queue must have said and counted so far, and every
 * state checks the machine against it.
 */
type ModelEvent =
  | { type: 'TARGET_READY' }
  | { type: 'TARGET_LOST'; reason: string }
  | { type: 'SYNC_NOW' }
  | { type: 'PENDING_SOME'; rows: number }
  | { type: 'PENDING_NONE' }
  | { type: 'PENDING_FAILS' }
  | { type: 'POLL_ELAPSED' }
  | { type: 'DRAIN_MORE'; synced: number }
  | { type: 'DRAIN_DONE'; synced: number; parked: number }
  | { type: 'DRAIN_FAILS'; reason: string }
  | { type: 'DRAIN_UNAUTHORIZED'; reason: string }
  | { type: 'RETRY_ELAPSED' }
  | { type: 'SETTINGS' };

const model = setup({ types: { events: {} as ModelEvent }, actions: { stay: () => {} } }).createMachine({
  id: 'syncQueueModel',
  initial: 'offline',
  // SETTINGS: a new poll interval from the factory, in any state (in force from the next wait).
  on: { TARGET_LOST: '.offline', SETTINGS: { actions: 'stay' } },
  states: {
    offline: { on: { TARGET_READY: 'checking', SYNC_NOW: 'offline' } },
    checking: { on: { PENDING_SOME: 'sending', PENDING_NONE: 'idle', PENDING_FAILS: 'idle', TARGET_READY: 'checking', SYNC_NOW: 'checking' } },
    idle: { on: { POLL_ELAPSED: 'checking', SYNC_NOW: 'sending', TARGET_READY: 'idle' } },
    sending: {
      on: { DRAIN_MORE: 'sending', DRAIN_DONE: 'idle', DRAIN_FAILS: 'backoff', DRAIN_UNAUTHORIZED: 'offline', TARGET_READY: 'sending', SYNC_NOW: 'sending' },
    },
    backoff: { on: { RETRY_ELAPSED: 'sending', SYNC_NOW: 'sending', TARGET_READY: 'backoff' } },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const testModel = createTestModel(model, {
  serializeState,
  events: [
    { type: 'TARGET_READY' },
    { type: 'TARGET_LOST', reason: 'Not provisioned' },
    { type: 'SYNC_NOW' },
    { type: 'PENDING_SOME', rows: 3 },
    { type: 'PENDING_NONE' },
    { type: 'PENDING_FAILS' },
    { type: 'POLL_ELAPSED' },
    { type: 'DRAIN_MORE', synced: 7 },
    { type: 'DRAIN_DONE', synced: 2, parked: 1 },
    { type: 'DRAIN_FAILS', reason: 'OKTO Cloud refused POST /device/sync (HTTP 503): Injected fault' },
    { type: 'DRAIN_UNAUTHORIZED', reason: 'OKTO Cloud refused POST /device/sync (HTTP 401): Invalid or expired token' },
    { type: 'RETRY_ELAPSED' },
    { type: 'SETTINGS' },
  ],
});

describe('sync queue machine (model-based)', () => {
  const coverage = trackCoverage(syncQueueMachine);
  // Simple paths plus transition-pair coverage (see test/support/model-paths.ts).
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"backoff"', '"checking"', '"idle"', '"offline"', '"sending"']);
    const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? '"offline"' : serializeState(p.steps[i - 1]!.state)}|${step.event.type}`)));
    const all = modelTransitions(testModel);
    expect(all.filter((edge) => !covered.has(edge))).to.deep.equal([]);
    expect(all.length).to.equal(29);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const q = startSyncQueue();
      coverage.observe(q.actor);
      // What the queue must have emitted and counted so far.
      const expected: SyncQueueEmitted[] = [];
      let attempt = 0;
      let syncErrors = 0;
      let cycle = 0;
      let parkedTotal = 0;
      let syncNows = 0;
      let targetReady = false;
      let targetReason: string | null = 'No sync target yet';
      let from = 'offline';
      // The poll interval set last, and the one the current wait in idle was scheduled with.
      let pollMs = POLL_MS;
      let waitMs = POLL_MS;
      const enterIdle = () => (waitMs = pollMs);
      const enterSending = () => {
        cycle = 0;
        expected.push({ type: 'sync.progress', status: 'started' });
      };

      const common = (s: { value: unknown }, state: string) => {
        from = s.value as string;
        expect(q.state()).to.equal(state);
        expect(q.errors).to.deep.equal([]);
        expect(q.emitted).to.deep.equal(expected);
        expect(q.replies.events).to.have.length(syncNows);
        expect(q.snapshot().context).to.deep.include({ attempt, syncErrors, parkedTotal, targetReady, targetReason });
        // At most one outbox call at a time, and only in checking/sending.
        expect(q.pending.waiting()).to.have.length(state === 'checking' ? 1 : 0);
        expect(q.drain.waiting()).to.have.length(state === 'sending' ? 1 : 0);
      };

      try {
        await path.test({
          states: {
            offline: (s) => {
              common(s, 'offline');
            },
            checking: (s) => {
              common(s, 'checking');
            },
            idle: (s) => {
              common(s, 'idle');
            },
            sending: (s) => {
              common(s, 'sending');
              expect(q.snapshot().value).to.deep.equal({ sending: 'batch' });
            },
            backoff: (s) => {
              common(s, 'backoff');
              expect(q.snapshot().context.lastError).to.be.a('string');
            },
          },
          events: {
            TARGET_READY: () => {
              q.ready();
              targetReady = true;
              targetReason = null;
            },
            TARGET_LOST: ({ event }) => {
              const { reason } = event as Extract<ModelEvent, { type: 'TARGET_LOST' }>;
              q.lost(reason);
              targetReady = false;
              targetReason = reason;
              // Nothing scheduled before may fire now.
              q.clock.increment(10 * Math.max(POLL_MS, BACKOFF.maxMs));
            },
            SYNC_NOW: async () => {
              q.syncNow();
              syncNows++;
              await flush();
              expect(q.replies.events.at(-1)).to.deep.equal({ type: 'sync.triggered', state: from, targetReady, reason: targetReason });
              if (from === 'idle' || from === 'backoff') enterSending();
            },
            PENDING_SOME: async ({ event }) => {
              q.pending.open().resolve((event as Extract<ModelEvent, { type: 'PENDING_SOME' }>).rows);
              await flush();
              enterSending();
            },
            PENDING_NONE: async () => {
              q.pending.open().resolve(0);
              await flush();
              enterIdle();
            },
            PENDING_FAILS: async () => {
              q.pending.open().reject(new Error('SQLITE_BUSY: database is locked'));
              await flush();
              enterIdle();
            },
            SETTINGS: () => {
              pollMs = pollMs === POLL_MS ? POLL_MS / 2 : POLL_MS;
              q.actor.send({ type: 'SETTINGS.UPDATE', pollIntervalMs: pollMs });
              expect(q.snapshot().context.pollIntervalMs).to.equal(pollMs);
            },
            POLL_ELAPSED: async () => {
              const calls = q.pending.calls.length;
              q.clock.increment(waitMs - 1);
              await flush();
              expect(q.pending.calls).to.have.length(calls);
              q.clock.increment(1);
              await flush();
            },
            DRAIN_MORE: async ({ event }) => {
              const { synced } = event as Extract<ModelEvent, { type: 'DRAIN_MORE' }>;
              const calls = q.drain.calls.length;
              q.drain.open().resolve(outcome({ sent: synced, synced, more: true }));
              await flush();
              expect(q.drain.calls).to.have.length(calls + 1);
              cycle += synced;
              attempt = 0;
            },
            DRAIN_DONE: async ({ event }) => {
              const { synced, parked } = event as Extract<ModelEvent, { type: 'DRAIN_DONE' }>;
              q.drain.open().resolve(outcome({ sent: synced + parked, synced, parked, more: false }));
              await flush();
              cycle += synced;
              parkedTotal += parked;
              attempt = 0;
              enterIdle();
              expected.push({ type: 'sync.progress', status: 'completed', synced: cycle, parked: parkedTotal });
              expect(q.snapshot().context.lastSyncAt).to.be.a('string');
              expect(q.snapshot().context.lastError).to.equal(null);
            },
            DRAIN_FAILS: async ({ event }) => {
              const { reason } = event as Extract<ModelEvent, { type: 'DRAIN_FAILS' }>;
              q.drain.open().reject(failure('server', reason));
              await flush();
              attempt++;
              syncErrors++;
              const retryInMs = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** (attempt - 1));
              expected.push({ type: 'sync.progress', status: 'failed', reason, retryInMs });
            },
            DRAIN_UNAUTHORIZED: async ({ event }) => {
              const { reason } = event as Extract<ModelEvent, { type: 'DRAIN_UNAUTHORIZED' }>;
              q.drain.open().reject(failure('unauthorized', reason));
              await flush();
              syncErrors++;
              targetReady = false;
              targetReason = reason;
              expected.push({ type: 'sync.unauthorized', reason });
            },
            RETRY_ELAPSED: async () => {
              const calls = q.drain.calls.length;
              const ceiling = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** (attempt - 1));
              // Jitter takes at most half the delay off.
              q.clock.increment(Math.floor(ceiling / 2) - 1);
              await flush();
              expect(q.drain.calls).to.have.length(calls);
              q.clock.increment(Math.ceil(ceiling / 2) + 1);
              await flush();
              expect(q.drain.calls).to.have.length(calls + 1);
              enterSending();
            },
          },
        });
      } finally {
        q.stop();
      }
    });
  }

  itCoversTheWholeMachine(coverage);
});
