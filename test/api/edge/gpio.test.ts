import { expect } from 'chai';
import { Gpio } from 'onoff';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { CABINET_GPIO, startGpioEdge } from '../../support/gpio-edge.js';
import { waitFor } from '../../support/wait-for.js';

const GPIO = '/api/v1/gpio';

describe('edge API: /api/v1/gpio', () => {
  let t: Awaited<ReturnType<typeof startGpioEdge>>;
  before(async () => {
    t = await startGpioEdge();
  });
  after(async () => {
    await t?.stop();
  });

  const status = async () => expectData(await t.request('GET', `${GPIO}/status`, { token: t.tokens.operator }));
  const press = (name: string, body: unknown = {}) => t.request('POST', `${GPIO}/buttons/${name}/test`, { token: t.tokens.manager, body });
  const setLed = (name: string, body: unknown) => t.request('POST', `${GPIO}/leds/${name}/set`, { token: t.tokens.manager, body });

  describe('authentication', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: `${GPIO}/status` },
      { method: 'POST', path: `${GPIO}/buttons/spare/test`, role: 'MANAGER', body: {} },
      { method: 'POST', path: `${GPIO}/leds/beacon/set`, role: 'MANAGER', body: { on: false } },
    ]);
  });

  describe('GET /status', () => {
    it('shows the board, every button and LED with its state, and what the LEDs follow', async () => {
      const data = await waitFor(async () => {
        const s = await status();
        return s.line.state === 'running' ? s : null;
      });
      expect(data.board).to.equal('simulated');
      expect(data).to.include({ alarm: null, onBattery: false });
      expect(data.buttons.map((b: { name: string }) => b.name)).to.deep.equal(['start', 'stop', 'ack', 'spare']);
      expect(data.buttons[1]).to.deep.include({ name: 'stop', pin: 6, activeLow: true, debounceMs: 20, action: 'line_stop', pressed: false });
      expect(data.leds).to.deep.include({ name: 'running', pin: 17, activeLow: false, shows: 'running', on: true });
      expect(data.leds).to.deep.include({ name: 'alarm', pin: 27, activeLow: false, shows: 'alarm', on: false });
    });
  });

  describe('POST /buttons/{name}/test', () => {
    it('presses and releases through the board: the button counts a press and the bus hears both edges', async () => {
      const heard: boolean[] = [];
      const off = (t.edge.system.services.gpio as { onButton(name: string, l: (p: boolean) => void): () => void }).onButton('spare', (p) => heard.push(p));
      const before = (await status()).buttons.find((b: { name: string }) => b.name === 'spare').presses;
      const data = expectData(await press('spare'));
      off();
      expect(data).to.deep.equal({ name: 'spare', action: 'none', pressed: false, presses: before + 1 });
      expect(heard).to.deep.equal([true, false]);
    });

    it('accepts no body at all', async () => {
      expectData(await t.request('POST', `${GPIO}/buttons/spare/test`, { token: t.tokens.manager }));
    });

    it('400 for a body with fields', async () => {
      expectValidationError(await press('spare', { pressed: true }), 'pressed');
    });

    it('404 for a button that is not configured', async () => {
      const error = expectError(await press('nope'), 404, 'NOT_FOUND');
      expect(error.message).to.match(/nope/);
    });

    it('409 while the button is held down at the cabinet', async () => {
      t.board.press('spare');
      try {
        expectError(await press('spare'), 409, 'CONFLICT');
      } finally {
        t.board.release('spare');
      }
    });
  });

  describe('POST /leds/{name}/set', () => {
    it('switches a manual LED on the board', async () => {
      expect(expectData(await setLed('beacon', { on: true }))).to.deep.equal({ name: 'beacon', on: true });
      expect(t.board.ledOn('beacon')).to.equal(true);
      expect((await status()).leds.find((l: { name: string }) => l.name === 'beacon').on).to.equal(true);
      expect(expectData(await setLed('beacon', { on: false }))).to.deep.equal({ name: 'beacon', on: false });
      expect(t.board.ledOn('beacon')).to.equal(false);
    });

    it('400 without on, with a non-boolean on, or with other fields', async () => {
      expectValidationError(await setLed('beacon', {}), 'on');
      expectValidationError(await setLed('beacon', { on: 'yes' }), 'on');
      expectValidationError(await setLed('beacon', { on: true, colour: 'red' }), 'colour');
      expect(t.board.ledOn('beacon')).to.equal(false);
    });

    it('404 for an LED that is not configured', async () => {
      expectError(await setLed('nope', { on: true }), 404, 'NOT_FOUND');
    });

    it('409 for an LED that follows the line state, and leaves it alone', async () => {
      const error = expectError(await setLed('alarm', { on: true }), 409, 'CONFLICT');
      expect(error.message).to.match(/follows the line state/);
      expect(error.details).to.deep.equal({ shows: 'alarm' });
      expect(t.board.ledOn('alarm')).to.equal(false);
    });
  });
});

describe('edge API: /api/v1/gpio when GPIO is not available', () => {
  const routes = (t: TestEdge) => [
    () => t.request('GET', `${GPIO}/status`, { token: t.tokens.operator }),
    () => t.request('POST', `${GPIO}/buttons/stop/test`, { token: t.tokens.manager, body: {} }),
    () => t.request('POST', `${GPIO}/leds/beacon/set`, { token: t.tokens.manager, body: { on: true } }),
  ];

  it('503 SERVICE_UNAVAILABLE on every route when gpio is not configured (the default)', async () => {
    const t = await startTestEdge();
    try {
      expect(t.edge.system.config.gpio.enabled).to.equal(false);
      for (const call of routes(t)) expect(expectError(await call(), 503, 'SERVICE_UNAVAILABLE').message).to.match(/not configured/);
      // Authentication still comes first.
      expectError(await t.request('GET', `${GPIO}/status`), 401, 'UNAUTHORIZED');
      expectError(await t.request('POST', `${GPIO}/leds/beacon/set`, { token: t.tokens.operator, body: { on: true } }), 403, 'FORBIDDEN');
      const service = t.edge.system.services.gpio as { setLed(n: string, on: boolean): boolean; led(n: string): boolean | null };
      expect(service.setLed('running', true)).to.equal(false);
      expect(service.led('running')).to.equal(null);
    } finally {
      await t.stop();
    }
  });

  it("503 naming the reason when board 'onoff' is asked for where there is no GPIO, and the edge still scans", async function () {
    if (Gpio.accessible) this.skip();
    const t = await startTestEdge({ gpio: { ...CABINET_GPIO, board: 'onoff' } });
    try {
      for (const call of routes(t)) expect(expectError(await call(), 503, 'SERVICE_UNAVAILABLE').message).to.match(/GPIO board unavailable: .*not accessible/);
      const status = expectData(await t.request('GET', '/api/v1/scanner/status', { token: t.tokens.operator }));
      expect(status).to.be.an('object');
    } finally {
      await t.stop();
    }
  });
});
