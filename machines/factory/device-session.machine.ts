import { type ActorRefFrom, assign, enqueueActions, fromCallback, setup } from 'xstate';
import type { ReportedStatus } from '../../src/domain/device-channel.js';

/**
 * One registered device as the factory sees it: `online` while it was heard from within
 * `staleAfterMs`, `stale` until `offlineAfterMs`, then `offline`. The status is a function of
 * the last time the device was seen and the clock, nothing else, which is what lets a restarted
 * server derive every session from the `last_seen_at` it persisted: same input, same status, same
 * deadlines. For the same reason a closed channel does not change the status by itself (it only
 * clears `connected`): a restarted server could not know the channel had closed, and a device
 * that reconnects within its backoff should not flap offline → online on every dashboard.
 *
 * Deadlines live in context (`staleAt`, `offlineAt`) and are driven by the supplied `deadline`
 * actor (a one-shot timer: input `{ at }`, sends back `CHECK { now }`), never by `after`, which
 * XState does not re-arm on restore. PURE: the clock is read once, from input, to pick the
 * initial state; afterwards time only enters through the events.
 */

export type DeviceStatus = 'online' | 'stale' | 'offline';

export interface DeviceSessionInput {
  deviceId: string;
  /** Epoch ms the device was last seen (from the database), or null if never. */
  lastSeenAt: number | null;
  staleAfterMs: number;
  offlineAfterMs: number;
  /** Read once, to derive the initial state from `lastSeenAt`. */
  now: () => number;
  /** The last status it reported (from the database), if any. */
  reported?: ReportedStatus | null;
}

export interface DeviceSessionContext {
  deviceId: string;
  staleAfterMs: number;
  offlineAfterMs: number;
  status: DeviceStatus;
  lastSeenAt: number | null;
  /** When `online` turns `stale` / `stale` turns `offline`; null while never seen. */
  staleAt: number | null;
  offlineAt: number | null;
  /** Open device channels. A count, not a flag: a reconnecting edge's new channel can open
   * before the server notices the old one closed. */
  channels: number;
  reported: ReportedStatus | null;
}

import type { DeadlineCheck, DeadlineInput } from '../../src/domain/ports/deadline.js';
export type { DeadlineCheck, DeadlineInput } from '../../src/domain/ports/deadline.js';

export type DeviceSessionEvent =
  | { type: 'HEARTBEAT'; at: number; status?: ReportedStatus }
  | { type: 'CHANNEL_OPENED'; at: number }
  | { type: 'CHANNEL_CLOSED'; at: number }
  | DeadlineCheck;

/** `at` is epoch ms: when the device was seen, or the deadline that passed. */
export type DeviceSessionEmitted =
  | { type: 'device.statusChanged'; deviceId: string; status: DeviceStatus; previous: DeviceStatus; at: number }
  | { type: 'device.reported'; deviceId: string; status: DeviceStatus; reported: ReportedStatus; at: number };

const deadlinePlaceholder = fromCallback<DeadlineCheck, DeadlineInput>(() => {
  throw new Error('device session: deadline timer not provided');
});

/** The status a device seen at `lastSeenAt` has at `now`. */
export function statusAt(lastSeenAt: number | null, now: number, limits: { staleAfterMs: number; offlineAfterMs: number }): DeviceStatus {
  if (lastSeenAt === null) return 'offline';
  const age = now - lastSeenAt;
  if (age < limits.staleAfterMs) return 'online';
  if (age < limits.offlineAfterMs) return 'stale';
  return 'offline';
}

function deadlines(lastSeenAt: number | null, context: { staleAfterMs: number; offlineAfterMs: number }) {
  if (lastSeenAt === null) return { staleAt: null, offlineAt: null };
  return { staleAt: lastSeenAt + context.staleAfterMs, offlineAt: lastSeenAt + context.offlineAfterMs };
}

