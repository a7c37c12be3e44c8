import { type ActorRefFrom, assign, emit, fromCallback, sendTo, setup } from 'xstate';
import type { ChannelMessage, ConnectionSettings, ReportedStatus } from '../../src/domain/device-channel.js';
import { backoffDelay } from '../../src/domain/backoff.js';

/**
 * The edge's end of the device channel to its factory server: keeps it open (connecting →
 * connected → backoff → connecting …, exponential backoff with jitter), says hello on open and
 * sends a heartbeat with the edge's status every interval, and passes the server's connection
 * settings and commands on (emitted). A command's answers (ack, progress, result) come back as
 * SEND and go out on the channel while connected. A refused device token parks it in
 * `unauthorized`: retrying a token the server has revoked only floods the server's logs, so it
 * waits for RECONFIGURE (new credentials).
 *
 * PURE: the socket is the `channel` actor the composition root provides (fromCallback), and
 * what to report comes from the `status` function in input. Never persisted, so `after` timers
 * are safe here (nothing has to re-arm them on restore).
 */

import { CHANNEL_CLOSE_UNAUTHORIZED, type ChannelCommand, type ChannelEvent, type CommandReply } from '../../src/domain/ports/channel-transport.js';
export { CHANNEL_CLOSE_UNAUTHORIZED, type ChannelCommand, type ChannelEvent, type CommandReply, type CommandReplyType, type OutgoingType } from '../../src/domain/ports/channel-transport.js';

export type FactoryLinkState = 'disconnected' | 'connecting' | 'connected' | 'backoff' | 'unauthorized';

export interface FactoryLinkInput {
  deviceId: string;
  /** Passed untouched to the channel actor (its own configuration: URL, token). */
  channel: unknown;
  heartbeatIntervalMs: number;
  backoff: { baseMs: number; maxMs: number };
  /** The edge's status, read for every hello and heartbeat. */
  status?: () => ReportedStatus;
  /** Jitter source; injectable so tests are deterministic. */
  random?: () => number;
}

export interface FactoryLinkContext {
  deviceId: string;
  channel: unknown;
  /** Configured interval until the server's welcome says otherwise (kept across reconnects: same server). */
  heartbeatIntervalMs: number;
  backoff: { baseMs: number; maxMs: number };
  status: () => ReportedStatus;
  random: () => number;
  attempt: number;
  lastError: string | null;
  settings: ConnectionSettings | null;
  serverTime: string | null;
  heartbeatsSent: number;
  invalidMessages: number;
  commandsReceived: number;
  repliesSent: number;
}

export type FactoryLinkEvent =
  | ChannelEvent
  /** New channel configuration (e.g. a re-issued token): reconnect now, from whatever state. */
  | { type: 'RECONFIGURE'; channel?: unknown }
  | { type: 'STOP' }
  | { type: 'START' }
  /**
   * Send a command's ack / progress / result. Only a connected link sends it; elsewhere it is
   * dropped (the executor keeps what it must answer and sends it again once the link says connected).
   */
  | ({ type: 'SEND' } & CommandReply);

