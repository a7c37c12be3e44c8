import { type ActorRefFrom, type AnyActorRef, assign, emit, fromPromise, sendTo, setup } from 'xstate';
import { backoffDelay } from '../../src/domain/backoff.js';

/**
 * Drains the transactional outbox upstream, one batch at a time: idle → checking → sending
 * (repeat while rows remain) → idle; a failure backs off exponentially with jitter; without a
 * usable target (not provisioned, factory not configured) it waits `offline`. What a batch does
 * (read rows, upload, apply per-item results in one transaction) is the supplied `drain` actor.
 */

import type { DrainOutcome } from '../../src/domain/ports/drain-outcome.js';
export type { DrainOutcome } from '../../src/domain/ports/drain-outcome.js';
interface SyncFailure {
  kind?: string;
  message?: string;
}

export interface SyncQueueInput {
  pollIntervalMs: number;
  backoff: { baseMs: number; maxMs: number };
}

export interface SyncQueueContext extends SyncQueueInput {
  targetReady: boolean;
  targetReason: string | null;
  attempt: number;
  lastSyncAt: string | null;
  lastError: string | null;
  /** Failed attempts since start (the spec's syncErrors). */
  syncErrors: number;
  syncedTotal: number;
  parkedTotal: number;
  /** Items synced in the current cycle (reported by the `completed` event). */
  cycleSynced: number;
}

export type SyncQueueEvent =
  | { type: 'SYNC_NOW'; replyTo?: AnyActorRef }
  | { type: 'TARGET'; ready: boolean; reason: string | null }
  /** A new poll interval (the factory's push_config): in force from the next wait. */
  | { type: 'SETTINGS.UPDATE'; pollIntervalMs: number };

export type SyncQueueEmitted =
  | { type: 'sync.progress'; status: 'started' }
  | { type: 'sync.progress'; status: 'completed'; synced: number; parked: number }
  | { type: 'sync.progress'; status: 'failed'; reason: string; retryInMs: number }
  | { type: 'sync.unauthorized'; reason: string };

export interface SyncNowReply {
  type: 'sync.triggered';
  state: string;
  targetReady: boolean;
  reason: string | null;
}

const drainPlaceholder = fromPromise<DrainOutcome, void>(async () => {
  throw new Error('sync queue: drain not provided');
});
const pendingPlaceholder = fromPromise<number, void>(async () => {
  throw new Error('sync queue: pending not provided');
});

const reasonOf = (error: unknown) => (error as SyncFailure)?.message ?? String(error);
/** The top-level state's name: `sending` is compound, and String() of it would be "[object Object]". */
const topState = (value: unknown) => (typeof value === 'string' ? value : Object.keys(value as object)[0]!);

