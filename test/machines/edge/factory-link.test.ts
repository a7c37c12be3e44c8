import { expect } from 'chai';
import { setup, SimulatedClock } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { CHANNEL_CLOSE_UNAUTHORIZED, factoryLinkMachine, factoryLinkState } from '../../../machines/edge/factory-link.machine.js';
import type { ConnectionSettings } from '../../../src/domain/device-channel.js';
import { LINK_INPUT, serverMessage, startFactoryLink } from '../../support/factory-link-fixtures.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';

/**
 * Model-based paths over the factory link's lifecycle, replayed against the real machine with a
 * fake channel and a simulated clock (jitter off). Each event step checks whether it opened a new
 * channel; each state check checks which channels are alive, what the link announced, and what
 * time passing does there (heartbeats only while connected; no retry while unauthorized).
 */
type ModelEvent =
  | { type: 'OPEN' }
  | { type: 'CLOSED' }
  | { type: 'CLOSED_4401' }
  | { type: 'HTTP_401' }
  | { type: 'BACKOFF_ELAPSES' }
  | { type: 'HEARTBEAT_ELAPSES' }
  | { type: 'WELCOME' }
  | { type: 'SETTINGS' }
  | { type: 'STOP' }
  | { type: 'START' }
  | { type: 'RECONFIGURE' }
  /** The factory sends a command: the link emits it for the executor. */
  | { type: 'COMMAND' }
  /** The executor asks the link to send a command.result: out on a connected channel, dropped otherwise. */
  | { type: 'SEND' }
  /** A frame the codec refused: counted, never fatal. */
  | { type: 'INVALID' };

