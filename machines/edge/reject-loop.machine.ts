import { type ActorRefFrom, assign, enqueueActions, fromCallback, not, setup } from 'xstate';
import type { ScanLineEvent } from './scan-line.machine.js';

/**
 * The reject loop: the scan line's decision drives the PLC's eject output, and the
 * REJECTION_FEEDBACK reader proves that an ejected unit really left the line.
 *
 * - Every unit decided from the line's reader (an ADD-role scanner, or any scanner when no roles
 *   are configured) that was not accepted — invalid, duplicate, refused, no-read, storage error —
 *   is ejected: the `plc` actor pulses the bound `eject` signal for `pulseMs`.
 * - Each eject opens a feedback window keyed by the unit's code; a confirmation for that code
 *   closes it. A window that expires raises `line.alarm REJECT_NOT_CONFIRMED` and, with
 *   `stopLineOnMissedReject`, pauses the scan line. Windows live in context (deadline instants)
 *   and are driven by the `deadline` timer actor, so a restored actor keeps them.
 * - While a PLC whose safe state is `reject_all` is in an outage (the PLC service says so), every
 *   unit counts as a reject, accepted ones included. The eject is still attempted at once (our view of the link
 *   may be stale) but never queued for later: by the time the link is back the unit has passed
 *   the ejector, and a late pulse would throw out some other, good unit. An eject that cannot be
 *   written raises `line.alarm EJECT_FAILED` (once per failing spell) and, with
 *   `stopLineOnMissedReject`, pauses the line; its feedback window stays open, so a PLC whose own
 *   fail-safe ejected the unit is still confirmed by the feedback reader.
 * - No-reads are ejected but open no window: the feedback reader could not name them either.
 *
 * Time comes in with the events (`at`, epoch ms), so the machine stays pure.
 */

export interface RejectLoopInput {
  /** null: the eject binding's own pulse length. */
  pulseMs: number | null;
  /** null: no REJECTION_FEEDBACK reader on the line, so no windows are opened. */
  feedbackWindowMs: number | null;
  stopLineOnMissedReject: boolean;
  /** Whether the PLC that owns the eject output was connected when the loop started. */
  plcConnected: boolean;
  /** Whether some PLC with safe state reject_all was in an outage when the loop started. */
  rejectAll: boolean;
  /** The scan line, by systemId (PAUSE goes there). */
  lineSystemId?: string;
}

export interface FeedbackWindow {
  code: string;
  openedAt: number;
  deadline: number;
  /** Why the unit was ejected: its outcome, or 'reject_all' for a unit the safe state ejected (absent in windows restored from before). */
  why?: string;
}

export interface RejectLoopCounters {
  /** Units seen from the line's reader. */
  units: number;
  good: number;
  /** Ejects asked of the PLC. */
  ejects: number;
  /** Ejects the PLC took (the pulse was written). */
  ejected: number;
  ejectFailures: number;
  /** Units counted as rejects only because a PLC with safe state reject_all was down. */
  rejectedBySafeState: number;
  confirmed: number;
  missed: number;
  /** Confirmations for a code with no open window (e.g. a good unit found in the reject bin). */
  unexpected: number;
}

export interface RejectLoopContext {
  pulseMs: number | null;
  feedbackWindowMs: number | null;
  stopLineOnMissedReject: boolean;
  lineSystemId: string;
  /** The eject PLC's link as last reported. */
  plcConnected: boolean;
  /** A PLC with safe state reject_all is in an outage: every unit is a reject. */
  rejectAll: boolean;
  windows: FeedbackWindow[];
  counters: RejectLoopCounters;
  /** Set after an EJECT_FAILED alarm until an eject succeeds or the link comes back (one alarm per spell). */
  failing: boolean;
}

/** What the `deadline` actor is started with and sends back once `at` has passed. */
export interface RejectDeadlineInput {
  at: number;
}
export interface RejectDeadlineCheck {
  type: 'CHECK';
  now: number;
}

/** Sent to the `plc` actor. */
export interface EjectCommand {
  type: 'EJECT';
  code: string;
  pulseMs: number | null;
}

/** What the `plc` actor answers: the pulse's fate and the link state. */
export type PlcActorEvent =
  | { type: 'EJECT.DONE'; code: string }
  | { type: 'EJECT.FAILED'; code: string; error: string; at: number }
  /** The eject PLC's link, and whether a reject_all outage (of any PLC) is in force. */
  | { type: 'PLC.LINK'; connected: boolean; rejectAll: boolean; at: number };

