import { expect } from 'chai';
import { createSimulatedBoard } from '../../../adapters/gpio/simulated-board.js';
import { CABINET_BUTTONS, CABINET_LEDS } from '../../support/gpio-fixtures.js';

describe('simulated GPIO board', () => {
  const layout = { buttons: CABINET_BUTTONS, leds: CABINET_LEDS };

  it('reports one change per level change to every listener', () => {
    const board = createSimulatedBoard(layout);
    const a: Array<[string, boolean]> = [];
    const b: Array<[string, boolean]> = [];
    board.onButton((name, pressed) => a.push([name, pressed]));
    const offB = board.onButton((name, pressed) => b.push([name, pressed]));
    board.press('stop');
    board.press('stop');
    expect(board.buttonPressed('stop')).to.equal(true);
    offB();
    board.release('stop');
    board.release('stop');
    expect(a).to.deep.equal([
      ['stop', true],
      ['stop', false],
    ]);
    expect(b).to.deep.equal([['stop', true]]);
    expect(board.buttonPressed('stop')).to.equal(false);
  });

  it('injects through the same path as a press', () => {
    const board = createSimulatedBoard(layout);
    const seen: boolean[] = [];
    board.onButton((_name, pressed) => seen.push(pressed));
    board.inject('ack', true);
    board.inject('ack', false);
    expect(seen).to.deep.equal([true, false]);
  });

  it('a listener that throws does not keep the others from hearing the press', () => {
    const board = createSimulatedBoard(layout);
    const seen: string[] = [];
    board.onButton(() => {
      throw new Error('boom');
    });
    board.onButton((name) => seen.push(name));
    board.press('start');
    expect(seen).to.deep.equal(['start']);
  });

  it('holds LED states, ignores unknown LEDs, and reads them back', () => {
    const board = createSimulatedBoard(layout);
    expect(board.leds()).to.deep.equal({ running: false, alarm: false, onBattery: false, beacon: false });
    board.setLed('alarm', true);
    board.setLed('nope', true);
    expect(board.ledOn('alarm')).to.equal(true);
    expect(board.ledOn('nope')).to.equal(false);
    expect(board.leds()).to.deep.equal({ running: false, alarm: true, onBattery: false, beacon: false });
  });

  it('refuses a button it does not have', () => {
    const board = createSimulatedBoard(layout);
    expect(() => board.press('nope')).to.throw(/no button named "nope"/);
  });

  it('on close turns every LED off, stops reporting and refuses presses', async () => {
    const board = createSimulatedBoard(layout);
    const seen: boolean[] = [];
    board.onButton((_name, pressed) => seen.push(pressed));
    board.setLed('running', true);
    await board.close();
    await board.close();
    expect(board.closed).to.equal(true);
    expect(board.leds()).to.deep.equal({ running: false, alarm: false, onBattery: false, beacon: false });
    board.setLed('running', true);
    expect(board.ledOn('running')).to.equal(false);
    expect(() => board.press('start')).to.throw(/closed/);
    expect(seen).to.deep.equal([]);
  });
});
