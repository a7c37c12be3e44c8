import { expect } from 'chai';
import { setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { CABINET_STOP_REASON, gpioMachine } from '../../../machines/edge/gpio.machine.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { type GpioRig, startGpioRig } from '../../support/gpio-fixtures.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';

/**
 * Model-based paths over what the cabinet shows and does: the line (running / stopped at the
 * cabinet), an alarm (clear / raised until acknowledged) and the power (mains / battery), each
 * driven by the buttons or by the line's announcements. Replayed against the real machine on a
 * simulated board, with a stand-in scan line that follows PAUSE/RESUME.
 */
type ModelEvent =
  | { type: 'STOP_BUTTON' }
  | { type: 'START_BUTTON' }
  | { type: 'ACK_BUTTON' }
  | { type: 'SPARE_BUTTON' }
  | { type: 'ALARM' }
  | { type: 'UPS_BATTERY' }
  | { type: 'UPS_ONLINE' }
  | { type: 'BEACON' };

// A self-loop needs an action, or xstate/graph never offers the event (and the step goes untested).
const stay = { actions: 'stay' } as const;
const model = setup({ types: { events: {} as ModelEvent }, actions: { stay: () => {} } }).createMachine({
  id: 'cabinet',
  type: 'parallel',
  // A feature or the API switches the manual LED (on/off in turn): nothing else changes.
  on: { BEACON: stay },
  states: {
    line: {
      initial: 'running',
      states: {
        running: { on: { STOP_BUTTON: 'paused', START_BUTTON: stay, SPARE_BUTTON: stay } },
        paused: { on: { START_BUTTON: 'running', STOP_BUTTON: stay } },
      },
    },
    alarm: {
      initial: 'clear',
      states: {
        clear: { on: { ALARM: 'raised', ACK_BUTTON: stay } },
        raised: { on: { ACK_BUTTON: 'clear', ALARM: stay } },
      },
    },
    power: {
      initial: 'mains',
      states: {
        mains: { on: { UPS_BATTERY: 'battery', UPS_ONLINE: stay } },
        battery: { on: { UPS_ONLINE: 'mains' } },
      },
    },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const EVENTS: ModelEvent[] = [
  { type: 'STOP_BUTTON' },
  { type: 'START_BUTTON' },
  { type: 'ACK_BUTTON' },
  { type: 'SPARE_BUTTON' },
  { type: 'ALARM' },
  { type: 'UPS_BATTERY' },
  { type: 'UPS_ONLINE' },
  { type: 'BEACON' },
];
const testModel = createTestModel(model, { serializeState, events: EVENTS });

describe('gpio machine (model-based)', () => {
  const coverage = trackCoverage(gpioMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('has paths reaching all 8 cabinet states and covering every transition', () => {
    expect(new Set(paths.map((p) => serializeState(p.state))).size).to.equal(8);
    // A step records the state it led to; the transition is (the state before it, its event).
    const walked = new Set(paths.flatMap((p) => p.steps.slice(1).map((s, i) => `${serializeState(p.steps[i]!.state)}|${(s.event as { type: string }).type}`)));
    for (const transition of modelTransitions(testModel)) expect(walked, transition).to.include(transition);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const rig: GpioRig = startGpioRig();
      coverage.observe(rig.gpio);
      let alarms = 0;
      let beacon = false;
      try {
        await path.test({
          states: {
            'line.running': () => {
              expect(rig.line.state).to.equal('running');
              expect(rig.led('running')).to.equal(true);
              expect(rig.board.ledOn('running')).to.equal(true);
            },
            'line.paused': () => {
              expect(rig.line).to.deep.equal({ state: 'paused', reason: CABINET_STOP_REASON });
              expect(rig.led('running')).to.equal(false);
              expect(rig.board.ledOn('running')).to.equal(false);
            },
            'alarm.clear': () => {
              expect(rig.context().alarm).to.equal(null);
              expect(rig.board.ledOn('alarm')).to.equal(false);
            },
            'alarm.raised': () => {
              expect(rig.context().alarm).to.include({ code: `A${alarms}` });
              expect(rig.board.ledOn('alarm')).to.equal(true);
            },
            'power.mains': () => {
              expect(rig.board.ledOn('onBattery')).to.equal(false);
            },
            'power.battery': () => {
              expect(rig.board.ledOn('onBattery')).to.equal(true);
            },
          },
          events: {
            STOP_BUTTON: () => {
              const before = rig.lineEvents.length;
              rig.click('stop');
              // A stop is always passed on: the line decides what a PAUSE means in its state.
              expect(rig.lineEvents.slice(before)).to.deep.equal([{ type: 'PAUSE', reason: CABINET_STOP_REASON }]);
            },
            START_BUTTON: () => {
              const paused = rig.line.state === 'paused';
              const before = rig.lineEvents.length;
              rig.click('start');
              expect(rig.lineEvents.slice(before)).to.deep.equal(paused ? [{ type: 'RESUME' }] : []);
            },
            ACK_BUTTON: () => {
              const alarm = rig.context().alarm;
              const before = rig.emitted.length;
              rig.click('ack');
              const acks = rig.emitted.slice(before).filter((e) => e.type === 'line.alarmAcknowledged');
              expect(acks).to.deep.equal(alarm ? [{ type: 'line.alarmAcknowledged', ...alarm, by: 'ack' }] : []);
            },
            SPARE_BUTTON: () => {
              const before = { line: rig.lineEvents.length, emitted: rig.emitted.length };
              rig.click('spare');
              expect(rig.lineEvents).to.have.length(before.line);
              expect(rig.emitted.slice(before.emitted)).to.deep.equal([
                { type: 'gpio.button', name: 'spare', pressed: true },
                { type: 'gpio.button', name: 'spare', pressed: false },
              ]);
            },
            ALARM: () => {
              alarms++;
              rig.gpio.send({ type: 'line.alarm', code: `A${alarms}`, message: 'feedback missing', at: '2025-01-01T00:00:00.000Z' });
            },
            UPS_BATTERY: () => rig.gpio.send({ type: 'ups.policy', state: 'onBattery' }),
            UPS_ONLINE: () => rig.gpio.send({ type: 'ups.policy', state: 'online' }),
            BEACON: () => {
              beacon = !beacon;
              const leds = rig.context().leds.map((l) => [l.name, l.on]);
              rig.gpio.send({ type: 'LED.SET', name: 'beacon', on: beacon });
              // An LED the cabinet does not have: ignored.
              rig.gpio.send({ type: 'LED.SET', name: 'no-such-led', on: true });
              expect(rig.board.ledOn('beacon')).to.equal(beacon);
              expect(rig.context().leds.map((l) => [l.name, l.on])).to.deep.equal(leds.map(([name, on]) => [name, name === 'beacon' ? beacon : on]));
              expect(rig.context().requested).to.not.have.property('no-such-led');
            },
          },
        });
        // Board and machine agree on every LED, and every LED change was announced.
        for (const led of rig.context().leds) {
          expect(rig.board.ledOn(led.name), led.name).to.equal(led.on);
          const last = rig.emitted.filter((e) => e.type === 'gpio.led' && e.name === led.name).at(-1);
          if (last) expect(last).to.deep.include({ on: led.on });
        }
        expect(rig.board.ledOn('beacon')).to.equal(beacon);
        expect(rig.errors).to.deep.equal([]);
      } finally {
        rig.stop();
      }
    });
  }

  itCoversTheWholeMachine(coverage);
});
