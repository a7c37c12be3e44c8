import { expect } from 'chai';
import { Gpio } from 'onoff';
import { chooseBoard } from '../../../adapters/gpio/choose-board.js';
import { createOnoffBoard, type OnoffGpioClass, type OnoffPin } from '../../../adapters/gpio/onoff-board.js';
import { CABINET_BUTTONS, CABINET_LEDS } from '../../support/gpio-fixtures.js';

type Watcher = (error: Error | null | undefined, value: 0 | 1) => void;

interface FakePin extends OnoffPin {
  gpio: number;
  direction: string;
  edge: string | undefined;
  options: { debounceTimeout?: number; activeLow?: boolean } | undefined;
  value: 0 | 1;
  writes: Array<0 | 1>;
  watchers: Watcher[];
  unexported: boolean;
}

/** A stand-in for onoff's Gpio: records how each pin was set up and lets the test move inputs. */
function fakeGpio(options: { accessible?: boolean; failOnPin?: number; initial?: Record<number, 0 | 1> } = {}) {
  const pins: FakePin[] = [];
  class FakeGpio implements OnoffPin {
    static accessible = options.accessible ?? true;
    readonly pin: FakePin;
    constructor(gpio: number, direction: string, edge?: string, opts?: { debounceTimeout?: number; activeLow?: boolean }) {
      if (gpio === options.failOnPin) throw new Error(`EBUSY: gpio${gpio} is in use`);
      this.pin = { gpio, direction, edge, options: opts, value: options.initial?.[gpio] ?? 0, writes: [], watchers: [], unexported: false } as unknown as FakePin;
      pins.push(this.pin);
    }
    readSync = () => this.pin.value;
    writeSync = (value: 0 | 1) => {
      this.pin.writes.push(value);
      this.pin.value = value;
    };
    watch = (callback: Watcher) => {
      this.pin.watchers.push(callback);
    };
    unexport = () => {
      this.pin.unexported = true;
    };
  }
  const pin = (gpio: number) => {
    const found = pins.find((p) => p.gpio === gpio);
    if (!found) throw new Error(`pin ${gpio} not set up`);
    return found;
  };
  /** What the kernel would report after debouncing: the logical level of an input. */
  const level = (gpio: number, value: 0 | 1) => pin(gpio).watchers.forEach((w) => w(null, value));
  return { Gpio: FakeGpio as unknown as OnoffGpioClass, pins, pin, level };
}

const layout = { buttons: CABINET_BUTTONS, leds: CABINET_LEDS };