export type RejectLoopEvent =
  /** A decision of the scan line; `role` is the reader's role, null when roles are not configured. */
  /** reasonCode REJECTED_BY_SAFE_STATE: the line refused an otherwise good unit because of the safe state (counted as such). */
  | { type: 'UNIT'; code: string; outcome: string; source: string; role: string | null; at: number; reasonCode?: string | null }
  /** The REJECTION_FEEDBACK reader saw this code in the reject path. */
  | { type: 'CONFIRMED'; code: string; at: number }
  | PlcActorEvent
  | RejectDeadlineCheck;

export type LineAlarmCode = 'REJECT_NOT_CONFIRMED' | 'EJECT_FAILED';

export type RejectLoopEmitted =
  | { type: 'line.alarm'; code: LineAlarmCode; message: string; at: string; source: 'rejectLoop'; unitCode: string }
  | { type: 'rejectLoop.eject'; unitCode: string; outcome: string; at: string }
  /** The feedback reader confirmed an ejection: `why` as in the eject (reject_all: the stored unit must be Rejected). */
  | { type: 'rejectLoop.confirmed'; unitCode: string; why: string; at: string };

const ZERO: RejectLoopCounters = { units: 0, good: 0, ejects: 0, ejected: 0, ejectFailures: 0, rejectedBySafeState: 0, confirmed: 0, missed: 0, unexpected: 0 };

/** Roles whose decisions are units passing the ejector (null: roles not configured, any reader). */
const LINE_ROLES = new Set<string | null>([null, 'ADD']);

const plcPlaceholder = fromCallback<EjectCommand, unknown, PlcActorEvent>(() => {
  throw new Error('reject loop: plc actor not provided');
});
const deadlinePlaceholder = fromCallback<RejectDeadlineCheck, RejectDeadlineInput>(() => {
  throw new Error('reject loop: deadline timer not provided');
});

/** Stops the line (the scan line refuses and records every scan until an operator resumes it). */
const pause = (reason: string): ScanLineEvent => ({ type: 'PAUSE', reason });
const iso = (ms: number) => new Date(ms).toISOString();
type UnitEvent = Extract<RejectLoopEvent, { type: 'UNIT' }>;