export type FactoryLinkEmitted =
  | { type: 'factory.link'; state: FactoryLinkState; reason: string | null }
  | { type: 'factory.settings'; settings: ConnectionSettings }
  /** The factory asked this edge to run a command: the edge's command executor takes it from the bus. */
  | { type: 'factory.command'; message: ChannelMessage<'command'> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each channel has its own configuration
const channelPlaceholder = fromCallback<ChannelCommand, any, ChannelEvent>(() => {
  throw new Error('factory link: channel not provided');
});

const closedReason = (event: Extract<ChannelEvent, { type: 'channel.closed' }>) => {
  const how = event.httpStatus !== undefined ? `HTTP ${event.httpStatus}` : event.code !== null ? `close ${event.code}` : null;
  return how ? `${event.reason} (${how})` : event.reason;
};

/** Entry action of each state: announce it. */
const linkState = (state: FactoryLinkState) => ({ type: 'announceState' as const, params: { state } });

export const factoryLinkMachine = setup({
  types: {
    context: {} as FactoryLinkContext,
    events: {} as FactoryLinkEvent,
    input: {} as FactoryLinkInput,
    emitted: {} as FactoryLinkEmitted,
  },
  actors: { channel: channelPlaceholder },
  delays: {
    retryDelay: ({ context }) => backoffDelay(context.attempt, { ...context.backoff, jitter: 0.5 }, context.random),
    heartbeat: ({ context }) => context.heartbeatIntervalMs,
  },
  actions: {
    announceState: emit(({ context }, params: { state: FactoryLinkState }): FactoryLinkEmitted => ({
      type: 'factory.link',
      state: params.state,
      reason: params.state === 'connected' ? null : context.lastError,
    })),
    sendHello: sendTo('channel', ({ context }): ChannelCommand => ({ type: 'channel.send', messageType: 'hello', payload: { deviceId: context.deviceId, status: context.status() } })),
    sendHeartbeat: sendTo('channel', ({ context }): ChannelCommand => ({ type: 'channel.send', messageType: 'heartbeat', payload: { status: context.status() } })),
    countHeartbeat: assign({ heartbeatsSent: ({ context }) => context.heartbeatsSent + 1 }),
    recordClose: assign({ lastError: ({ event }) => closedReason(event as Extract<ChannelEvent, { type: 'channel.closed' }>) }),
    recordWelcome: assign(({ event }) => {
      const message = (event as Extract<ChannelEvent, { type: 'channel.message' }>).message as ChannelMessage<'welcome'>;
      return { heartbeatIntervalMs: message.payload.heartbeatIntervalMs, serverTime: message.payload.serverTime, settings: message.payload.settings };
    }),
    recordSettings: assign({ settings: ({ event }) => ((event as Extract<ChannelEvent, { type: 'channel.message' }>).message as ChannelMessage<'settings'>).payload }),
    announceCommand: emit(({ event }): FactoryLinkEmitted => ({
      type: 'factory.command',
      message: (event as Extract<ChannelEvent, { type: 'channel.message' }>).message as ChannelMessage<'command'>,
    })),
    sendReply: sendTo('channel', ({ event }): ChannelCommand => {
      const { messageType, payload } = event as Extract<FactoryLinkEvent, { type: 'SEND' }>;
      return { type: 'channel.send', messageType, payload } as ChannelCommand;
    }),
    countReply: assign({ repliesSent: ({ context }) => context.repliesSent + 1 }),
    announceSettings: emit(({ context }): FactoryLinkEmitted => ({ type: 'factory.settings', settings: context.settings! })),
    reconfigure: assign(({ context, event }) => ({
      channel: event.type === 'RECONFIGURE' && event.channel !== undefined ? event.channel : context.channel,
      attempt: 0,
      lastError: null,
    })),
  },
  guards: {
    unauthorized: ({ event }) =>
      event.type === 'channel.closed' && (event.code === CHANNEL_CLOSE_UNAUTHORIZED || event.httpStatus === 401 || event.httpStatus === 403),
    isWelcome: ({ event }) => event.type === 'channel.message' && event.message.type === 'welcome',
    isSettings: ({ event }) => event.type === 'channel.message' && event.message.type === 'settings',
    isError: ({ event }) => event.type === 'channel.message' && event.message.type === 'error',
    isCommand: ({ event }) => event.type === 'channel.message' && event.message.type === 'command',
  },
}).createMachine({
  id: 'factoryLink',
  context: ({ input }) => ({
    deviceId: input.deviceId,
    channel: input.channel,
    heartbeatIntervalMs: input.heartbeatIntervalMs,
    backoff: input.backoff,
    status: input.status ?? (() => ({})),
    random: input.random ?? Math.random,
    attempt: 0,
    lastError: null,
    settings: null,
    serverTime: null,
    heartbeatsSent: 0,
    invalidMessages: 0,
    commandsReceived: 0,
    repliesSent: 0,
  }),
  initial: 'link',
  on: {
    RECONFIGURE: { target: '.link', reenter: true, actions: 'reconfigure' },
    STOP: { target: '.disconnected', actions: assign({ lastError: 'stopped' }) },
  },
  states: {
    disconnected: {
      entry: linkState('disconnected'),
      on: { START: { target: 'link', actions: assign({ attempt: 0 }) } },
    },
    /** The channel actor lives as long as this state: leaving it closes the socket. */
    link: {
      invoke: { id: 'channel', src: 'channel', input: ({ context }: { context: FactoryLinkContext }) => context.channel },
      initial: 'connecting',
      on: {
        'channel.closed': [
          { guard: 'unauthorized', target: 'unauthorized', actions: 'recordClose' },
          { target: 'backoff', actions: 'recordClose' },
        ],
        'channel.invalid': { actions: assign({ invalidMessages: ({ context }) => context.invalidMessages + 1 }) },
      },
      states: {
        connecting: {
          entry: linkState('connecting'),
          on: { 'channel.open': { target: 'connected', actions: assign({ attempt: 0, lastError: null }) } },
        },
        connected: {
          entry: [linkState('connected'), 'sendHello'],
          initial: 'beating',
          on: {
            'channel.message': [
              // The server's interval wins for this session: re-enter to restart the timer with it.
              { guard: 'isWelcome', target: '.beating', reenter: true, actions: ['recordWelcome', 'announceSettings'] },
              { guard: 'isSettings', actions: ['recordSettings', 'announceSettings'] },
              { guard: 'isError', actions: assign({ lastError: ({ event }) => `factory server: ${(event.message as ChannelMessage<'error'>).payload.message}` }) },
              { guard: 'isCommand', actions: [assign({ commandsReceived: ({ context }) => context.commandsReceived + 1 }), 'announceCommand'] },
            ],
            SEND: { actions: ['sendReply', 'countReply'] },
          },
          states: {
            beating: {
              after: { heartbeat: { target: 'beating', reenter: true, actions: ['sendHeartbeat', 'countHeartbeat'] } },
            },
          },
        },
      },
    },
    backoff: {
      entry: linkState('backoff'),
      after: { retryDelay: { target: 'link', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
      on: { START: { target: 'link', actions: assign({ attempt: 0 }) } },
    },
    /** The server refused the device token: no retries until the credentials change. */
    unauthorized: {
      entry: linkState('unauthorized'),
    },
  },
});

export type FactoryLinkActor = ActorRefFrom<typeof factoryLinkMachine>;

/** The link's state as one word, from a snapshot value ({ link: 'connected' } → 'connected'). */
export function factoryLinkState(value: unknown): FactoryLinkState {
  if (typeof value === 'string') return value as FactoryLinkState;
  const inner = (value as { link?: unknown }).link;
  return (typeof inner === 'string' ? inner : Object.keys(inner as object)[0]) as FactoryLinkState;
}