export const deviceSessionMachine = setup({
  types: {
    context: {} as DeviceSessionContext,
    events: {} as DeviceSessionEvent,
    input: {} as DeviceSessionInput,
    emitted: {} as DeviceSessionEmitted,
  },
  actors: { deadline: deadlinePlaceholder },
  actions: {
    /** A heartbeat or a new channel: the device is online as of `at`, deadlines move with it. */
    seen: enqueueActions(({ context, event, enqueue }) => {
      const e = event as Extract<DeviceSessionEvent, { type: 'HEARTBEAT' | 'CHANNEL_OPENED' }>;
      // Never move backwards: a late-delivered heartbeat must not shorten the deadlines.
      const lastSeenAt = context.lastSeenAt === null ? e.at : Math.max(context.lastSeenAt, e.at);
      const reported = e.type === 'HEARTBEAT' && e.status !== undefined ? e.status : context.reported;
      enqueue.assign({
        status: 'online',
        lastSeenAt,
        ...deadlines(lastSeenAt, context),
        channels: context.channels + (e.type === 'CHANNEL_OPENED' ? 1 : 0),
        reported,
      });
      if (context.status !== 'online') {
        enqueue.emit({ type: 'device.statusChanged', deviceId: context.deviceId, status: 'online', previous: context.status, at: e.at });
      }
      if (e.type === 'HEARTBEAT' && e.status !== undefined) {
        enqueue.emit({ type: 'device.reported', deviceId: context.deviceId, status: 'online', reported: e.status, at: e.at });
      }
    }),
    /** A deadline passed. `at` is the deadline itself, not when the timer happened to fire. */
    lapse: enqueueActions(({ context, enqueue }, params: { status: 'stale' | 'offline' }) => {
      const at = (params.status === 'stale' ? context.staleAt : context.offlineAt) ?? 0;
      enqueue.assign({ status: params.status });
      enqueue.emit({ type: 'device.statusChanged', deviceId: context.deviceId, status: params.status, previous: context.status, at });
    }),
    channelClosed: assign({ channels: ({ context }) => Math.max(0, context.channels - 1) }),
  },
  guards: {
    offlineDue: ({ context, event }) => context.offlineAt !== null && (event as DeadlineCheck).now >= context.offlineAt,
    staleDue: ({ context, event }) => context.staleAt !== null && (event as DeadlineCheck).now >= context.staleAt,
    startsOnline: ({ context }) => context.status === 'online',
    startsStale: ({ context }) => context.status === 'stale',
  },
}).createMachine({
  id: 'deviceSession',
  context: ({ input }) => {
    const limits = { staleAfterMs: input.staleAfterMs, offlineAfterMs: input.offlineAfterMs };
    return {
      deviceId: input.deviceId,
      ...limits,
      status: statusAt(input.lastSeenAt, input.now(), limits),
      lastSeenAt: input.lastSeenAt,
      ...deadlines(input.lastSeenAt, limits),
      channels: 0,
      reported: input.reported ?? null,
    };
  },
  // XState has no computed initial state: `resolving` routes to the one derived in context.
  initial: 'resolving',
  on: {
    HEARTBEAT: { target: '.online', actions: 'seen' },
    CHANNEL_OPENED: { target: '.online', actions: 'seen' },
    CHANNEL_CLOSED: { actions: 'channelClosed' },
  },
  states: {
    resolving: {
      always: [{ guard: 'startsOnline', target: 'online' }, { guard: 'startsStale', target: 'stale' }, { target: 'offline' }],
    },
    online: {
      // Re-entered on every heartbeat so the timer is re-armed with the new staleAt.
      invoke: { src: 'deadline', input: ({ context }) => ({ at: context.staleAt! }) },
      on: {
        CHECK: [
          // A timer that fired late (process paused, laptop asleep) may find both deadlines past.
          { guard: 'offlineDue', target: 'offline', actions: { type: 'lapse', params: { status: 'offline' } } },
          { guard: 'staleDue', target: 'stale', actions: { type: 'lapse', params: { status: 'stale' } } },
          // Fired early (clock adjusted): arm it again rather than stay online forever.
          { target: 'online', reenter: true },
        ],
      },
    },
    stale: {
      invoke: { src: 'deadline', input: ({ context }) => ({ at: context.offlineAt! }) },
      on: {
        CHECK: [
          { guard: 'offlineDue', target: 'offline', actions: { type: 'lapse', params: { status: 'offline' } } },
          { target: 'stale', reenter: true },
        ],
      },
    },
    // No timer: only the device itself brings it back.
    offline: {},
  },
});

export type DeviceSessionActor = ActorRefFrom<typeof deviceSessionMachine>;
