import { expect } from 'chai';
import { edgeConfigSchema } from '../../../src/edge/config.js';
import { gpioConfigSchema } from '../../../adapters/gpio/gpio-config.js';

describe('edge config: gpio', () => {
  it('is off by default, with the board chosen automatically and nothing wired', () => {
    expect(edgeConfigSchema.parse({}).gpio).to.deep.equal({ enabled: false, board: 'auto', buttons: [], leds: [] });
  });

  it('fills in a button and an LED', () => {
    const gpio = gpioConfigSchema.parse({ enabled: true, buttons: [{ name: 'stop', pin: 6 }], leds: [{ name: 'run', pin: 17 }] });
    expect(gpio.buttons[0]).to.deep.equal({ name: 'stop', pin: 6, activeLow: false, debounceMs: 20, action: 'none' });
    expect(gpio.leds[0]).to.deep.equal({ name: 'run', pin: 17, activeLow: false, shows: 'manual' });
  });

  const issues = (value: unknown) => {
    const result = gpioConfigSchema.safeParse(value);
    expect(result.success).to.equal(false);
    return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('refuses duplicate names and a pin used twice, naming where', () => {
    expect(issues({ buttons: [{ name: 'a', pin: 1 }, { name: 'a', pin: 2 }] })).to.deep.equal(['buttons.1.name: buttons names must be unique ("a" twice)']);
    expect(issues({ buttons: [{ name: 'a', pin: 1 }], leds: [{ name: 'b', pin: 1 }] })).to.deep.equal(['leds.0.pin: pin 1 is already used by buttons.a']);
  });

  it('refuses unknown actions, LED kinds, boards, keys and bad pins', () => {
    expect(issues({ buttons: [{ name: 'a', pin: 1, action: 'explode' }] })[0]).to.match(/^buttons\.0\.action/);
    expect(issues({ leds: [{ name: 'a', pin: 1, shows: 'rainbow' }] })[0]).to.match(/^leds\.0\.shows/);
    expect(issues({ board: 'pigpio' })[0]).to.match(/^board/);
    expect(issues({ leds: [{ name: 'a', pin: 1, colour: 'red' }] })[0]).to.match(/colour/);
    expect(issues({ buttons: [{ name: 'a', pin: -1 }] })[0]).to.match(/^buttons\.0\.pin/);
    expect(issues({ buttons: [{ name: 'a b', pin: 1 }] })[0]).to.match(/^buttons\.0\.name/);
  });
});
