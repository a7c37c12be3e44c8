import { expect } from 'chai';
import { createActor, fromCallback, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import {
  type DeadlineCheck,
  type DeadlineInput,
  type DeviceSessionEmitted,
  type DeviceSessionInput,
  type DeviceStatus,
  deviceSessionMachine,
  statusAt,
} from '../../../machines/factory/device-session.machine.js';
import type { ReportedStatus } from '../../../src/domain/device-channel.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';

const STALE_MS = 15_000;
const OFFLINE_MS = 60_000;
const NOW = 1_700_000_000_000;

/** A session with a fake `deadline`: each armed timer is recorded and fired by hand. */
/** Every session this file starts counts towards the machine's coverage (checked by the model-based block). */
const coverage = trackCoverage(deviceSessionMachine);

function startSession(lastSeenAt: number | null, extra: Partial<DeviceSessionInput> = {}) {
  const timers: Array<{ at: number; stopped: boolean; fire(now: number): void }> = [];
  const deadline = fromCallback<DeadlineCheck, DeadlineInput>(({ input, sendBack }) => {
    const timer = { at: input.at, stopped: false, fire: (now: number) => sendBack({ type: 'CHECK', now }) };
    timers.push(timer);
    return () => {
      timer.stopped = true;
    };
  });
  const actor = createActor(deviceSessionMachine.provide({ actors: { deadline } }), {
    input: { deviceId: 'edge-1', lastSeenAt, staleAfterMs: STALE_MS, offlineAfterMs: OFFLINE_MS, now: () => NOW, ...extra },
    inspect: coverage.inspect,
  });
  const emitted: DeviceSessionEmitted[] = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  const live = () => timers.filter((t) => !t.stopped);
  /** The one live timer, fired with `now`. */
  const fire = (now: number) => {
    expect(live()).to.have.length(1);
    live()[0]!.fire(now);
  };
  return { actor, timers, live, fire, emitted, errors, context: () => actor.getSnapshot().context };
}
type Session = ReturnType<typeof startSession>;

/**
 * Model: `start` stands for "the server starts with what the database holds"; each RESTORED_*
 * event creates the session from a last-seen time that derives one status. DEADLINE fires the
 * armed timer exactly on time, EARLY_CHECK before its deadline (clock adjusted), LATE_CHECK after
 * both deadlines (process paused).
 */
type ModelEvent =
  | { type: 'RESTORED_ONLINE' }
  | { type: 'RESTORED_STALE' }
  | { type: 'RESTORED_OFFLINE' }
  | { type: 'NEVER_SEEN' }
  | { type: 'HEARTBEAT' }
  | { type: 'REPORT' }
  | { type: 'OPENED' }
  | { type: 'CLOSED' }
  | { type: 'DEADLINE' }
  | { type: 'EARLY_CHECK' }
  | { type: 'LATE_CHECK' };

const seen = { HEARTBEAT: 'online', REPORT: 'online', OPENED: 'online' } as const;
const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'deviceSessionModel',
  initial: 'start',
  states: {
    start: { on: { RESTORED_ONLINE: 'online', RESTORED_STALE: 'stale', RESTORED_OFFLINE: 'offline', NEVER_SEEN: 'offline' } },
    online: { on: { ...seen, CLOSED: 'online', EARLY_CHECK: 'online', DEADLINE: 'stale', LATE_CHECK: 'offline' } },
    stale: { on: { ...seen, CLOSED: 'stale', EARLY_CHECK: 'stale', DEADLINE: 'offline', LATE_CHECK: 'offline' } },
    offline: { on: { ...seen, CLOSED: 'offline' } },
  },
});
const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const testModel = createTestModel(model, {
  serializeState,
  events: (
    ['RESTORED_ONLINE', 'RESTORED_STALE', 'RESTORED_OFFLINE', 'NEVER_SEEN', 'HEARTBEAT', 'REPORT', 'OPENED', 'CLOSED', 'DEADLINE', 'EARLY_CHECK', 'LATE_CHECK'] as const
  ).map((type) => ({ type })),
});

