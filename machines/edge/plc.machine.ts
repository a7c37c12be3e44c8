import { type ActorRefFrom, type AnyActorRef, assign, emit, enqueueActions, fromCallback, setup, type SnapshotFrom } from 'xstate';
import type { PlcConnectionCommand, PlcConnectionEvent, PlcReply, PlcRequest, PlcTag, PlcValue } from '../../src/domain/ports/plc-connection.js';
import { backoffDelay } from '../../src/domain/backoff.js';
import { SCAN_LINE } from '../../src/domain/actor-ids.js';

/**
 * One PLC: keeps its link (connecting → connected → backoff → connecting …, or disconnected when
 * stopped), passes reads, writes and browses to the link while connected and refuses them at
 * once otherwise (an eject cannot wait for a reconnect: the unit has passed by then).
 *
 * The link is the `connection` actor the composition root provides (it owns the protocol
 * driver). It answers each request straight to the requester's `replyTo` and reports the round
 * trip to us (`plc.stats`), which is where the health snapshot's latency comes from.
 *
 * A lost link, or a first connect that fails, starts an outage: `plc.disconnected` is emitted
 * once and, with safe state `stop`, the scan line is paused. The line is not resumed when the
 * PLC comes back: someone has to look at what passed the ejector meanwhile (RESUME through the
 * API or a button). With `reject_all` the PLC service raises the reject-all flag instead.
 */

export type PlcSafeState = 'stop' | 'reject_all';

export interface PlcInput {
  plcId: string;
  protocol: string;
  /** Passed untouched to the connection actor (the PLC's configuration). */
  connection: unknown;
  backoff: { baseMs: number; maxMs: number };
  safeState: PlcSafeState;
  /** The scan line, by systemId (PAUSE goes there). */
  lineSystemId?: string;
}

export type { PlcConnectionCommand, PlcConnectionEvent, PlcReply, PlcRequest } from '../../src/domain/ports/plc-connection.js';

export type PlcEvent =
  | PlcConnectionEvent
  | { type: 'READ'; address: string; replyTo: AnyActorRef; requestId?: string }
  | { type: 'WRITE'; address: string; value: PlcValue; replyTo?: AnyActorRef; requestId?: string }
  | { type: 'BROWSE'; replyTo: AnyActorRef; requestId?: string }
  | { type: 'TEST' }
  | { type: 'STOP' }
  | { type: 'START' };

export type PlcState = 'connecting' | 'connected' | 'backoff' | 'disconnected';

export type PlcEmitted =
  | { type: 'plc.state'; plcId: string; state: PlcState; reason: string | null }
  | { type: 'plc.disconnected'; plcId: string; reason: string; safeState: PlcSafeState };

export interface PlcContext {
  plcId: string;
  protocol: string;
  connection: unknown;
  backoff: { baseMs: number; maxMs: number };
  safeState: PlcSafeState;
  lineSystemId: string;
  attempt: number;
  lastError: string | null;
  /** Round trip of the last request that was answered, ms. */
  latencyMs: number | null;
  reads: number;
  writes: number;
  failures: number;
  /** In an outage (announced once; cleared on connect). */
  outage: boolean;
}