describe('onoff GPIO board', () => {
  it('onoff reports no accessible GPIO here (no writable /sys/class/gpio)', function () {
    if (Gpio.accessible) this.skip();
    expect(Gpio.accessible).to.equal(false);
  });

  it("'auto' picks the simulated board when onoff is not accessible, and never constructs a pin", async () => {
    const real = await chooseBoard('auto', layout);
    if (!Gpio.accessible) expect(real.kind).to.equal('simulated');
    await real.close();
    const fake = fakeGpio({ accessible: false });
    const board = await chooseBoard('auto', layout, { loadGpio: async () => fake.Gpio });
    expect(board.kind).to.equal('simulated');
    expect(fake.pins).to.deep.equal([]);
  });

  it("'auto' uses onoff when accessible; 'simulated' never loads onoff", async () => {
    const fake = fakeGpio({ accessible: true });
    const board = await chooseBoard('auto', layout, { loadGpio: async () => fake.Gpio });
    expect(board.kind).to.equal('onoff');
    expect(fake.pins).to.have.length(layout.buttons.length + layout.leds.length);
    await board.close();
    const simulated = await chooseBoard('simulated', layout, {
      loadGpio: async () => {
        throw new Error('must not load');
      },
    });
    expect(simulated.kind).to.equal('simulated');
  });

  it("'onoff' insists on real pins: not accessible or not loadable fails with the reason", async () => {
    const fake = fakeGpio({ accessible: false });
    let error: Error | null = null;
    await chooseBoard('onoff', layout, { loadGpio: async () => fake.Gpio }).catch((e: Error) => (error = e));
    expect(error!.message).to.match(/not accessible/);
    error = null;
    await chooseBoard('onoff', layout, {
      loadGpio: async () => {
        throw new Error('epoll not built');
      },
    }).catch((e: Error) => (error = e));
    expect(error!.message).to.match(/cannot be loaded: epoll not built/);
    // 'auto' falls back to the simulated board instead.
    const board = await chooseBoard('auto', layout, {
      loadGpio: async () => {
        throw new Error('epoll not built');
      },
    });
    expect(board.kind).to.equal('simulated');
  });

  it('sets buttons up as inputs on both edges with their debounce and activeLow', () => {
    const fake = fakeGpio();
    createOnoffBoard(layout, fake.Gpio);
    for (const button of layout.buttons) {
      const pin = fake.pin(button.pin);
      expect(pin.direction, button.name).to.equal('in');
      expect(pin.edge, button.name).to.equal('both');
      expect(pin.options, button.name).to.deep.equal({ debounceTimeout: button.debounceMs, activeLow: button.activeLow });
      expect(pin.watchers, button.name).to.have.length(1);
    }
  });

  it('sets LEDs up as outputs starting at the off level (raw high for active-low), then writes logical off', () => {
    const fake = fakeGpio();
    createOnoffBoard(layout, fake.Gpio);
    for (const led of layout.leds) {
      const pin = fake.pin(led.pin);
      expect(pin.direction, led.name).to.equal(led.activeLow ? 'high' : 'low');
      expect(pin.options, led.name).to.deep.equal({ activeLow: led.activeLow });
      expect(pin.writes, led.name).to.deep.equal([0]);
    }
  });

  it('turns input levels into presses and releases, once per change', () => {
    const fake = fakeGpio();
    const board = createOnoffBoard(layout, fake.Gpio);
    const seen: Array<[string, boolean]> = [];
    board.onButton((name, pressed) => seen.push([name, pressed]));
    fake.level(6, 1);
    fake.level(6, 1);
    expect(board.buttonPressed('stop')).to.equal(true);
    fake.level(6, 0);
    board.inject('ack', true);
    board.inject('ack', false);
    expect(seen).to.deep.equal([
      ['stop', true],
      ['stop', false],
      ['ack', true],
      ['ack', false],
    ]);
  });

  it('reads the initial level of each button and reports watcher errors without a press', () => {
    const fake = fakeGpio({ initial: { 13: 1 } });
    const errors: unknown[] = [];
    const board = createOnoffBoard(layout, fake.Gpio, { onError: (error) => errors.push(error) });
    expect(board.buttonPressed('ack'), 'held down at start').to.equal(true);
    expect(board.buttonPressed('stop')).to.equal(false);
    const seen: boolean[] = [];
    board.onButton((_n, pressed) => seen.push(pressed));
    fake.pin(5).watchers[0]!(new Error('EPOLL'), 1);
    expect(errors).to.have.length(1);
    expect(seen).to.deep.equal([]);
  });

  it('writes LEDs logically (1 = lit) and ignores unknown names', () => {
    const fake = fakeGpio();
    const board = createOnoffBoard(layout, fake.Gpio);
    board.setLed('onBattery', true);
    board.setLed('nope', true);
    expect(fake.pin(22).writes).to.deep.equal([0, 1]);
    expect(board.ledOn('onBattery')).to.equal(true);
  });

  it('on close turns LEDs off and unexports every pin, once', async () => {
    const fake = fakeGpio();
    const board = createOnoffBoard(layout, fake.Gpio);
    board.setLed('running', true);
    await board.close();
    await board.close();
    expect(fake.pin(17).writes).to.deep.equal([0, 1, 0]);
    expect(fake.pins.every((p) => p.unexported)).to.equal(true);
    board.setLed('running', true);
    expect(fake.pin(17).writes).to.deep.equal([0, 1, 0]);
  });

  it('unexports the pins already set up when a later pin fails', () => {
    const fake = fakeGpio({ failOnPin: 22 });
    expect(() => createOnoffBoard(layout, fake.Gpio)).to.throw(/EBUSY/);
    expect(fake.pins.length).to.be.greaterThan(0);
    expect(fake.pins.every((p) => p.unexported)).to.equal(true);
  });
});
