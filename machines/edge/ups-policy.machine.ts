import { type ActorRefFrom, type AnyActorRef, assign, emit, enqueueActions, fromCallback, setup } from 'xstate';
import type { UpsReading, UpsReadingForPolicy } from './ups.machine.js';
import { SCAN_LINE, SYNC_QUEUE } from '../../src/domain/actor-ids.js';

/**
 * What the line does about mains power (PURE: readings and the clock come in as events).
 *
 *   online ──OB──▶ onBattery ──LB/FSD/charge ≤ threshold──▶ critical
 *     ▲               │  ▲                                     │
 *     │              OL  OB                                    OL
 *     │               ▼  │                                     ▼
 *     └──hold-off──  holdOff ◀─────────────────────────────────┘
 *
 * - onBattery: stop taking new units (PAUSE the scan line: scans are refused with the reason,
 *   commits already handed over still finish), flush the outbox (SYNC_NOW) while the network
 *   still has power, and say so (`ups.policy`, which lights the alarm / on-battery LEDs).
 * - critical (low battery, or FSD from the UPS/primary upsmon): the same, plus
 *   `ups.shutdownRequested` once: the edge then drains, persists and stops cleanly before the
 *   battery dies under it.
 * - Back on line: resume only after the power held for `resumeHoldOffMs` (mains often flickers
 *   while it comes back); going on battery again meanwhile cancels the resume.
 *
 * The hold-off deadline lives in context (`resumeAt`) and is driven by the supplied `timer`
 * actor (`at` → `CHECK {now}`), not by `after`, so the decision is reproducible from context.
 */

export type UpsPolicyState = 'online' | 'onBattery' | 'holdOff' | 'critical';

export interface UpsPolicyInput {
  lowBatteryPercent: number;
  resumeHoldOffMs: number;
  lineSystemId?: string;
  syncSystemId?: string;
}

export interface UpsPolicyContext {
  lowBatteryPercent: number;
  resumeHoldOffMs: number;
  lineSystemId: string;
  syncSystemId: string;
  reason: string | null;
  /** Epoch ms when the line may resume (holdOff only). */
  resumeAt: number | null;
  lastReading: UpsReading | null;
  /** The sync queue's answer to our last SYNC_NOW: proof the flush was asked and what the queue was doing. */
  lastFlush: { state: string; targetReady: boolean; reason: string | null } | null;
  shutdownRequests: number;
}

export type UpsPolicyEvent =
  | UpsReadingForPolicy
  | { type: 'CHECK'; now: number }
  | { type: 'sync.triggered'; state: string; targetReady: boolean; reason: string | null };

export type UpsPolicyEmitted =
  /** onBattery: the cabinet runs on the UPS's battery (what the on-battery / alarm LEDs show). */
  | { type: 'ups.policy'; state: UpsPolicyState; reason: string | null; onBattery: boolean }
  | { type: 'ups.shutdownRequested'; reason: string };

/** The line's pause reason while on battery (scans are refused with "Line paused: on battery"). */
export const ON_BATTERY_REASON = 'on battery';

/** Why the UPS is critical, or null when it is not: FSD, or on battery with a low battery. */
export function criticalReason(reading: UpsReading, lowBatteryPercent: number): string | null {
  if (reading.fsd) return 'UPS forced shutdown (FSD)';
  if (!reading.onBattery) return null;
  if (reading.lowBattery) return 'UPS low battery';
  if (reading.batteryPercent !== null && reading.batteryPercent <= lowBatteryPercent) return `UPS battery at ${reading.batteryPercent}% (threshold ${lowBatteryPercent}%)`;
  return null;
}

const timerPlaceholder = fromCallback<{ type: 'CHECK'; now: number }, { at: number }>(() => {
  throw new Error('ups policy: timer not provided');
});

type ReadingEvent = Extract<UpsPolicyEvent, { type: 'UPS.READING' }>;

