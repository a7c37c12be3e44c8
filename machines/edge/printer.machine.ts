import { type ActorRefFrom, type AnyActorRef, assign, emit, enqueueActions, fromCallback, sendTo, setup, type SnapshotFrom } from 'xstate';
import { backoffDelay } from '../../src/domain/backoff.js';

/**
 * One printer: keeps its connection (connecting → connected → backoff → connecting …), queues
 * PRINT requests and answers each one only once the printer itself confirmed the label (the
 * driver decides what counts as confirmation per protocol: Zebra's ~HS, Videojet's PRC, an ack
 * string). A fault the printer reports (jam, ink/ribbon/paper out, pause) parks it in `error`
 * until a status report says it is clear; prints asked for meanwhile are refused with the reason
 * rather than queued behind a printer nobody is fixing.
 *
 * PURE: the connection is the `driver` actor the composition root provides (fromCallback).
 * Never persisted, so the backoff's `after` timer needs no re-arming on restore.
 */

import type { DriverCommand, DriverEvent, PrinterFault, PrinterStatusReport, PrintJob } from '../../src/domain/ports/printer-driver.js';
export type { DriverCommand, DriverEvent, PrinterFault, PrinterStatusReport, PrintJob } from '../../src/domain/ports/printer-driver.js';

export type PrintResult =
  | { ok: true; jobId: string; code: string }
  | { ok: false; jobId: string | null; reason: 'offline' | 'fault' | 'rejected' | 'unconfirmed' | 'busy'; fault: PrinterFault | null; detail: string };

export type PrintReply = { type: 'printer.printResult'; result: PrintResult };
export type StatusReply = { type: 'printer.statusResult'; status: PrinterStatusReport | null; state: PrinterState; detail: string | null };

export type PrinterState = 'disconnected' | 'connecting' | 'ready' | 'printing' | 'error' | 'backoff';

export interface PrinterInput {
  printerId: string;
  /** Passed untouched to the driver actor (its own configuration). */
  driver: unknown;
  backoff: { baseMs: number; maxMs: number };
  maxQueue?: number;
  random?: () => number;
}

interface Pending {
  job: PrintJob;
  replyTo: AnyActorRef;
}

export interface PrinterContext {
  printerId: string;
  driver: unknown;
  backoff: { baseMs: number; maxMs: number };
  maxQueue: number;
  random: () => number;
  attempt: number;
  peer: string | null;
  lastError: string | null;
  fault: { kind: PrinterFault; detail: string | null } | null;
  lastStatus: PrinterStatusReport | null;
  queue: Pending[];
  current: Pending | null;
  statusWaiters: AnyActorRef[];
  seq: number;
  printed: number;
  failed: number;
  garbage: number;
  lastPrintedCode: string | null;
}

export type PrinterEvent =
  | DriverEvent
  | { type: 'PRINT'; code: string; params?: Record<string, string>; template?: string | null; replyTo: AnyActorRef }
  /** Status query; from a disconnected printer it answers at once (and TEST reconnects it). */
  | { type: 'QUERY_STATUS'; replyTo: AnyActorRef }
  | { type: 'TEST' }
  | { type: 'STOP' }
  | { type: 'START' };

