import { createActor, fromCallback, type SimulatedClock } from 'xstate';
import {
  type ChannelCommand,
  type ChannelEvent,
  type FactoryLinkEmitted,
  type FactoryLinkInput,
  factoryLinkMachine,
  factoryLinkState,
} from '../../machines/edge/factory-link.machine.js';
import { type ChannelMessage, type ChannelMessageType, type ChannelPayload, channelMessage, type ReportedStatus } from '../../src/domain/device-channel.js';

export interface FakeChannel {
  input: unknown;
  /** What the link asked this channel to send. */
  commands: ChannelCommand[];
  stopped: boolean;
  /** Plays the socket: sends a channel event to the link. */
  emit(event: ChannelEvent): void;
}

/** A channel the test drives: each invocation is recorded, and the test plays the socket. */
export function createFakeChannel() {
  const channels: FakeChannel[] = [];
  const logic = fromCallback<ChannelCommand, unknown, ChannelEvent>(({ input, sendBack, receive }) => {
    const channel: FakeChannel = { input, commands: [], stopped: false, emit: (event) => sendBack(event) };
    channels.push(channel);
    receive((command) => {
      channel.commands.push(command);
    });
    return () => {
      channel.stopped = true;
    };
  });
  return {
    logic,
    channels,
    latest(): FakeChannel {
      const last = channels.at(-1);
      if (!last) throw new Error('fake channel: never invoked');
      return last;
    },
    live: () => channels.filter((c) => !c.stopped),
  };
}

/** A message from the "server", in the channel envelope. */
export const serverMessage = <T extends ChannelMessageType>(type: T, payload: ChannelPayload<T>): ChannelEvent => ({
  type: 'channel.message',
  message: channelMessage(type, payload) as ChannelMessage,
});

export const LINK_INPUT: FactoryLinkInput = {
  deviceId: 'edge-007',
  channel: { factoryUrl: 'http://factory.test', deviceToken: 'token-1' },
  heartbeatIntervalMs: 100,
  backoff: { baseMs: 20, maxMs: 80 },
};

/** A factory link on a fake channel and a simulated clock; jitter off (random = 0) so delays are exact. */
export function startFactoryLink(input: Partial<FactoryLinkInput> = {}, clock?: SimulatedClock) {
  const channel = createFakeChannel();
  let status: ReportedStatus = { mode: 'VIA_LOCAL_SERVER', line: { state: 'running', accepted: 0, rejected: 0 } };
  const actor = createActor(factoryLinkMachine.provide({ actors: { channel: channel.logic } }), {
    input: { ...LINK_INPUT, status: () => status, random: () => 0, ...input },
    ...(clock ? { clock } : {}),
  });
  const emitted: FactoryLinkEmitted[] = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => emitted.push(event as FactoryLinkEmitted));
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  return {
    actor,
    channel,
    emitted,
    errors,
    snapshot: () => actor.getSnapshot(),
    state: () => factoryLinkState(actor.getSnapshot().value),
    links: () => emitted.filter((e): e is Extract<FactoryLinkEmitted, { type: 'factory.link' }> => e.type === 'factory.link'),
    settings: () => emitted.filter((e): e is Extract<FactoryLinkEmitted, { type: 'factory.settings' }> => e.type === 'factory.settings'),
    setStatus(next: ReportedStatus) {
      status = next;
    },
    stop: () => actor.stop(),
  };
}