export const syncQueueMachine = setup({
  types: {
    context: {} as SyncQueueContext,
    events: {} as SyncQueueEvent,
    input: {} as SyncQueueInput,
    emitted: {} as SyncQueueEmitted,
  },
  actors: { drain: drainPlaceholder, pending: pendingPlaceholder },
  delays: {
    poll: ({ context }) => context.pollIntervalMs,
    retry: ({ context }) => backoffDelay(Math.max(0, context.attempt - 1), { ...context.backoff, jitter: 0.5 }),
  },
  actions: {
    setTarget: assign(({ event }) => (event.type === 'TARGET' ? { targetReady: event.ready, targetReason: event.reason } : {})),
    recordBatch: assign(({ context }, output: DrainOutcome) => ({
      attempt: 0,
      lastError: null,
      lastSyncAt: output.sent > 0 ? new Date().toISOString() : context.lastSyncAt,
      syncedTotal: context.syncedTotal + output.synced,
      parkedTotal: context.parkedTotal + output.parked,
      cycleSynced: context.cycleSynced + output.synced,
    })),
    announceCompleted: emit(({ context }) => ({ type: 'sync.progress' as const, status: 'completed' as const, synced: context.cycleSynced, parked: context.parkedTotal })),
    answer: sendTo(
      ({ event }) => (event as { replyTo: AnyActorRef }).replyTo,
      ({ context, self }): SyncNowReply => ({
        type: 'sync.triggered',
        state: topState(self.getSnapshot().value),
        targetReady: context.targetReady,
        reason: context.targetReason,
      }),
    ),
  },
  guards: {
    targetReady: ({ event }) => event.type === 'TARGET' && event.ready,
    targetLost: ({ event }) => event.type === 'TARGET' && !event.ready,
    hasReplyTo: ({ event }) => event.type === 'SYNC_NOW' && event.replyTo !== undefined,
    unauthorized: ({ event }) => ((event as { error?: SyncFailure }).error?.kind ?? '') === 'unauthorized',
  },
}).createMachine({
  id: 'syncQueue',
  context: ({ input }) => ({
    ...input,
    targetReady: false,
    targetReason: 'No sync target yet',
    attempt: 0,
    lastSyncAt: null,
    lastError: null,
    syncErrors: 0,
    syncedTotal: 0,
    parkedTotal: 0,
    cycleSynced: 0,
  }),
  initial: 'offline',
  on: {
    TARGET: [
      { guard: 'targetLost', target: '.offline', actions: 'setTarget' },
      { actions: 'setTarget' },
    ],
    SYNC_NOW: { guard: 'hasReplyTo', actions: 'answer' },
    'SETTINGS.UPDATE': { actions: assign({ pollIntervalMs: ({ event }) => event.pollIntervalMs }) },
  },
  states: {
    offline: {
      on: {
        TARGET: [{ guard: 'targetReady', target: 'checking', actions: 'setTarget' }, { actions: 'setTarget' }],
      },
    },
    idle: {
      after: { poll: 'checking' },
      on: { SYNC_NOW: { target: 'sending', actions: [{ type: 'answer' }] } },
    },
    checking: {
      invoke: {
        src: 'pending',
        onDone: [{ guard: ({ event }) => event.output > 0, target: 'sending' }, { target: 'idle' }],
        onError: { target: 'idle' },
      },
    },
    sending: {
      entry: [assign({ cycleSynced: 0 }), emit({ type: 'sync.progress', status: 'started' })],
      initial: 'batch',
      states: {
        batch: {
          invoke: {
            src: 'drain',
            onDone: [
              {
                guard: ({ event }) => event.output.more,
                target: 'batch',
                reenter: true,
                actions: { type: 'recordBatch', params: ({ event }) => event.output },
              },
              { target: '#syncQueue.idle', actions: [{ type: 'recordBatch', params: ({ event }) => event.output }, 'announceCompleted'] },
            ],
            onError: [
              {
                guard: 'unauthorized',
                target: '#syncQueue.offline',
                actions: [
                  assign({ targetReady: false, targetReason: ({ event }) => reasonOf(event.error), lastError: ({ event }) => reasonOf(event.error), syncErrors: ({ context }) => context.syncErrors + 1 }),
                  emit(({ event }) => ({ type: 'sync.unauthorized' as const, reason: reasonOf(event.error) })),
                ],
              },
              {
                target: '#syncQueue.backoff',
                actions: assign({ attempt: ({ context }) => context.attempt + 1, lastError: ({ event }) => reasonOf(event.error), syncErrors: ({ context }) => context.syncErrors + 1 }),
              },
            ],
          },
        },
      },
    },
    backoff: {
      entry: emit(({ context }) => ({
        type: 'sync.progress' as const,
        status: 'failed' as const,
        reason: context.lastError ?? 'unknown error',
        retryInMs: backoffDelay(Math.max(0, context.attempt - 1), { ...context.backoff, jitter: 0 }),
      })),
      after: { retry: 'sending' },
      on: { SYNC_NOW: { target: 'sending', actions: 'answer' } },
    },
  },
});

export type SyncQueueActor = ActorRefFrom<typeof syncQueueMachine>;