export const rejectLoopMachine = setup({
  types: {
    context: {} as RejectLoopContext,
    events: {} as RejectLoopEvent,
    input: {} as RejectLoopInput,
    emitted: {} as RejectLoopEmitted,
  },
  actors: { plc: plcPlaceholder, deadline: deadlinePlaceholder },
  actions: {
    /** A unit from the line's reader: eject it, or count it good. */
    unit: enqueueActions(({ context, enqueue, event }) => {
      const unit = event as UnitEvent;
      const counters = { ...context.counters, units: context.counters.units + 1 };
      const rejected = unit.outcome !== 'accepted';
      if (!rejected && !context.rejectAll) {
        counters.good++;
        enqueue.assign({ counters });
        return;
      }
      const bySafeState = !rejected || unit.reasonCode === 'REJECTED_BY_SAFE_STATE';
      if (bySafeState) counters.rejectedBySafeState++;
      counters.ejects++;
      const windows =
        context.feedbackWindowMs !== null && unit.outcome !== 'noread'
          ? [...context.windows, { code: unit.code, openedAt: unit.at, deadline: unit.at + context.feedbackWindowMs, why: bySafeState ? 'reject_all' : unit.outcome }]
          : context.windows;
      enqueue.assign({ counters, windows });
      enqueue.sendTo('plc', { type: 'EJECT', code: unit.code, pulseMs: context.pulseMs } satisfies EjectCommand);
      enqueue.emit({ type: 'rejectLoop.eject', unitCode: unit.code, outcome: bySafeState ? 'reject_all' : unit.outcome, at: iso(unit.at) });
    }),
    confirm: enqueueActions(({ context, enqueue, event }) => {
      const { code, at } = event as Extract<RejectLoopEvent, { type: 'CONFIRMED' }>;
      const index = context.windows.findIndex((w) => w.code === code);
      if (index < 0) {
        enqueue.assign({ counters: { ...context.counters, unexpected: context.counters.unexpected + 1 } });
        return;
      }
      enqueue.emit({ type: 'rejectLoop.confirmed', unitCode: code, why: context.windows[index]!.why ?? 'unknown', at: iso(at) });
      enqueue.assign({
        windows: context.windows.filter((_, i) => i !== index),
        counters: { ...context.counters, confirmed: context.counters.confirmed + 1 },
      });
    }),
    /** Closes every window whose deadline has passed; each one is an alarm (and a pause if so configured). */
    expire: enqueueActions(({ context, enqueue, event }) => {
      const { now } = event as RejectDeadlineCheck;
      const due = context.windows.filter((w) => w.deadline <= now);
      if (due.length === 0) return;
      enqueue.assign({
        windows: context.windows.filter((w) => w.deadline > now),
        counters: { ...context.counters, missed: context.counters.missed + due.length },
      });
      for (const window of due) {
        const message = `rejected unit ${window.code} was not confirmed by the feedback reader within ${context.feedbackWindowMs} ms`;
        enqueue.emit({ type: 'line.alarm', code: 'REJECT_NOT_CONFIRMED', message, at: iso(window.deadline), source: 'rejectLoop', unitCode: window.code });
      }
      if (context.stopLineOnMissedReject) {
        enqueue.sendTo(({ system }) => system.get(context.lineSystemId), pause(`reject not confirmed: ${due[0]!.code}`));
      }
    }),
    ejected: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ counters: { ...context.counters, ejected: context.counters.ejected + 1 }, failing: false });
    }),
    ejectFailed: enqueueActions(({ context, enqueue, event }) => {
      const failure = event as Extract<PlcActorEvent, { type: 'EJECT.FAILED' }>;
      enqueue.assign({ counters: { ...context.counters, ejectFailures: context.counters.ejectFailures + 1 }, failing: true });
      if (!context.failing) {
        const message = `eject of ${failure.code} could not be written to the PLC: ${failure.error}`;
        enqueue.emit({ type: 'line.alarm', code: 'EJECT_FAILED', message, at: iso(failure.at), source: 'rejectLoop', unitCode: failure.code });
      }
      if (context.stopLineOnMissedReject) {
        enqueue.sendTo(({ system }) => system.get(context.lineSystemId), pause(`eject failed: ${failure.code}`));
      }
    }),
  },
  guards: {
    fromLineReader: ({ event }) => {
      const unit = event as UnitEvent;
      // 'api' is a bottle posted over HTTP: not a unit passing the ejector.
      return unit.source !== 'api' && LINE_ROLES.has(unit.role);
    },
    plcConnected: ({ context }) => context.plcConnected,
    hasWindows: ({ context }) => context.windows.length > 0,
    noWindows: ({ context }) => context.windows.length === 0,
  },
}).createMachine({
  id: 'rejectLoop',
  context: ({ input }) => ({
    pulseMs: input.pulseMs,
    feedbackWindowMs: input.feedbackWindowMs,
    stopLineOnMissedReject: input.stopLineOnMissedReject,
    lineSystemId: input.lineSystemId ?? 'scanLine',
    plcConnected: input.plcConnected,
    rejectAll: input.rejectAll,
    windows: [],
    counters: ZERO,
    failing: false,
  }),
  invoke: { id: 'plc', src: 'plc' },
  on: {
    UNIT: { guard: 'fromLineReader', actions: 'unit' },
    CONFIRMED: { actions: 'confirm' },
    'EJECT.DONE': { actions: 'ejected' },
    'EJECT.FAILED': { actions: 'ejectFailed' },
    'PLC.LINK': { actions: assign({ plcConnected: ({ event }) => event.connected, rejectAll: ({ event }) => event.rejectAll }) },
  },
  type: 'parallel',
  states: {
    /** The eject PLC's link, for the status (and a fresh EJECT_FAILED alarm after it was back). */
    link: {
      initial: 'resolving',
      states: {
        // XState has no computed initial state: route to the one the input names.
        resolving: { always: [{ guard: 'plcConnected', target: 'connected' }, { target: 'disconnected' }] },
        connected: { always: { guard: not('plcConnected'), target: 'disconnected' } },
        disconnected: { always: { guard: 'plcConnected', target: 'connected', actions: assign({ failing: false }) } },
      },
    },
    windows: {
      initial: 'idle',
      states: {
        idle: { always: { guard: 'hasWindows', target: 'watching' } },
        watching: {
          always: { guard: 'noWindows', target: 'idle' },
          // Armed for the earliest deadline; windows open in deadline order (one fixed length), so a
          // later window never needs an earlier alarm. Re-entered after each check to re-arm.
          invoke: { src: 'deadline', input: ({ context }) => ({ at: Math.min(...context.windows.map((w) => w.deadline)) }) },
          on: { CHECK: { target: 'watching', reenter: true, actions: 'expire' } },
        },
      },
    },
  },
});

export type RejectLoopActor = ActorRefFrom<typeof rejectLoopMachine>;