/** What GET /plcs/{id}/health shows. */
export interface PlcHealth {
  plcId: string;
  protocol: string;
  state: PlcState;
  connected: boolean;
  lastError: string | null;
  latencyMs: number | null;
  attempt: number;
  reads: number;
  writes: number;
  failures: number;
  safeState: PlcSafeState;
  outage: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connection has its own configuration
const connectionPlaceholder = fromCallback<PlcConnectionCommand, any, PlcConnectionEvent>(() => {
  throw new Error('plc: connection not provided');
});

const NOT_CONNECTED = { code: 'NOT_CONNECTED', error: 'PLC not connected' };

const requestOf = (event: PlcEvent): PlcRequest => {
  if (event.type === 'READ') return { op: 'read', address: event.address };
  if (event.type === 'WRITE') return { op: 'write', address: event.address, value: event.value };
  return { op: 'browse' };
};

export const plcMachine = setup({
  types: {
    context: {} as PlcContext,
    events: {} as PlcEvent,
    input: {} as PlcInput,
    emitted: {} as PlcEmitted,
  },
  actors: { connection: connectionPlaceholder },
  delays: {
    retryDelay: ({ context }) => backoffDelay(context.attempt, { ...context.backoff, jitter: 0.5 }),
  },
  actions: {
    /** A request that cannot be served now is answered at once, never left to time out. */
    refuse: enqueueActions(({ event, enqueue }, params: { code: string; error: string }) => {
      const request = event as { replyTo?: AnyActorRef; requestId?: string };
      if (!request.replyTo) return;
      enqueue.sendTo(request.replyTo, { type: 'plc.reply', requestId: request.requestId ?? null, ok: false, code: params.code, error: params.error } satisfies PlcReply);
    }),
    announce: emit(({ context }, params: { state: PlcState }): PlcEmitted => ({
      type: 'plc.state',
      plcId: context.plcId,
      state: params.state,
      reason: params.state === 'connected' ? null : context.lastError,
    })),
    forward: enqueueActions(({ event, enqueue }) => {
      const request = event as Extract<PlcEvent, { type: 'READ' | 'WRITE' | 'BROWSE' }>;
      enqueue.sendTo('connection', {
        type: 'plc.request',
        request: requestOf(request),
        requestId: request.requestId ?? null,
        replyTo: request.replyTo ?? null,
      } satisfies PlcConnectionCommand);
    }),
    countStats: assign(({ context, event }) => {
      const stats = event as Extract<PlcEvent, { type: 'plc.stats' }>;
      return {
        latencyMs: stats.ok ? stats.latencyMs : context.latencyMs,
        reads: context.reads + (stats.op === 'read' ? 1 : 0),
        writes: context.writes + (stats.op === 'write' ? 1 : 0),
        failures: context.failures + (stats.ok ? 0 : 1),
        lastError: stats.ok ? context.lastError : stats.error,
      };
    }),
    /** The first failure of an outage: say so once, and put the line in its safe state. */
    startOutage: enqueueActions(({ context, enqueue, system }) => {
      if (context.outage) return;
      enqueue.assign({ outage: true });
      const reason = context.lastError ?? 'link lost';
      enqueue.emit({ type: 'plc.disconnected', plcId: context.plcId, reason, safeState: context.safeState });
      const line = system.get(context.lineSystemId) as AnyActorRef | undefined;
      if (context.safeState === 'stop' && line) enqueue.sendTo(line, { type: 'PAUSE', reason: `PLC ${context.plcId} disconnected: ${reason}` });
    }),
  },
}).createMachine({
  id: 'plc',
  context: ({ input }) => ({
    plcId: input.plcId,
    protocol: input.protocol,
    connection: input.connection,
    backoff: input.backoff,
    safeState: input.safeState,
    lineSystemId: input.lineSystemId ?? SCAN_LINE,
    attempt: 0,
    lastError: null,
    latencyMs: null,
    reads: 0,
    writes: 0,
    failures: 0,
    outage: false,
  }),
  initial: 'online',
  on: {
    READ: { actions: { type: 'refuse', params: NOT_CONNECTED } },
    WRITE: { actions: { type: 'refuse', params: NOT_CONNECTED } },
    BROWSE: { actions: { type: 'refuse', params: NOT_CONNECTED } },
  },
  states: {
    disconnected: {
      entry: { type: 'announce', params: { state: 'disconnected' } },
      on: { START: 'online', TEST: { target: 'online', actions: assign({ attempt: 0 }) } },
    },
    online: {
      invoke: { id: 'connection', src: 'connection', input: ({ context }: { context: PlcContext }) => context.connection },
      initial: 'connecting',
      on: {
        'plc.failed': { target: 'backoff', actions: assign({ lastError: ({ event }) => event.reason }) },
        'plc.stats': { actions: 'countStats' },
        STOP: { target: 'disconnected', actions: assign({ lastError: 'stopped' }) },
        // Force a reconnect: tear the link down and build it again now.
        TEST: { target: 'online', reenter: true, actions: assign({ attempt: 0 }) },
      },
      states: {
        connecting: {
          entry: { type: 'announce', params: { state: 'connecting' } },
          on: {
            'plc.connected': { target: 'connected', actions: assign({ attempt: 0, lastError: null, outage: false }) },
          },
        },
        connected: {
          entry: { type: 'announce', params: { state: 'connected' } },
          on: {
            READ: { actions: 'forward' },
            WRITE: { actions: 'forward' },
            BROWSE: { actions: 'forward' },
            'plc.lost': { target: '#plc.backoff', actions: assign({ lastError: ({ event }) => event.reason }) },
          },
        },
      },
    },
    backoff: {
      entry: ['startOutage', { type: 'announce', params: { state: 'backoff' } }],
      after: { retryDelay: { target: 'online', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
      on: { TEST: { target: 'online', actions: assign({ attempt: 0 }) }, STOP: 'disconnected' },
    },
  },
});

export type PlcActor = ActorRefFrom<typeof plcMachine>;

export function plcStateOf(snapshot: SnapshotFrom<typeof plcMachine>): PlcState {
  const value = snapshot.value as PlcState | { online: PlcState };
  return typeof value === 'string' ? value : value.online;
}

export function plcHealth(snapshot: SnapshotFrom<typeof plcMachine>): PlcHealth {
  const { context } = snapshot;
  const state = plcStateOf(snapshot);
  return {
    plcId: context.plcId,
    protocol: context.protocol,
    state,
    connected: state === 'connected',
    lastError: context.lastError,
    latencyMs: context.latencyMs,
    attempt: context.attempt,
    reads: context.reads,
    writes: context.writes,
    failures: context.failures,
    safeState: context.safeState,
    outage: context.outage,
  };
}
