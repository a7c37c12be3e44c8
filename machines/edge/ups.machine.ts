import { type ActorRefFrom, assign, emit, fromCallback, sendTo, setup } from 'xstate';
import { backoffDelay } from '../../src/domain/backoff.js';

/**
 * The UPS: keeps the connection to it (connecting → connected → backoff → connecting …, or
 * disconnected after STOP), remembers the latest reading and hands every reading to the power
 * policy (systemId `upsPolicy` by default). The connection itself is the `connection` actor the
 * composition root supplies (NUT client or simulated UPS); it polls and sends readings back.
 *
 * A lost connection is not a power failure: the policy keeps whatever it decided last (if power
 * failed, upsd may be down with it, and the line is already paused).
 */

import type { UpsConnectionCommand, UpsConnectionEvent, UpsReading } from '../../src/domain/ports/ups-connection.js';
export type { UpsConnectionCommand, UpsConnectionEvent, UpsReading } from '../../src/domain/ports/ups-connection.js';

export type UpsConnectionState = 'connecting' | 'connected' | 'backoff' | 'disconnected';

export interface UpsInput {
  upsName: string;
  /** Passed untouched to the connection actor (its own configuration; never credentials). */
  connection: unknown;
  backoff: { baseMs: number; maxMs: number };
  policySystemId?: string;
}

export interface UpsContext {
  upsName: string;
  connection: unknown;
  backoff: { baseMs: number; maxMs: number };
  policySystemId: string;
  attempt: number;
  peer: string | null;
  lastError: string | null;
  reading: UpsReading | null;
  /** Counters: a POST /ups/test waits for one of them to move. */
  readings: number;
  failures: number;
}

export type UpsEvent = UpsConnectionEvent | { type: 'START' } | { type: 'STOP' } | { type: 'TEST' };

export type UpsStatusEvent = {
  type: 'ups.status';
  upsName: string;
  connection: UpsConnectionState;
  reading: UpsReading | null;
  reason: string | null;
};
export type UpsEmitted = UpsStatusEvent;

/** What the policy machine receives (see ups-policy.machine.ts). */
export type UpsReadingForPolicy = { type: 'UPS.READING'; reading: UpsReading };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connection kind has its own configuration
const connectionPlaceholder = fromCallback<UpsConnectionCommand, any, UpsConnectionEvent>(() => {
  throw new Error('ups: connection not provided');
});

/** A reading worth announcing: anything the operator or the policy would see differently. */
function changed(before: UpsReading | null, after: UpsReading): boolean {
  return before === null || before.status !== after.status || before.batteryPercent !== after.batteryPercent;
}

const status = (context: UpsContext, connection: UpsConnectionState): UpsStatusEvent => ({
  type: 'ups.status',
  upsName: context.upsName,
  connection,
  reading: context.reading,
  reason: context.lastError,
});

export const upsMachine = setup({
  types: {
    context: {} as UpsContext,
    events: {} as UpsEvent,
    input: {} as UpsInput,
    emitted: {} as UpsEmitted,
  },
  actors: { connection: connectionPlaceholder },
  delays: {
    // `after` is fine here: this actor is never persisted, so nothing needs re-arming on restore.
    retryDelay: ({ context }) => backoffDelay(context.attempt, { ...context.backoff, jitter: 0.5 }),
  },
  guards: {
    changed: ({ context, event }) => event.type === 'ups.reading' && changed(context.reading, event.reading),
  },
  actions: {
    forward: sendTo(
      ({ context, system }) => system.get(context.policySystemId),
      ({ event }): UpsReadingForPolicy => ({ type: 'UPS.READING', reading: (event as Extract<UpsEvent, { type: 'ups.reading' }>).reading }),
    ),
  },
}).createMachine({
  id: 'ups',
  context: ({ input }) => ({
    upsName: input.upsName,
    connection: input.connection,
    backoff: input.backoff,
    policySystemId: input.policySystemId ?? 'upsPolicy',
    attempt: 0,
    peer: null,
    lastError: null,
    reading: null,
    readings: 0,
    failures: 0,
  }),
  initial: 'active',
  states: {
    disconnected: {
      entry: emit(({ context }) => status(context, 'disconnected')),
      on: { START: 'active', TEST: { target: 'active', actions: assign({ attempt: 0 }) } },
    },
    active: {
      invoke: { id: 'connection', src: 'connection', input: ({ context }: { context: UpsContext }) => context.connection },
      initial: 'connecting',
      on: {
        'ups.failed': {
          target: 'backoff',
          actions: assign({ lastError: ({ event }) => event.reason, peer: null, failures: ({ context }) => context.failures + 1 }),
        },
        STOP: { target: 'disconnected', actions: assign({ peer: null, lastError: 'stopped' }) },
        // Force a reconnect: tear the connection down and build it again now.
        TEST: { target: 'active', reenter: true, actions: assign({ attempt: 0, peer: null }) },
      },
      states: {
        connecting: {
          on: {
            'ups.connected': { target: 'connected', actions: assign({ peer: ({ event }) => event.peer, attempt: 0, lastError: null }) },
          },
        },
        connected: {
          entry: emit(({ context }) => status(context, 'connected')),
          on: {
            'ups.reading': [
              {
                guard: 'changed',
                actions: [assign({ reading: ({ event }) => event.reading, readings: ({ context }) => context.readings + 1 }), 'forward', emit(({ context }) => status(context, 'connected'))],
              },
              { actions: [assign({ reading: ({ event }) => event.reading, readings: ({ context }) => context.readings + 1 }), 'forward'] },
            ],
          },
        },
      },
    },
    backoff: {
      entry: emit(({ context }) => status(context, 'backoff')),
      after: { retryDelay: { target: 'active', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
      on: { TEST: { target: 'active', actions: assign({ attempt: 0 }) }, STOP: 'disconnected' },
    },
  },
});

export type UpsActor = ActorRefFrom<typeof upsMachine>;

/** The connection state as the API shows it. */
export function upsConnectionState(value: unknown): UpsConnectionState {
  if (value === 'backoff' || value === 'disconnected') return value;
  return (value as { active?: string }).active === 'connected' ? 'connected' : 'connecting';
}
