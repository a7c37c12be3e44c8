import { expect } from 'chai';
import { setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { ON_BATTERY_REASON, upsPolicyMachine } from '../../../machines/edge/ups-policy.machine.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { reading, startPolicyRig } from './ups-rig.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';

/**
 * Model-based paths over the power policy, replayed against the real machine between a fake
 * scan line and a fake sync queue. Each state check says what the line, the outbox and the bus
 * must have seen in that state.
 */
type ModelEvent =
  | { type: 'OL' }
  | { type: 'OB' }
  /** On battery, the UPS's own LB flag. */
  | { type: 'OB_LB' }
  /** On battery, charge under the configured threshold without LB. */
  | { type: 'DRAINED' }
  /** FSD with mains present: still a shutdown. */
  | { type: 'FSD' }
  | { type: 'EARLY_CHECK' }
  | { type: 'HOLDOFF_ELAPSES' };

const critical = { OB_LB: 'critical', DRAINED: 'critical', FSD: 'critical' } as const;
// A self-loop needs an action, or xstate/graph never offers the event (and the step goes untested).
const stay = { actions: 'stay' } as const;
const model = setup({ types: { events: {} as ModelEvent }, actions: { stay: () => {} } }).createMachine({
  id: 'upsPolicyModel',
  initial: 'online',
  states: {
    online: { on: { ...critical, OB: 'onBattery', OL: stay } },
    onBattery: { on: { ...critical, OL: 'holdOff', OB: stay } },
    holdOff: { on: { ...critical, OB: 'onBattery', OL: stay, EARLY_CHECK: stay, HOLDOFF_ELAPSES: 'online' } },
    critical: { on: { OL: 'holdOff', OB: stay, OB_LB: stay, DRAINED: stay, FSD: stay } },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const EVENTS: ModelEvent[] = ['OL', 'OB', 'OB_LB', 'DRAINED', 'FSD', 'EARLY_CHECK', 'HOLDOFF_ELAPSES'].map((type) => ({ type }) as ModelEvent);
const testModel = createTestModel(model, { serializeState, events: EVENTS });
const HOLD_OFF = 5000;

describe('UPS policy machine (model-based)', () => {
  const coverage = trackCoverage(upsPolicyMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('covers every state and every transition of the model', () => {
    expect(new Set(paths.map((p) => serializeState(p.state)))).to.have.keys('"online"', '"onBattery"', '"holdOff"', '"critical"');
    const covered = new Set(paths.flatMap((p) => p.steps.map((s, i) => `${serializeState(i === 0 ? { value: 'online' } : p.steps[i - 1]!.state)}|${s.event.type}`)));
    for (const transition of modelTransitions(testModel)) expect(covered, transition).to.include(transition);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const rig = startPolicyRig({ lowBatteryPercent: 20, resumeHoldOffMs: HOLD_OFF });
      coverage.observe(rig.policy);
      let now = 1_000_000;
      /** When the reading that began the hold-off came: later OL readings do not restart it. */
      let holdOffFrom = 0;
      const feed = (status: string, percent: number) => {
        now += 1000;
        rig.send({ type: 'UPS.READING', reading: reading(status, percent, now) });
      };
      const lastLine = () => rig.line.at(-1);
      const lastPolicy = () => rig.emitted.filter((e) => e.type === 'ups.policy').at(-1);
      const shutdowns = () => rig.emitted.filter((e) => e.type === 'ups.shutdownRequested');
      /** Every PAUSE is followed by an outbox flush the queue answered. */
      const flushedOnEveryPause = () => {
        expect(rig.sync.filter((e) => e.type === 'SYNC_NOW')).to.have.length(rig.line.filter((e) => e.type === 'PAUSE').length);
        if (rig.sync.length > 0) expect(rig.snapshot().context.lastFlush).to.deep.equal({ state: 'sending', targetReady: true, reason: null });
      };
      try {
        await path.test({
          states: {
            online: () => {
              expect(rig.snapshot().value).to.equal('online');
              // Never paused, or resumed last.
              if (rig.line.length > 0) expect(lastLine()).to.deep.equal({ type: 'RESUME' });
              if (rig.emitted.length > 0) expect(lastPolicy()).to.deep.include({ state: 'online', onBattery: false });
              expect(rig.liveTimers()).to.deep.equal([]);
              flushedOnEveryPause();
            },
            onBattery: () => {
              expect(rig.snapshot().value).to.equal('onBattery');
              expect(lastLine()).to.deep.equal({ type: 'PAUSE', reason: ON_BATTERY_REASON });
              expect(lastPolicy()).to.deep.include({ state: 'onBattery', onBattery: true });
              expect(lastPolicy()!.type === 'ups.policy' && lastPolicy()!.reason).to.match(/^on battery/);
              expect(rig.liveTimers()).to.deep.equal([]);
              flushedOnEveryPause();
            },
            holdOff: () => {
              const { context } = rig.snapshot();
              expect(rig.snapshot().value).to.equal('holdOff');
              // Still paused: power must hold first.
              expect(lastLine()).to.deep.equal({ type: 'PAUSE', reason: ON_BATTERY_REASON });
              expect(lastPolicy()).to.deep.include({ state: 'holdOff', onBattery: false });
              expect(context.resumeAt).to.equal(holdOffFrom + HOLD_OFF);
              expect(rig.liveTimers()).to.deep.equal([{ at: context.resumeAt, stopped: false }]);
              flushedOnEveryPause();
            },
            critical: () => {
              expect(rig.snapshot().value).to.equal('critical');
              expect(lastLine()).to.deep.include({ type: 'PAUSE' });
              expect(lastPolicy()).to.deep.include({ state: 'critical', onBattery: true });
              // One shutdown request per entry into critical, never more.
              expect(shutdowns()).to.have.length(rig.snapshot().context.shutdownRequests).and.length.above(0);
              expect(shutdowns().at(-1)).to.deep.equal({ type: 'ups.shutdownRequested', reason: rig.snapshot().context.reason });
              expect(rig.liveTimers()).to.deep.equal([]);
              flushedOnEveryPause();
            },
          },
          events: {
            OL: () => {
              const before = rig.snapshot().value;
              feed('OL CHRG', 90);
              if (before !== 'holdOff' && rig.snapshot().value === 'holdOff') holdOffFrom = now;
            },
            OB: () => feed('OB DISCHRG', 80),
            OB_LB: () => feed('OB DISCHRG LB', 40),
            DRAINED: () => feed('OB DISCHRG', 15),
            FSD: () => feed('FSD OL', 50),
            EARLY_CHECK: () => {
              rig.send({ type: 'CHECK', now: (rig.snapshot().context.resumeAt ?? now) - 1 });
            },
            HOLDOFF_ELAPSES: () => {
              rig.send({ type: 'CHECK', now: rig.snapshot().context.resumeAt! });
            },
          },
        });
        expect(rig.errors).to.deep.equal([]);
      } finally {
        rig.stop();
      }
    });
  }

  itCoversTheWholeMachine(coverage);
});