export type PrinterEmitted =
  | { type: 'printer.state'; printerId: string; state: PrinterState; reason: string | null }
  | { type: 'printer.printed'; printerId: string; jobId: string; code: string }
  | { type: 'printer.fault'; printerId: string; fault: PrinterFault; detail: string | null }
  | { type: 'printer.garbage'; printerId: string; bytes: number; reason: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each driver has its own configuration
const driverPlaceholder = fromCallback<DriverCommand, any, DriverEvent>(() => {
  throw new Error('printer: driver not provided');
});

const announce = (state: PrinterState) => ({ type: 'announceState' as const, params: { state } });

type PrintEvent = Extract<PrinterEvent, { type: 'PRINT' }>;
type FailedEvent = Extract<DriverEvent, { type: 'driver.printFailed' }>;

const refusal = (reason: Exclude<PrintResult, { ok: true }>['reason'], detail: string, fault: PrinterFault | null = null): PrintReply => ({
  type: 'printer.printResult',
  result: { ok: false, jobId: null, reason, fault, detail },
});

export const printerMachine = setup({
  types: {
    context: {} as PrinterContext,
    events: {} as PrinterEvent,
    input: {} as PrinterInput,
    emitted: {} as PrinterEmitted,
  },
  actors: { driver: driverPlaceholder },
  delays: {
    retryDelay: ({ context }) => backoffDelay(context.attempt, { ...context.backoff, jitter: 0.5 }, context.random),
  },
  actions: {
    announceState: emit(({ context }, params: { state: PrinterState }): PrinterEmitted => ({
      type: 'printer.state',
      printerId: context.printerId,
      state: params.state,
      reason: params.state === 'error' ? (context.fault?.detail ?? context.fault?.kind ?? null) : params.state === 'ready' || params.state === 'printing' ? null : context.lastError,
    })),
    refuseOffline: sendTo(
      ({ event }) => (event as PrintEvent).replyTo,
      ({ context }) => refusal('offline', `printer ${context.printerId} is not connected${context.lastError ? `: ${context.lastError}` : ''}`),
    ),
    refuseFault: sendTo(
      ({ event }) => (event as PrintEvent).replyTo,
      ({ context }) => refusal('fault', `printer ${context.printerId}: ${context.fault?.detail ?? context.fault?.kind}`, context.fault?.kind ?? null),
    ),
    enqueue: enqueueActions(({ context, event, enqueue }) => {
      const print = event as PrintEvent;
      if (context.queue.length >= context.maxQueue) {
        enqueue.sendTo(print.replyTo, refusal('busy', `printer ${context.printerId}: ${context.maxQueue} prints already queued`));
        return;
      }
      const seq = context.seq + 1;
      const job: PrintJob = { jobId: `${context.printerId}-${seq}`, code: print.code, params: print.params ?? {}, template: print.template ?? null };
      enqueue.assign({ seq, queue: [...context.queue, { job, replyTo: print.replyTo }] });
    }),
    /** Every print still waiting (and the one in progress) is answered: nothing hangs on a printer that went away or faulted. */
    failAll: enqueueActions(({ context, enqueue }, params: { reason: 'offline' | 'fault'; detail: string }) => {
      const fault = params.reason === 'fault' ? (context.fault?.kind ?? null) : null;
      for (const pending of [...(context.current ? [context.current] : []), ...context.queue]) {
        enqueue.sendTo(pending.replyTo, { type: 'printer.printResult', result: { ok: false, jobId: pending.job.jobId, reason: params.reason, fault, detail: params.detail } } satisfies PrintReply);
      }
      enqueue.assign({ queue: [], current: null, failed: context.failed + (context.current ? 1 : 0) + context.queue.length });
    }),
    answerStatusWaiters: enqueueActions(({ context, enqueue }, params: { state: PrinterState }) => {
      for (const waiter of context.statusWaiters) {
        enqueue.sendTo(waiter, { type: 'printer.statusResult', status: context.lastStatus, state: params.state, detail: context.lastError } satisfies StatusReply);
      }
      enqueue.assign({ statusWaiters: [] });
    }),
    startNext: enqueueActions(({ context, enqueue }) => {
      const [next, ...rest] = context.queue;
      if (!next) return;
      enqueue.assign({ current: next, queue: rest });
      enqueue.sendTo('driver', { type: 'driver.print', job: next.job } satisfies DriverCommand);
    }),
    confirm: enqueueActions(({ context, enqueue }) => {
      const current = context.current!;
      enqueue.sendTo(current.replyTo, { type: 'printer.printResult', result: { ok: true, jobId: current.job.jobId, code: current.job.code } } satisfies PrintReply);
      enqueue.emit({ type: 'printer.printed', printerId: context.printerId, jobId: current.job.jobId, code: current.job.code });
      enqueue.assign({ current: null, printed: context.printed + 1, lastPrintedCode: current.job.code });
    }),
    reportFailure: enqueueActions(({ context, event, enqueue }) => {
      const failed = event as FailedEvent;
      const current = context.current!;
      const reason = failed.fault ? 'fault' : failed.unconfirmed ? 'unconfirmed' : 'rejected';
      enqueue.sendTo(current.replyTo, { type: 'printer.printResult', result: { ok: false, jobId: current.job.jobId, reason, fault: failed.fault, detail: failed.reason } } satisfies PrintReply);
      enqueue.assign({ current: null, failed: context.failed + 1, ...(failed.fault ? { fault: { kind: failed.fault, detail: failed.reason } } : {}) });
    }),
    recordStatus: assign(({ event }) => {
      const status = (event as Extract<DriverEvent, { type: 'driver.status' }>).status;
      // The printer answered: only now has the connection proved itself, so the backoff starts
      // over. (Resetting on connect would let a printer that accepts and drops at once be redialled
      // at the base delay forever.)
      return { lastStatus: status, fault: status.fault ? { kind: status.fault, detail: status.detail } : null, attempt: 0 };
    }),
    emitFault: emit(({ context }): PrinterEmitted => ({ type: 'printer.fault', printerId: context.printerId, fault: context.fault!.kind, detail: context.fault!.detail })),
    queryStatus: sendTo('driver', { type: 'driver.queryStatus' } satisfies DriverCommand),
    addStatusWaiter: assign({ statusWaiters: ({ context, event }) => [...context.statusWaiters, (event as Extract<PrinterEvent, { type: 'QUERY_STATUS' }>).replyTo] }),
    answerStatusNow: sendTo(
      ({ event }) => (event as Extract<PrinterEvent, { type: 'QUERY_STATUS' }>).replyTo,
      ({ context, self }): StatusReply => ({ type: 'printer.statusResult', status: context.lastStatus, state: printerState(self.getSnapshot() as PrinterSnapshot), detail: context.lastError }),
    ),
    countGarbage: enqueueActions(({ context, event, enqueue }) => {
      const garbage = event as Extract<DriverEvent, { type: 'driver.garbage' }>;
      enqueue.assign({ garbage: context.garbage + 1 });
      enqueue.emit({ type: 'printer.garbage', printerId: context.printerId, bytes: garbage.bytes, reason: garbage.reason });
    }),
  },
  guards: {
    hasQueue: ({ context }) => context.queue.length > 0,
    isCurrentJob: ({ context, event }) => context.current !== null && 'jobId' in event && event.jobId === context.current.job.jobId,
    hasFault: ({ context }) => context.fault !== null,
    statusHasFault: ({ event }) => event.type === 'driver.status' && event.status.fault !== null,
    statusClear: ({ event }) => event.type === 'driver.status' && event.status.fault === null,
    faultIs: ({ context }, params: { kind: PrinterFault }) => context.fault?.kind === params.kind,
  },
}).createMachine({
  id: 'printer',
  context: ({ input }) => ({
    printerId: input.printerId,
    driver: input.driver,
    backoff: input.backoff,
    maxQueue: input.maxQueue ?? 100,
    random: input.random ?? Math.random,
    attempt: 0,
    peer: null,
    lastError: null,
    fault: null,
    lastStatus: null,
    queue: [],
    current: null,
    statusWaiters: [],
    seq: 0,
    printed: 0,
    failed: 0,
    garbage: 0,
    lastPrintedCode: null,
  }),
  initial: 'link',
  on: {
    STOP: { target: '.disconnected', actions: [assign({ lastError: 'stopped', peer: null }), { type: 'failAll', params: { reason: 'offline', detail: 'printer stopped' } }] },
  },
  states: {
    disconnected: {
      entry: [announce('disconnected'), { type: 'answerStatusWaiters', params: { state: 'disconnected' } }],
      on: {
        START: { target: 'link', actions: assign({ attempt: 0 }) },
        TEST: { target: 'link', actions: assign({ attempt: 0 }) },
        PRINT: { actions: 'refuseOffline' },
        QUERY_STATUS: { actions: 'answerStatusNow' },
      },
    },
    /** The driver lives as long as this state: leaving it closes the connection. */
    link: {
      // A new connection knows nothing of the old one's faults: the driver's first status tells.
      entry: assign({ fault: null }),
      invoke: { id: 'driver', src: 'driver', input: ({ context }: { context: PrinterContext }) => context.driver },
      initial: 'connecting',
      on: {
        'driver.failed': {
          target: 'backoff',
          actions: [
            assign({ lastError: ({ event }) => event.reason, peer: null }),
            { type: 'failAll', params: { reason: 'offline', detail: 'the printer connection was lost before the print was confirmed' } },
          ],
        },
        'driver.garbage': { actions: 'countGarbage' },
        // Force a reconnect: tear the driver down and build it again now.
        TEST: { target: 'link', reenter: true, actions: [assign({ attempt: 0, peer: null }), { type: 'failAll', params: { reason: 'offline', detail: 'printer reconnecting (test)' } }] },
      },
      states: {
        connecting: {
          entry: announce('connecting'),
          on: {
            'driver.connected': { target: 'connected', actions: assign({ peer: ({ event }) => event.peer, lastError: null }) },
            PRINT: { actions: 'refuseOffline' },
            QUERY_STATUS: { actions: 'answerStatusNow' },
          },
        },
        connected: {
          initial: 'ready',
          on: {
            QUERY_STATUS: { actions: ['addStatusWaiter', 'queryStatus'] },
          },
          states: {
            ready: {
              entry: announce('ready'),
              // Checked after every event here: a known fault parks the printer, a queued print starts.
              always: [
                { guard: 'hasFault', target: 'error' },
                { guard: 'hasQueue', target: 'printing' },
              ],
              on: {
                PRINT: { actions: 'enqueue' },
                'driver.status': [
                  { guard: 'statusHasFault', target: 'error', actions: ['recordStatus', { type: 'answerStatusWaiters', params: { state: 'error' } }] },
                  { actions: ['recordStatus', { type: 'answerStatusWaiters', params: { state: 'ready' } }] },
                ],
              },
            },
            printing: {
              entry: [announce('printing'), 'startNext'],
              on: {
                PRINT: { actions: 'enqueue' },
                'driver.printed': { guard: 'isCurrentJob', target: 'ready', actions: 'confirm' },
                // A failure with a fault records it; `ready` then goes straight on to `error`.
                'driver.printFailed': { guard: 'isCurrentJob', target: 'ready', actions: 'reportFailure' },
                // A fault seen mid-print is the driver's to turn into this job's failure; keep the report.
                'driver.status': { actions: ['recordStatus', { type: 'answerStatusWaiters', params: { state: 'printing' } }] },
              },
            },
            error: {
              entry: ['emitFault', { type: 'failAll', params: { reason: 'fault', detail: 'the printer reported a fault' } }],
              initial: 'pick',
              on: {
                PRINT: { actions: 'refuseFault' },
                'driver.status': [
                  { guard: 'statusHasFault', actions: ['recordStatus', { type: 'answerStatusWaiters', params: { state: 'error' } }] },
                  { target: 'ready', actions: ['recordStatus', { type: 'answerStatusWaiters', params: { state: 'ready' } }] },
                ],
              },
              states: {
                pick: {
                  always: [
                    { guard: { type: 'faultIs', params: { kind: 'jam' } }, target: 'jam' },
                    { guard: { type: 'faultIs', params: { kind: 'ink_out' } }, target: 'ink_out' },
                    { target: 'paused' },
                  ],
                },
                jam: { entry: announce('error') },
                ink_out: { entry: announce('error') },
                paused: { entry: announce('error') },
              },
            },
          },
        },
      },
    },
    backoff: {
      entry: [announce('backoff'), { type: 'answerStatusWaiters', params: { state: 'backoff' } }],
      after: { retryDelay: { target: 'link', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
      on: {
        TEST: { target: 'link', actions: assign({ attempt: 0 }) },
        PRINT: { actions: 'refuseOffline' },
        QUERY_STATUS: { actions: 'answerStatusNow' },
      },
    },
  },
});

export type PrinterActor = ActorRefFrom<typeof printerMachine>;
export type PrinterSnapshot = SnapshotFrom<typeof printerMachine>;

/** The coarse state of a printer snapshot, as the API and events name it. */
export function printerState(snapshot: PrinterSnapshot): PrinterState {
  if (snapshot.matches('disconnected')) return 'disconnected';
  if (snapshot.matches('backoff')) return 'backoff';
  if (snapshot.matches({ link: 'connecting' })) return 'connecting';
  if (snapshot.matches({ link: { connected: 'error' } })) return 'error';
  if (snapshot.matches({ link: { connected: 'printing' } })) return 'printing';
  return 'ready';
}

/** The health snapshot the status endpoint serves. */
export function printerHealth(snapshot: PrinterSnapshot) {
  const c = snapshot.context;
  const state = printerState(snapshot);
  return {
    printerId: c.printerId,
    state,
    connected: state === 'ready' || state === 'printing' || state === 'error',
    fault: state === 'error' && c.fault ? { kind: c.fault.kind, detail: c.fault.detail } : null,
    peer: c.peer,
    attempt: c.attempt,
    lastError: c.lastError,
    queued: c.queue.length + (c.current ? 1 : 0),
    printed: c.printed,
    failed: c.failed,
    garbage: c.garbage,
    lastPrintedCode: c.lastPrintedCode,
    lastStatus: c.lastStatus,
  };
}