const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'factoryLinkModel',
  initial: 'connecting',
  on: { RECONFIGURE: '.connecting' },
  states: {
    connecting: { on: { OPEN: 'connected', CLOSED: 'backoff', CLOSED_4401: 'unauthorized', HTTP_401: 'unauthorized', STOP: 'disconnected', SEND: 'connecting', INVALID: 'connecting' } },
    connected: {
      on: {
        HEARTBEAT_ELAPSES: 'connected',
        WELCOME: 'connected',
        SETTINGS: 'connected',
        COMMAND: 'connected',
        SEND: 'connected',
        INVALID: 'connected',
        CLOSED: 'backoff',
        CLOSED_4401: 'unauthorized',
        STOP: 'disconnected',
      },
    },
    backoff: { on: { BACKOFF_ELAPSES: 'connecting', START: 'connecting', STOP: 'disconnected', SEND: 'backoff' } },
    unauthorized: { on: { STOP: 'disconnected' } },
    disconnected: { on: { START: 'connecting' } },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const testModel = createTestModel(model, {
  serializeState,
  events: [
    { type: 'OPEN' },
    { type: 'CLOSED' },
    { type: 'CLOSED_4401' },
    { type: 'HTTP_401' },
    { type: 'BACKOFF_ELAPSES' },
    { type: 'HEARTBEAT_ELAPSES' },
    { type: 'WELCOME' },
    { type: 'SETTINGS' },
    { type: 'STOP' },
    { type: 'START' },
    { type: 'RECONFIGURE' },
    { type: 'COMMAND' },
    { type: 'SEND' },
    { type: 'INVALID' },
  ],
});

const COMMAND_PAYLOAD = { commandId: 'cmd-1', type: 'force_sync' as const, params: {}, expiresAt: null, timeoutMs: 5_000 };
const RESULT_PAYLOAD = { commandId: 'cmd-1', ok: true, result: { state: 'idle' } };

const SERVER_HEARTBEAT_MS = 250;
const WELCOME_SETTINGS: ConnectionSettings = { defaultMode: 'VIA_LOCAL_SERVER', allowDeviceOverride: true, cloudSyncEnabled: true };
const PUSHED_SETTINGS: ConnectionSettings = { defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: false, cloudSyncEnabled: false };
const { baseMs, maxMs } = LINK_INPUT.backoff;

describe('factory link machine (model-based)', () => {
  const coverage = trackCoverage(factoryLinkMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"backoff"', '"connected"', '"connecting"', '"disconnected"', '"unauthorized"'].sort());
    const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? '"connecting"' : serializeState(p.steps[i - 1]!.state)}|${step.event.type}`)));
    const all = modelTransitions(testModel);
    expect(all.filter((edge) => !covered.has(edge))).to.deep.equal([]);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const clock = new SimulatedClock();
      const link = startFactoryLink({}, clock);
      coverage.observe(link.actor);
      const { channel } = link;
      // What the link must have done so far.
      let interval = LINK_INPUT.heartbeatIntervalMs;
      let attempt = 0;
      let settingsSeen = 0;
      let commandsSeen = 0;
      /** A socket event that must not open a new channel. */
      const fromSocket = (event: Parameters<(typeof channel.channels)[number]['emit']>[0]) => {
        const before = channel.channels.length;
        channel.latest().emit(event);
        expect(channel.channels).to.have.length(before);
      };
      /** A step that must close any live channel and open exactly one new one. */
      const reopens = (step: () => void) => {
        const before = channel.channels.length;
        step();
        expect(channel.channels).to.have.length(before + 1);
        expect(channel.live()).to.deep.equal([channel.latest()]);
      };
      const lastLink = () => link.links().at(-1);
      /** Time passing in a state where nothing may be dialled. */
      const timeChangesNothing = () => {
        const before = channel.channels.length;
        clock.increment(maxMs * 10 + interval * 10);
        expect(channel.channels).to.have.length(before);
      };

      try {
        await path.test({
          states: {
            connecting: () => {
              expect(link.state()).to.equal('connecting');
              expect(channel.live()).to.deep.equal([channel.latest()]);
              expect(channel.latest().commands).to.deep.equal([]);
              expect(lastLink()).to.deep.equal({ type: 'factory.link', state: 'connecting', reason: link.snapshot().context.lastError });
            },
            connected: () => {
              expect(link.state()).to.equal('connected');
              expect(channel.live()).to.deep.equal([channel.latest()]);
              expect(lastLink()).to.deep.equal({ type: 'factory.link', state: 'connected', reason: null });
              expect(link.snapshot().context.attempt).to.equal(0);
              // The hello came first on this channel.
              expect(channel.latest().commands[0]).to.deep.equal({
                type: 'channel.send',
                messageType: 'hello',
                payload: { deviceId: LINK_INPUT.deviceId, status: { mode: 'VIA_LOCAL_SERVER', line: { state: 'running', accepted: 0, rejected: 0 } } },
              });
            },
            backoff: () => {
              expect(link.state()).to.equal('backoff');
              expect(channel.live()).to.deep.equal([]);
              expect(lastLink()!.state).to.equal('backoff');
              expect(lastLink()!.reason).to.be.a('string');
            },
            unauthorized: () => {
              expect(link.state()).to.equal('unauthorized');
              expect(channel.live()).to.deep.equal([]);
              expect(lastLink()!.state).to.equal('unauthorized');
              expect(lastLink()!.reason).to.match(/4401|HTTP 401/);
              // No retry storm: time passing does not dial again.
              timeChangesNothing();
            },
            disconnected: () => {
              expect(link.state()).to.equal('disconnected');
              expect(channel.live()).to.deep.equal([]);
              expect(lastLink()).to.deep.equal({ type: 'factory.link', state: 'disconnected', reason: 'stopped' });
              timeChangesNothing();
            },
          },
          events: {
            OPEN: () => {
              fromSocket({ type: 'channel.open' });
              attempt = 0;
            },
            CLOSED: () => {
              fromSocket({ type: 'channel.closed', code: 1001, reason: 'factory server going away' });
              expect(link.snapshot().context.lastError).to.equal('factory server going away (close 1001)');
            },
            CLOSED_4401: () => {
              fromSocket({ type: 'channel.closed', code: CHANNEL_CLOSE_UNAUTHORIZED, reason: 'unauthorized device token' });
            },
            HTTP_401: () => {
              fromSocket({ type: 'channel.closed', code: null, reason: 'factory server refused the device token', httpStatus: 401 });
            },
            BACKOFF_ELAPSES: () => {
              const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
              const before = channel.channels.length;
              clock.increment(ceiling - 1);
              expect(channel.channels).to.have.length(before);
              reopens(() => clock.increment(1));
              attempt++;
            },
            HEARTBEAT_ELAPSES: () => {
              const commands = channel.latest().commands;
              const before = commands.length;
              link.setStatus({ mode: 'VIA_LOCAL_SERVER', syncQueue: { state: 'idle', pending: before } });
              clock.increment(interval - 1);
              expect(commands).to.have.length(before);
              clock.increment(1);
              expect(commands).to.have.length(before + 1);
              expect(commands.at(-1)).to.deep.equal({ type: 'channel.send', messageType: 'heartbeat', payload: { status: { mode: 'VIA_LOCAL_SERVER', syncQueue: { state: 'idle', pending: before } } } });
              link.setStatus({ mode: 'VIA_LOCAL_SERVER', line: { state: 'running', accepted: 0, rejected: 0 } });
            },
            INVALID: () => {
              const before = link.snapshot();
              fromSocket({ type: 'channel.invalid', reason: 'unknown message type "bogus"' });
              expect(link.snapshot().context.invalidMessages).to.equal(before.context.invalidMessages + 1);
              expect(link.snapshot().value).to.deep.equal(before.value);
            },
            WELCOME: () => {
              fromSocket(serverMessage('welcome', { deviceId: LINK_INPUT.deviceId, serverTime: new Date().toISOString(), heartbeatIntervalMs: SERVER_HEARTBEAT_MS, settings: WELCOME_SETTINGS }));
              interval = SERVER_HEARTBEAT_MS;
              settingsSeen++;
              expect(link.settings()).to.have.length(settingsSeen);
              expect(link.settings().at(-1)).to.deep.equal({ type: 'factory.settings', settings: WELCOME_SETTINGS });
              expect(link.snapshot().context.heartbeatIntervalMs).to.equal(SERVER_HEARTBEAT_MS);
            },
            SETTINGS: () => {
              fromSocket(serverMessage('settings', PUSHED_SETTINGS));
              settingsSeen++;
              expect(link.settings()).to.have.length(settingsSeen);
              expect(link.settings().at(-1)).to.deep.equal({ type: 'factory.settings', settings: PUSHED_SETTINGS });
            },
            COMMAND: () => {
              fromSocket(serverMessage('command', COMMAND_PAYLOAD));
              commandsSeen++;
              const commands = link.emitted.filter((e) => e.type === 'factory.command');
              expect(commands).to.have.length(commandsSeen);
              expect(commands.at(-1)).to.deep.include({ type: 'factory.command' });
              expect((commands.at(-1) as Extract<typeof commands[number], { type: 'factory.command' }>).message.payload).to.deep.equal(COMMAND_PAYLOAD);
            },
            SEND: () => {
              const connected = link.state() === 'connected';
              const live = channel.live().at(-1);
              const before = live?.commands.length ?? 0;
              link.actor.send({ type: 'SEND', messageType: 'command.result', payload: RESULT_PAYLOAD });
              if (connected) {
                expect(live!.commands).to.have.length(before + 1);
                expect(live!.commands.at(-1)).to.deep.equal({ type: 'channel.send', messageType: 'command.result', payload: RESULT_PAYLOAD });
              } else {
                // Not connected: dropped (the executor keeps results and resends on connect).
                expect(live?.commands.length ?? 0).to.equal(before);
              }
            },
            STOP: () => {
              link.actor.send({ type: 'STOP' });
            },
            START: () => {
              reopens(() => link.actor.send({ type: 'START' }));
              attempt = 0;
            },
            RECONFIGURE: () => {
              reopens(() => link.actor.send({ type: 'RECONFIGURE', channel: { factoryUrl: 'http://factory.test', deviceToken: 'token-2' } }));
              expect(channel.latest().input).to.deep.equal({ factoryUrl: 'http://factory.test', deviceToken: 'token-2' });
              attempt = 0;
            },
          },
        });
        expect(link.errors).to.deep.equal([]);
        expect(link.snapshot().status).to.equal('active');
      } finally {
        link.stop();
      }
    });
  }

  itCoversTheWholeMachine(coverage);
});

describe('factory link machine', () => {
  it('backs off exponentially up to the cap across failed attempts, and a connection resets it', () => {
    const clock = new SimulatedClock();
    const link = startFactoryLink({}, clock);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      link.channel.latest().emit({ type: 'channel.closed', code: null, reason: 'connection refused' });
      const before = link.channel.channels.length;
      let waited = 0;
      while (link.channel.channels.length === before) {
        clock.increment(1);
        waited++;
      }
      delays.push(waited);
    }
    expect(delays).to.deep.equal([20, 40, 80, 80, 80]);
    link.channel.latest().emit({ type: 'channel.open' });
    link.channel.latest().emit({ type: 'channel.closed', code: 1006, reason: 'connection lost' });
    expect(link.snapshot().context.attempt).to.equal(0);
    link.stop();
  });

  it('applies jitter from the random source: at most half the delay taken off', () => {
    const clock = new SimulatedClock();
    const link = startFactoryLink({ random: () => 0.999 }, clock);
    link.channel.latest().emit({ type: 'channel.closed', code: null, reason: 'refused' });
    clock.increment(9);
    expect(link.channel.channels).to.have.length(1);
    clock.increment(1);
    expect(link.channel.channels).to.have.length(2);
    link.stop();
  });

  it('counts frames the codec refused without dropping the channel', () => {
    const link = startFactoryLink();
    link.channel.latest().emit({ type: 'channel.open' });
    link.channel.latest().emit({ type: 'channel.invalid', reason: 'BAD_MESSAGE: not JSON' });
    expect(link.state()).to.equal('connected');
    expect(link.snapshot().context.invalidMessages).to.equal(1);
    link.stop();
  });

  it("keeps the server's error message as lastError while staying connected", () => {
    const link = startFactoryLink();
    link.channel.latest().emit({ type: 'channel.open' });
    link.channel.latest().emit(serverMessage('error', { code: 'BAD_MESSAGE', message: 'heartbeat payload invalid' }));
    expect(link.state()).to.equal('connected');
    expect(link.snapshot().context.lastError).to.equal('factory server: heartbeat payload invalid');
    link.stop();
  });

  it('treats an HTTP 403 on the upgrade as unauthorized too', () => {
    const link = startFactoryLink();
    link.channel.latest().emit({ type: 'channel.closed', code: null, reason: 'refused', httpStatus: 403 });
    expect(link.state()).to.equal('unauthorized');
    link.stop();
  });

  it('factoryLinkState names nested and flat states', () => {
    expect(factoryLinkState({ link: 'connecting' })).to.equal('connecting');
    expect(factoryLinkState({ link: { connected: 'beating' } })).to.equal('connected');
    expect(factoryLinkState('backoff')).to.equal('backoff');
  });
});
