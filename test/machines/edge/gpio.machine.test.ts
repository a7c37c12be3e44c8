import { expect } from 'chai';
import { CABINET_STOP_REASON, ledShouldBeOn, upsOnBattery } from '../../../machines/edge/gpio.machine.js';
import { startGpioRig } from '../../support/gpio-fixtures.js';

describe('gpio machine', () => {
  it('drives every LED to what the line shows as soon as it starts', () => {
    const rig = startGpioRig({ lineState: 'running' });
    try {
      expect(rig.board.leds()).to.deep.equal({ running: true, alarm: false, onBattery: false, beacon: false });
    } finally {
      rig.stop();
    }
  });

  it('starts from what it is given after a restart: an unacknowledged alarm, the UPS on battery, LEDs a feature switched on', () => {
    const alarm = { code: 'REJECT_FEEDBACK', message: 'unit 42 never left the line', at: '2025-01-01T00:00:00.000Z' };
    const rig = startGpioRig({ lineState: 'paused', alarm, onBattery: true, requested: { beacon: true } });
    try {
      expect(rig.board.leds()).to.deep.equal({ running: false, alarm: true, onBattery: true, beacon: true });
      rig.click('ack');
      expect(rig.emitted.filter((e) => e.type === 'line.alarmAcknowledged')).to.deep.equal([{ type: 'line.alarmAcknowledged', ...alarm, by: 'ack' }]);
      expect(rig.board.ledOn('alarm')).to.equal(false);
    } finally {
      rig.stop();
    }
  });

  it('switches a manual LED through LED.SET and announces each change once', () => {
    const rig = startGpioRig();
    try {
      rig.gpio.send({ type: 'LED.SET', name: 'beacon', on: true });
      rig.gpio.send({ type: 'LED.SET', name: 'beacon', on: true });
      expect(rig.board.ledOn('beacon')).to.equal(true);
      rig.gpio.send({ type: 'LED.SET', name: 'beacon', on: false });
      expect(rig.board.ledOn('beacon')).to.equal(false);
      expect(rig.emitted.filter((e) => e.type === 'gpio.led')).to.deep.equal([
        { type: 'gpio.led', name: 'beacon', on: true },
        { type: 'gpio.led', name: 'beacon', on: false },
      ]);
    } finally {
      rig.stop();
    }
  });

  it('ignores LED.SET for an LED it does not have', () => {
    const rig = startGpioRig();
    try {
      rig.gpio.send({ type: 'LED.SET', name: 'nope', on: true });
      expect(rig.context().requested).to.deep.equal({});
      expect(rig.emitted).to.deep.equal([]);
    } finally {
      rig.stop();
    }
  });

  it('lets a feature light a state LED too (the UPS lights the alarm LED): lit while either asks', () => {
    const rig = startGpioRig();
    try {
      rig.gpio.send({ type: 'LED.SET', name: 'alarm', on: true });
      rig.gpio.send({ type: 'line.alarm', code: 'A1', message: 'm', at: '2025-01-01T00:00:00.000Z' });
      rig.click('ack');
      expect(rig.board.ledOn('alarm'), 'the feature still asks').to.equal(true);
      rig.gpio.send({ type: 'LED.SET', name: 'alarm', on: false });
      expect(rig.board.ledOn('alarm')).to.equal(false);
    } finally {
      rig.stop();
    }
  });

  it('does not resume a line that is not paused (a drained line is shutting down)', () => {
    const rig = startGpioRig({ lineState: 'drained' });
    try {
      rig.click('start');
      rig.gpio.send({ type: 'line.state', state: 'disabled', reason: 'device disabled by the factory: x' });
      rig.click('start');
      expect(rig.lineEvents).to.deep.equal([]);
      expect(rig.led('running')).to.equal(false);
    } finally {
      rig.stop();
    }
  });

  it('counts a press once per level change, and announces press and release', () => {
    const rig = startGpioRig();
    try {
      rig.board.press('stop');
      rig.board.press('stop');
      rig.board.release('stop');
      rig.click('stop');
      const stop = rig.context().buttons.find((b) => b.name === 'stop');
      expect(stop).to.include({ presses: 2, pressed: false });
      expect(rig.lineEvents).to.deep.equal([
        { type: 'PAUSE', reason: CABINET_STOP_REASON },
        { type: 'PAUSE', reason: CABINET_STOP_REASON },
      ]);
      expect(rig.emitted.filter((e) => e.type === 'gpio.button').map((e) => (e as { pressed: boolean }).pressed)).to.deep.equal([true, false, true, false]);
    } finally {
      rig.stop();
    }
  });

  it('acts on the press, not the release: holding stop pauses at once', () => {
    const rig = startGpioRig();
    try {
      rig.board.press('stop');
      expect(rig.line.state).to.equal('paused');
      expect(rig.led('running')).to.equal(false);
    } finally {
      rig.stop();
    }
  });

  it('reads the UPS policy: onBattery when given, else from the state name', () => {
    expect(upsOnBattery({ state: 'online' })).to.equal(false);
    expect(upsOnBattery({ state: 'holdoff' })).to.equal(false);
    for (const state of ['onBattery', 'on_battery', 'lowBattery', 'fsd', 'shuttingDown']) expect(upsOnBattery({ state }), state).to.equal(true);
    expect(upsOnBattery({ state: 'whatever', onBattery: true })).to.equal(true);
    expect(upsOnBattery({ state: 'onBattery', onBattery: false })).to.equal(false);
  });

  it('derives each kind of LED from its own source only', () => {
    const base = { lineState: 'running', alarm: null, onBattery: false, requested: {} };
    expect(ledShouldBeOn({ name: 'x', shows: 'running' }, base)).to.equal(true);
    expect(ledShouldBeOn({ name: 'x', shows: 'alarm' }, base)).to.equal(false);
    expect(ledShouldBeOn({ name: 'x', shows: 'on_battery' }, { ...base, onBattery: true })).to.equal(true);
    expect(ledShouldBeOn({ name: 'x', shows: 'manual' }, { ...base, onBattery: true })).to.equal(false);
    expect(ledShouldBeOn({ name: 'x', shows: 'manual' }, { ...base, requested: { x: true } })).to.equal(true);
  });
});
