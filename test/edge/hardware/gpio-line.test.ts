import { expect } from 'chai';
import type { EdgeEvent } from '../../../src/edge/edge-events.js';
import type { GpioService } from '../../../src/edge/hardware/gpio.extension.js';
import { expectData } from '../../support/api-expect.js';
import { codes } from '../../support/edge-fixtures.js';
import { startGpioEdge } from '../../support/gpio-edge.js';
import { waitFor } from '../../support/wait-for.js';

/** The cabinet's buttons and LEDs against a whole edge: the real scan line, bus and HTTP API. */
describe('edge: GPIO buttons and LEDs on the line', () => {
  let t: Awaited<ReturnType<typeof startGpioEdge>>;
  const events: EdgeEvent[] = [];
  let unsubscribe: () => void = () => {};
  beforeEach(async () => {
    t = await startGpioEdge();
    events.length = 0;
    unsubscribe = t.edge.system.bus.subscribe('*', (event) => events.push(event));
    await waitFor(() => t.board.ledOn('running'), 5000, 'the running LED at start');
  });
  afterEach(async () => {
    unsubscribe();
    await t?.stop();
  });

  const scan = async (code: string) => expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
  const gpio = () => t.edge.system.services.gpio as GpioService;

  it('the stop button pauses the line (scans refused with the reason), the start button resumes it, the running LED follows', async () => {
    const [first, second, third] = codes(3);
    expect(await scan(first!)).to.include({ outcome: 'accepted' });

    t.board.press('stop');
    t.board.release('stop');
    await waitFor(() => !t.board.ledOn('running'), 5000, 'the running LED to go out');
    const refused = await scan(second!);
    expect(refused).to.include({ outcome: 'refused', valid: false });
    expect(refused.message).to.equal('Line paused: stopped at the cabinet');
    expect(events).to.deep.include({ type: 'line.state', state: 'paused', reason: 'stopped at the cabinet' });
    expect(events).to.deep.include({ type: 'gpio.led', name: 'running', on: false });

    t.board.press('start');
    t.board.release('start');
    await waitFor(() => t.board.ledOn('running'), 5000, 'the running LED to light');
    expect(await scan(third!)).to.include({ outcome: 'accepted' });
    expect(gpio().led('running')).to.equal(true);
    expect(events.filter((e) => e.type === 'gpio.button').map((e) => [e.name, e.pressed])).to.deep.equal([
      ['stop', true],
      ['stop', false],
      ['start', true],
      ['start', false],
    ]);
  });

  it('the test route takes the same path: a stop pressed over the API pauses the line', async () => {
    expectData(await t.request('POST', '/api/v1/gpio/buttons/stop/test', { token: t.tokens.manager }));
    await waitFor(() => !t.board.ledOn('running'), 5000, 'the running LED to go out');
    expect((await scan(codes(1)[0]!)).message).to.equal('Line paused: stopped at the cabinet');
    expectData(await t.request('POST', '/api/v1/gpio/buttons/start/test', { token: t.tokens.manager }));
    await waitFor(() => t.board.ledOn('running'), 5000, 'the running LED to light');
  });

  it('an alarm on the bus lights the alarm LED until the acknowledge button; the acknowledgement goes on the bus', async () => {
    const alarm = { code: 'REJECT_FEEDBACK_MISSING', message: 'unit 7 never left the line', at: new Date().toISOString() };
    t.edge.system.bus.publish({ type: 'line.alarm', ...alarm } as unknown as EdgeEvent);
    await waitFor(() => t.board.ledOn('alarm'), 5000, 'the alarm LED');
    expect(expectData(await t.request('GET', '/api/v1/gpio/status', { token: t.tokens.operator })).alarm).to.deep.equal(alarm);

    t.board.press('ack');
    t.board.release('ack');
    await waitFor(() => !t.board.ledOn('alarm'), 5000, 'the alarm LED to go out');
    expect(events).to.deep.include({ type: 'line.alarmAcknowledged', ...alarm, by: 'ack' });
  });

  it('the UPS policy lights the on-battery LED; a feature lights LEDs and hears buttons through services.gpio', async () => {
    t.edge.system.bus.publish({ type: 'ups.policy', state: 'onBattery' } as unknown as EdgeEvent);
    await waitFor(() => t.board.ledOn('onBattery'), 5000, 'the on-battery LED');
    expect(gpio().setLed('alarm', true)).to.equal(true);
    expect(gpio().setLed('nope', true)).to.equal(false);
    await waitFor(() => t.board.ledOn('alarm'), 5000, 'the alarm LED lit by a feature');
    const heard: boolean[] = [];
    const off = gpio().onButton('spare', (pressed) => heard.push(pressed));
    t.board.press('spare');
    t.board.release('spare');
    off();
    t.board.press('spare');
    expect(heard).to.deep.equal([true, false]);
    t.edge.system.bus.publish({ type: 'ups.policy', state: 'online' } as unknown as EdgeEvent);
    await waitFor(() => !t.board.ledOn('onBattery'), 5000, 'the on-battery LED to go out');
  });

  it('restart_service keeps what the LEDs show: an unacknowledged alarm, a manual LED, the line state', async () => {
    t.edge.system.bus.publish({ type: 'line.alarm', code: 'A1', message: 'm', at: new Date().toISOString() } as unknown as EdgeEvent);
    gpio().setLed('beacon', true);
    await waitFor(() => t.board.ledOn('alarm') && t.board.ledOn('beacon'), 5000, 'alarm and beacon lit');
    await t.edge.system.restartActors();
    await waitFor(() => gpio().led('alarm') === true && gpio().led('beacon') === true && gpio().led('running') === true, 5000, 'LEDs after restart');
    t.board.press('stop');
    await waitFor(() => !t.board.ledOn('running'), 5000, 'the new actor hears the stop button');
  });

  it('stopping the edge turns the LEDs off and closes the board', async () => {
    await t.stop();
    expect(t.board.closed).to.equal(true);
    expect(Object.values(t.board.leds()).every((on) => !on)).to.equal(true);
  });
});