describe('device session machine (model-based)', () => {
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"offline"', '"online"', '"stale"', '"start"']);
    const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? '"start"' : serializeState(p.steps[i - 1]!.state)}|${step.event.type}`)));
    const all = modelTransitions(testModel);
    expect(all.filter((edge) => !covered.has(edge))).to.deep.equal([]);
    expect(all.length).to.equal(22);
  });

  for (const path of paths) {
    it(path.description, async () => {
      let s: Session | undefined;
      const session = () => s!;
      // What the session must hold and have emitted so far; `t` is the wall clock of the story.
      let t = NOW;
      let lastSeenAt: number | null = null;
      let channels = 0;
      let reported: ReportedStatus | null = null;
      let status: DeviceStatus = 'offline';
      let reports = 0;
      const expected: DeviceSessionEmitted[] = [];
      const restore = (seenAt: number | null) => {
        lastSeenAt = seenAt;
        status = statusAt(seenAt, NOW, { staleAfterMs: STALE_MS, offlineAfterMs: OFFLINE_MS });
        s = startSession(seenAt);
      };
      const becomes = (next: DeviceStatus, at: number) => {
        if (next !== status) expected.push({ type: 'device.statusChanged', deviceId: 'edge-1', status: next, previous: status, at });
        status = next;
      };
      /** The device is seen at the next tick; `then` adds what the event emits after the status change. */
      const see = (send: (at: number) => void, then?: (at: number) => void) => {
        t += 1000;
        send(t);
        becomes('online', t);
        lastSeenAt = t;
        then?.(t);
      };
      const check = (state: DeviceStatus) => {
        const { actor, live, emitted, errors, context } = session();
        expect(errors).to.deep.equal([]);
        expect(actor.getSnapshot().value).to.equal(state);
        expect(context()).to.deep.include({ status: state, lastSeenAt, channels, reported });
        expect(context().staleAt).to.equal(lastSeenAt === null ? null : lastSeenAt + STALE_MS);
        expect(context().offlineAt).to.equal(lastSeenAt === null ? null : lastSeenAt + OFFLINE_MS);
        expect(emitted).to.deep.equal(expected);
        // Exactly one timer runs, for the next deadline; none once offline.
        const armedFor = { online: [context().staleAt], stale: [context().offlineAt], offline: [] }[state];
        expect(live().map((timer) => timer.at)).to.deep.equal(armedFor);
        // A server restarted now, from what it persisted, derives the same state and deadline.
        const restarted = startSession(lastSeenAt, { now: () => t });
        try {
          expect(restarted.actor.getSnapshot().value).to.equal(state);
          expect(restarted.live().map((timer) => timer.at)).to.deep.equal(armedFor);
          expect(restarted.emitted).to.deep.equal([]);
        } finally {
          restarted.actor.stop();
        }
      };

      try {
        await path.test({
          states: {
            start: () => {
              expect(s).to.equal(undefined);
            },
            online: () => check('online'),
            stale: () => check('stale'),
            offline: () => check('offline'),
          },
          events: {
            RESTORED_ONLINE: () => restore(NOW - 10_000),
            RESTORED_STALE: () => restore(NOW - 20_000),
            RESTORED_OFFLINE: () => restore(NOW - 120_000),
            NEVER_SEEN: () => restore(null),
            HEARTBEAT: () => see((at) => session().actor.send({ type: 'HEARTBEAT', at })),
            REPORT: () => {
              const report: ReportedStatus = { softwareVersion: '1.2.0', line: { state: 'running', accepted: ++reports } };
              see(
                (at) => session().actor.send({ type: 'HEARTBEAT', at, status: report }),
                // Reported after the status change it caused, and as of the new status.
                (at) => expected.push({ type: 'device.reported', deviceId: 'edge-1', status: 'online', reported: report, at }),
              );
              reported = report;
            },
            OPENED: () =>
              see((at) => {
                channels++;
                session().actor.send({ type: 'CHANNEL_OPENED', at });
              }),
            CLOSED: () => {
              t += 1000;
              channels = Math.max(0, channels - 1);
              const armed = session().live();
              session().actor.send({ type: 'CHANNEL_CLOSED', at: t });
              // Closing changes no deadline: the same timer keeps running.
              expect(session().live()).to.deep.equal(armed);
            },
            DEADLINE: () => {
              const at = session().live()[0]!.at;
              t = Math.max(t, at);
              session().fire(t);
              becomes(status === 'online' ? 'stale' : 'offline', at);
            },
            EARLY_CHECK: () => {
              const timer = session().live()[0]!;
              session().fire(timer.at - 1);
              // Re-armed for the same deadline instead of left without a timer.
              expect(timer.stopped).to.equal(true);
            },
            LATE_CHECK: () => {
              t = lastSeenAt! + OFFLINE_MS + 5_000;
              session().fire(t);
              becomes('offline', lastSeenAt! + OFFLINE_MS);
            },
          },
        });
      } finally {
        s?.actor.stop();
      }
    });
  }
  itCoversTheWholeMachine(coverage);
});

describe('device session machine', () => {
  let s: Session;
  afterEach(() => {
    expect(s.errors).to.deep.equal([]);
    s.actor.stop();
  });

  describe('after a server restart (state derived from the persisted last-seen time)', () => {
    it('seen 10 s ago with staleAfter 15 s: online, stale at +5 s', () => {
      s = startSession(NOW - 10_000);
      expect(s.actor.getSnapshot().value).to.equal('online');
      expect(s.context()).to.deep.include({ staleAt: NOW + 5_000, offlineAt: NOW + 50_000 });
      expect(s.live().map((timer) => timer.at)).to.deep.equal([NOW + 5_000]);
    });

    it('turns stale exactly at staleAfter and offline exactly at offlineAfter', () => {
      const limits = { staleAfterMs: STALE_MS, offlineAfterMs: OFFLINE_MS };
      expect(statusAt(NOW - STALE_MS + 1, NOW, limits)).to.equal('online');
      expect(statusAt(NOW - STALE_MS, NOW, limits)).to.equal('stale');
      expect(statusAt(NOW - OFFLINE_MS + 1, NOW, limits)).to.equal('stale');
      expect(statusAt(NOW - OFFLINE_MS, NOW, limits)).to.equal('offline');
      expect(statusAt(null, NOW, limits)).to.equal('offline');
      s = startSession(NOW - STALE_MS);
      expect(s.actor.getSnapshot().value).to.equal('stale');
      expect(s.live().map((timer) => timer.at)).to.deep.equal([NOW - STALE_MS + OFFLINE_MS]);
    });

    it('emits nothing on start: the derived state is not a change', () => {
      s = startSession(NOW - 20_000);
      expect(s.emitted).to.deep.equal([]);
    });

    it('keeps the reported status it was restored with until the device reports again', () => {
      const reported: ReportedStatus = { softwareVersion: '1.0.0', mode: 'VIA_LOCAL_SERVER' };
      s = startSession(NOW - 120_000, { reported });
      s.actor.send({ type: 'HEARTBEAT', at: NOW });
      expect(s.context().reported).to.deep.equal(reported);
      expect(s.emitted.map((e) => e.type)).to.deep.equal(['device.statusChanged']);
    });
  });

  it('a heartbeat delivered late never moves the deadlines back', () => {
    s = startSession(NOW - 1_000);
    s.actor.send({ type: 'HEARTBEAT', at: NOW });
    s.actor.send({ type: 'HEARTBEAT', at: NOW - 5_000 });
    expect(s.context()).to.deep.include({ lastSeenAt: NOW, staleAt: NOW + STALE_MS });
    expect(s.live().map((timer) => timer.at)).to.deep.equal([NOW + STALE_MS]);
  });

  it('stays connected while a second channel is open (reconnect before the old close is noticed)', () => {
    s = startSession(null);
    s.actor.send({ type: 'CHANNEL_OPENED', at: NOW });
    s.actor.send({ type: 'CHANNEL_OPENED', at: NOW + 1 });
    s.actor.send({ type: 'CHANNEL_CLOSED', at: NOW + 2 });
    expect(s.context().channels).to.equal(1);
    s.actor.send({ type: 'CHANNEL_CLOSED', at: NOW + 3 });
    s.actor.send({ type: 'CHANNEL_CLOSED', at: NOW + 4 });
    expect(s.context().channels).to.equal(0);
  });

  it('a closed channel leaves the status to the deadlines', () => {
    s = startSession(null);
    s.actor.send({ type: 'CHANNEL_OPENED', at: NOW });
    s.actor.send({ type: 'CHANNEL_CLOSED', at: NOW + 10 });
    expect(s.actor.getSnapshot().value).to.equal('online');
    s.fire(NOW + STALE_MS);
    s.fire(NOW + OFFLINE_MS);
    expect(s.emitted.map((e) => e.type === 'device.statusChanged' && [e.previous, e.status, e.at])).to.deep.equal([
      ['offline', 'online', NOW],
      ['online', 'stale', NOW + STALE_MS],
      ['stale', 'offline', NOW + OFFLINE_MS],
    ]);
  });

  it('fails loudly when no deadline timer is provided', () => {
    const actor = createActor(deviceSessionMachine, {
      input: { deviceId: 'x', lastSeenAt: NOW, staleAfterMs: STALE_MS, offlineAfterMs: OFFLINE_MS, now: () => NOW },
    });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    expect(String(errors[0])).to.match(/deadline timer not provided/);
    s = startSession(null); // for afterEach
  });
});
