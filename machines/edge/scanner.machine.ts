import { type ActorRefFrom, assign, emit, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import type { Frame, TransportCommand, TransportEvent } from '../../src/domain/ports/scanner-transport.js';
import { backoffDelay } from '../../src/domain/backoff.js';
import { DEFAULT_SCANNER_ROLE, type ScannerRole } from '../../src/domain/scanner-role.js';
import type { ScanReply, ScanLineEvent } from './scan-line.machine.js';
import { SCAN_LINE } from '../../src/domain/actor-ids.js';

/**
 * One scanner: keeps its connection (connect → backoff → connect), turns frames into SCAN /
 * NOREAD events for the scan line, and optionally answers each frame with the decision.
 * The connection itself is the `transport` actor supplied by the composition root.
 */

export interface ScannerInput {
  scannerId: string;
  /** Passed untouched to the transport actor (its own configuration). */
  transport: unknown;
  backoff: { baseMs: number; maxMs: number };
  /** When set, each decision is written back to the scanner as one line. */
  reply?: { accept: string; reject: string } | undefined;
  /** The actor that decides scans, by its systemId. */
  lineSystemId?: string;
  /** Carried on every SCAN / NOREAD this scanner hands to the line (default ADD). */
  role?: ScannerRole;
  /** A command whose answer names the device, sent on TEST once connected (Cognex: ||>GET DEVICE.NAME). */
  healthCheck?: string | null;
}

export interface ScannerContext {
  scannerId: string;
  transport: unknown;
  backoff: { baseMs: number; maxMs: number };
  reply: { accept: string; reject: string } | null;
  lineSystemId: string;
  role: ScannerRole;
  healthCheck: string | null;
  /** The health check's last answer (null: none yet, or the reader did not answer). */
  deviceName: string | null;
  /** A TEST waits for the health check's answer. */
  testPending: boolean;
  tests: number;
  attempt: number;
  peer: string | null;
  listeningPort: number | null;
  lastError: string | null;
  frames: number;
  codes: number;
  noReads: number;
  garbage: number;
}

export type ScannerEvent =
  | TransportEvent
  | ScanReply
  | { type: 'START' }
  | { type: 'STOP' }
  | { type: 'TEST' }
  /** Software trigger: asks the reader for one read (Cognex: ||>TRIGGER ON). */
  | { type: 'TRIGGER' };

export type ScannerEmitted =
  | { type: 'scanner.state'; scannerId: string; state: 'connected' | 'disconnected' | 'backoff'; reason: string | null }
  | { type: 'scanner.noread'; scannerId: string; text: string }
  | { type: 'scanner.garbage'; scannerId: string; bytes: number; reason: string }
  /** listen mode: a connection was refused (not allowed, or a live reader holds the port). */
  | { type: 'scanner.refused'; scannerId: string; peer: string; reason: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each transport has its own configuration
const transportPlaceholder = fromCallback<TransportCommand, any, TransportEvent>(() => {
  throw new Error('scanner: transport not provided');
});

export const scannerMachine = setup({
  types: {
    context: {} as ScannerContext,
    events: {} as ScannerEvent,
    input: {} as ScannerInput,
    emitted: {} as ScannerEmitted,
  },
  actors: { transport: transportPlaceholder },
  delays: {
    retryDelay: ({ context }) => backoffDelay(context.attempt, { ...context.backoff, jitter: 0.5 }),
  },
  actions: {
    forwardFrame: sendTo(
      ({ context, system }) => system.get(context.lineSystemId),
      ({ context, event, self }): ScanLineEvent => {
        const frame = (event as { frame: Frame }).frame;
        // With replies on, a no-read is answered too (a reject): a reader or PLC pairs replies to
        // frames by order, so a missing one would shift every later decision onto the wrong unit.
        const replyTo = context.reply ? { replyTo: self } : {};
        // The role rides on every code (the scan line gives it meaning; absent = ADD, the line
        // scanner's hot path, so its events stay as they were). A no-read has no unit to act on.
        const role = context.role === DEFAULT_SCANNER_ROLE ? {} : { role: context.role };
        if (frame.kind === 'noread') return { type: 'NOREAD', text: frame.text, source: context.scannerId, ...replyTo };
        return { type: 'SCAN', code: frame.kind === 'code' ? frame.text : '', source: context.scannerId, ...role, ...replyTo };
      },
    ),
    countFrame: assign(({ context, event }) => {
      const frame = (event as { frame: Frame }).frame;
      return {
        frames: context.frames + 1,
        codes: context.codes + (frame.kind === 'code' ? 1 : 0),
        noReads: context.noReads + (frame.kind === 'noread' ? 1 : 0),
        garbage: context.garbage + (frame.kind === 'garbage' ? 1 : 0),
      };
    }),
    reportFrame: emit(({ context, event }): ScannerEmitted => {
      const frame = (event as { frame: Frame }).frame;
      return frame.kind === 'garbage'
        ? { type: 'scanner.garbage', scannerId: context.scannerId, bytes: frame.bytes, reason: frame.reason }
        : { type: 'scanner.noread', scannerId: context.scannerId, text: frame.kind === 'noread' ? frame.text : '' };
    }),
    writeDecision: sendTo('transport', ({ context, event }): TransportCommand => {
      const decision = (event as ScanReply).decisions[0];
      const line = decision?.valid ? context.reply!.accept : context.reply!.reject;
      return { type: 'transport.write', data: `${line}\r\n` };
    }),
    /** After a TEST, once connected: ask the reader its name. */
    queryHealth: enqueueActions(({ context, enqueue }) => {
      if (!context.testPending) return;
      if (context.healthCheck === null) {
        enqueue.assign({ testPending: false });
        return;
      }
      enqueue.sendTo('transport', { type: 'transport.query', data: context.healthCheck } satisfies TransportCommand);
    }),
    startTest: assign(({ context }) => ({ attempt: 0, peer: null, tests: context.tests + 1, testPending: true, deviceName: null })),
  },
  guards: {
    isCode: ({ event }) => event.type === 'transport.frame' && event.frame.kind === 'code',
    isNoRead: ({ event }) => event.type === 'transport.frame' && event.frame.kind === 'noread',
    replies: ({ context }) => context.reply !== null,
  },
}).createMachine({
  id: 'scanner',
  context: ({ input }) => ({
    scannerId: input.scannerId,
    transport: input.transport,
    backoff: input.backoff,
    reply: input.reply ?? null,
    lineSystemId: input.lineSystemId ?? SCAN_LINE,
    role: input.role ?? DEFAULT_SCANNER_ROLE,
    healthCheck: input.healthCheck ?? null,
    deviceName: null,
    testPending: false,
    tests: 0,
    attempt: 0,
    peer: null,
    listeningPort: null,
    lastError: null,
    frames: 0,
    codes: 0,
    noReads: 0,
    garbage: 0,
  }),
  initial: 'active',
  states: {
    disconnected: {
      entry: emit(({ context }): ScannerEmitted => ({ type: 'scanner.state', scannerId: context.scannerId, state: 'disconnected', reason: context.lastError })),
      on: { START: 'active', TEST: { target: 'active', actions: 'startTest' } },
    },
    active: {
      invoke: { id: 'transport', src: 'transport', input: ({ context }: { context: ScannerContext }) => context.transport },
      initial: 'connecting',
      on: {
        'transport.listening': { actions: assign({ listeningPort: ({ event }) => event.port }) },
        'transport.refused': {
          actions: emit(({ context, event }): ScannerEmitted => ({ type: 'scanner.refused', scannerId: context.scannerId, peer: event.peer, reason: event.reason })),
        },
        'transport.failed': { target: 'backoff', actions: assign({ lastError: ({ event }) => event.reason, peer: null }) },
        STOP: { target: 'disconnected', actions: assign({ peer: null, lastError: 'stopped' }) },
        // Force a reconnect: tear the transport down and build it again now (then the health check).
        TEST: { target: 'active', reenter: true, actions: 'startTest' },
        'transport.response': { actions: assign({ deviceName: ({ event }) => event.text, testPending: false }) },
      },
      states: {
        connecting: {
          on: {
            'transport.connected': { target: 'connected', actions: assign({ peer: ({ event }) => event.peer, attempt: 0, lastError: null }) },
          },
        },
        connected: {
          entry: [emit(({ context }): ScannerEmitted => ({ type: 'scanner.state', scannerId: context.scannerId, state: 'connected', reason: null })), 'queryHealth'],
          on: {
            'transport.frame': [
              { guard: 'isCode', actions: ['countFrame', 'forwardFrame'] },
              { guard: 'isNoRead', actions: ['countFrame', 'forwardFrame', 'reportFrame'] },
              { actions: ['countFrame', 'reportFrame'] },
            ],
            'transport.peerLost': { target: 'connecting', actions: assign({ peer: null, lastError: ({ event }) => event.reason }) },
            'scan.reply': { guard: 'replies', actions: 'writeDecision' },
            TRIGGER: { actions: sendTo('transport', { type: 'transport.trigger' } satisfies TransportCommand) },
          },
        },
      },
    },
    backoff: {
      entry: emit(({ context }): ScannerEmitted => ({ type: 'scanner.state', scannerId: context.scannerId, state: 'backoff', reason: context.lastError })),
      after: { retryDelay: { target: 'active', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
      on: { TEST: { target: 'active', actions: 'startTest' }, STOP: 'disconnected' },
    },
  },
});

export type ScannerActor = ActorRefFrom<typeof scannerMachine>;