export const upsPolicyMachine = setup({
  types: {
    context: {} as UpsPolicyContext,
    events: {} as UpsPolicyEvent,
    input: {} as UpsPolicyInput,
    emitted: {} as UpsPolicyEmitted,
  },
  actors: { timer: timerPlaceholder },
  guards: {
    critical: ({ context, event }) => event.type === 'UPS.READING' && criticalReason(event.reading, context.lowBatteryPercent) !== null,
    onBattery: ({ event }) => event.type === 'UPS.READING' && event.reading.onBattery,
    // Only a reading that says "on line" counts as power back (a reading with neither flag says
    // nothing); FSD stays a shutdown even with mains back, as upsmon treats it.
    backOnLine: ({ event }) => event.type === 'UPS.READING' && event.reading.online && !event.reading.onBattery && !event.reading.fsd,
    holdOffOver: ({ context, event }) => event.type === 'CHECK' && context.resumeAt !== null && event.now >= context.resumeAt,
  },
  actions: {
    remember: assign({ lastReading: ({ event }) => (event as ReadingEvent).reading }),
    /** PAUSE the line and ask for an outbox flush (the sync queue answers us with sync.triggered). */
    stopIntake: enqueueActions(({ context, system, self, enqueue }, params: { reason: string }) => {
      const line = system.get(context.lineSystemId) as AnyActorRef | undefined;
      if (line) enqueue.sendTo(line, { type: 'PAUSE', reason: params.reason });
      const sync = system.get(context.syncSystemId) as AnyActorRef | undefined;
      if (sync) enqueue.sendTo(sync, { type: 'SYNC_NOW', replyTo: self });
    }),
    resumeLine: enqueueActions(({ context, system, enqueue }) => {
      const line = system.get(context.lineSystemId) as AnyActorRef | undefined;
      if (line) enqueue.sendTo(line, { type: 'RESUME' });
    }),
    announce: emit(({ context }, params: { state: UpsPolicyState }) => ({
      type: 'ups.policy' as const,
      state: params.state,
      reason: context.reason,
      onBattery: params.state === 'onBattery' || params.state === 'critical',
    })),
  },
}).createMachine({
  id: 'upsPolicy',
  context: ({ input }) => ({
    lowBatteryPercent: input.lowBatteryPercent,
    resumeHoldOffMs: input.resumeHoldOffMs,
    lineSystemId: input.lineSystemId ?? SCAN_LINE,
    syncSystemId: input.syncSystemId ?? SYNC_QUEUE,
    reason: null,
    resumeAt: null,
    lastReading: null,
    lastFlush: null,
    shutdownRequests: 0,
  }),
  initial: 'online',
  on: {
    'sync.triggered': { actions: assign({ lastFlush: ({ event }) => ({ state: event.state, targetReady: event.targetReady, reason: event.reason }) }) },
  },
  states: {
    online: {
      on: {
        'UPS.READING': [
          { guard: 'critical', target: 'critical', actions: 'remember' },
          { guard: 'onBattery', target: 'onBattery', actions: 'remember' },
          { actions: 'remember' },
        ],
      },
    },
    onBattery: {
      entry: [
        assign({ reason: ({ context }) => describeOnBattery(context.lastReading), resumeAt: null }),
        { type: 'stopIntake', params: { reason: ON_BATTERY_REASON } },
        { type: 'announce', params: { state: 'onBattery' } },
      ],
      on: {
        'UPS.READING': [
          { guard: 'critical', target: 'critical', actions: 'remember' },
          { guard: 'backOnLine', target: 'holdOff', actions: 'remember' },
          { actions: 'remember' },
        ],
      },
    },
    holdOff: {
      entry: [
        assign({
          reason: ({ context }) => `power back, resuming in ${Math.round(context.resumeHoldOffMs / 1000)} s unless it fails again`,
          resumeAt: ({ context }) => (context.lastReading?.at ?? 0) + context.resumeHoldOffMs,
        }),
        { type: 'announce', params: { state: 'holdOff' } },
      ],
      invoke: { src: 'timer', input: ({ context }: { context: UpsPolicyContext }) => ({ at: context.resumeAt ?? 0 }) },
      on: {
        'UPS.READING': [
          { guard: 'critical', target: 'critical', actions: 'remember' },
          { guard: 'onBattery', target: 'onBattery', actions: 'remember' },
          { actions: 'remember' },
        ],
        CHECK: {
          guard: 'holdOffOver',
          target: 'online',
          actions: ['resumeLine', assign({ reason: null, resumeAt: null }), { type: 'announce', params: { state: 'online' } }],
        },
      },
    },
    critical: {
      entry: [
        assign({
          reason: ({ context }) => criticalReason(context.lastReading!, context.lowBatteryPercent),
          resumeAt: null,
          shutdownRequests: ({ context }) => context.shutdownRequests + 1,
        }),
        { type: 'stopIntake', params: { reason: ON_BATTERY_REASON } },
        { type: 'announce', params: { state: 'critical' } },
        emit(({ context }) => ({ type: 'ups.shutdownRequested' as const, reason: context.reason ?? 'UPS critical' })),
      ],
      on: {
        // Power came back before the edge stopped (or nobody stops it): resume after the hold-off.
        'UPS.READING': [{ guard: 'backOnLine', target: 'holdOff', actions: 'remember' }, { actions: 'remember' }],
      },
    },
  },
});

function describeOnBattery(reading: UpsReading | null): string {
  const charge = reading?.batteryPercent;
  return charge === null || charge === undefined ? 'on battery' : `on battery (${charge}%)`;
}

export type UpsPolicyActor = ActorRefFrom<typeof upsPolicyMachine>;
