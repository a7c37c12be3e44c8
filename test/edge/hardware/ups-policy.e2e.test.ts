import { expect } from 'chai';
import type { SimulatedBoard } from '../../../adapters/gpio/simulated-board.js';
import type { UpsSimulator } from '../../../adapters/ups/ups-simulator.js';
import type { CloudSim } from '../../../src/cloud-sim/server.js';
import type { GpioExtension } from '../../../src/edge/hardware/gpio.extension.js';
import type { UpsExtension } from '../../../src/edge/hardware/ups.extension.js';
import type { EdgeEvent } from '../../../src/edge/edge-events.js';
import { expectData } from '../../support/api-expect.js';
import { directCloudOverrides, getData, provisionThroughApi, startSim, waitForEmptyQueue } from '../../support/direct-cloud.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes } from '../../support/edge-fixtures.js';
import { CABINET_GPIO } from '../../support/gpio-edge.js';
import { waitFor } from '../../support/wait-for.js';
import { openWs } from '../../support/ws-client.js';

/**
 * The power policy on a whole edge: simulated UPS, the real scan line, sync queue (to the cloud
 * simulator) and GPIO (simulated board). The sync queue polls only once a minute here, so an
 * outbox that empties while on battery was emptied by the policy's flush.
 */
describe('UPS power policy end to end (simulated UPS on a test edge)', function () {
  this.timeout(60_000);
  let sim: CloudSim;
  let t: TestEdge;
  let ups: UpsSimulator;
  let board: SimulatedBoard;
  let events: EdgeEvent[];
  let stopped: boolean;

  beforeEach(async () => {
    sim = await startSim();
    t = await startTestEdge(
      directCloudOverrides(sim, {
        sync: { pollIntervalMs: 60_000, backoff: { baseMs: 20, maxMs: 200 } },
        ups: { enabled: true, driver: 'simulated', pollIntervalMs: 100, resumeHoldOffMs: 300, lowBatteryPercent: 20 },
        gpio: CABINET_GPIO,
      }),
    );
    ups = (t.edge.system.extensions.find((e) => e.name === 'ups') as UpsExtension).feature.simulator!;
    board = (t.edge.system.extensions.find((e) => e.name === 'gpio') as GpioExtension).feature.board() as SimulatedBoard;
    events = [];
    stopped = false;
    t.edge.system.bus.subscribe('*', (event) => void events.push(event));
    await provisionThroughApi(t);
  });
  afterEach(async () => {
    if (!stopped) await t?.stop();
    await sim?.close();
  });

  const scan = async (code: string) => expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
  const policyState = async () => (await getData(t, '/api/v1/ups/status')).policy.state as string;
  const waitForPolicy = (state: string) => waitFor(async () => (await policyState()) === state, 10_000, `UPS policy ${state}`);

  it('on battery: refuses new units with the reason, flushes the outbox, lights the LEDs; back on line: resumes after the hold-off', async () => {
    await waitForPolicy('online');
    for (const code of codes(5)) expect((await scan(code)).outcome).to.equal('accepted');
    await waitFor(async () => (await getData(t, '/api/v1/sync/status')).queueSize === 5, 5000, 'five rows waiting in the outbox');

    const ws = await openWs(`${t.url.replace(/^http/, 'ws')}/ws?token=${t.tokens.operator}`);
    const wsOnBattery = ws.next((m) => m.type === 'ups' && (m.data as { policy?: string }).policy === 'onBattery', 10_000);
    ups.set({ onBattery: true, batteryPercent: 70 });
    await waitForPolicy('onBattery');
    try {
      expect((await wsOnBattery).data).to.deep.equal({ policy: 'onBattery', reason: 'on battery (70%)', onBattery: true });
    } finally {
      await ws.close();
    }
    const refused = await scan(codes(1)[0]!);
    expect(refused).to.deep.include({ outcome: 'refused', valid: false, message: 'Line paused: on battery' });
    // The sync queue polls once a minute: only the policy's SYNC_NOW empties the outbox this soon.
    await waitForEmptyQueue(t, 10_000);
    await waitFor(() => board.leds().alarm && board.leds().onBattery, 5000, () => `alarm and onBattery LEDs; leds ${JSON.stringify(board.leds())}`);
    expect(events).to.deep.include({ type: 'ups.policy', state: 'onBattery', reason: 'on battery (70%)', onBattery: true });
    expect(events.some((e) => e.type === 'ups.status' && e.reading?.onBattery)).to.equal(true);

    ups.set({ onBattery: false, batteryPercent: 72 });
    await waitForPolicy('holdOff');
    const status = await getData(t, '/api/v1/ups/status');
    expect(status.policy.resumeAt).to.be.a('string');
    await waitForPolicy('online');
    expect((await scan(codes(1)[0]!)).outcome, 'the line takes units again').to.equal('accepted');
    await waitFor(() => !board.leds().alarm && !board.leds().onBattery, 5000, () => `LEDs off; leds ${JSON.stringify(board.leds())}`);
    expect(events.filter((e) => e.type === 'ups.shutdownRequested')).to.deep.equal([]);
  });

  it('low battery: asks for a clean shutdown once, and the edge then stops cleanly with everything committed', async () => {
    for (const code of codes(3)) expect((await scan(code)).outcome).to.equal('accepted');
    ups.set({ onBattery: true, batteryPercent: 60 });
    await waitForPolicy('onBattery');
    ups.set({ onBattery: true, batteryPercent: 12 });
    const request = await waitFor(() => events.find((e) => e.type === 'ups.shutdownRequested'), 10_000, 'ups.shutdownRequested');
    expect(request).to.deep.equal({ type: 'ups.shutdownRequested', reason: 'UPS battery at 12% (threshold 20%)' });
    expect(await policyState()).to.equal('critical');
    expect((await scan(codes(1)[0]!)).outcome).to.equal('refused');
    ups.set({ onBattery: true, batteryPercent: 11 });
    ups.set({ onBattery: true, batteryPercent: 10, lowBattery: true });
    await waitFor(async () => (await getData(t, '/api/v1/ups/status')).reading.batteryPercent === 10, 5000, 'the 10% reading');
    expect(events.filter((e) => e.type === 'ups.shutdownRequested'), 'asked once').to.have.length(1);

    // What main.ts does on ups.shutdownRequested: a graceful stop (drain, commit, close).
    const counts = await getData(t, '/api/v1/bottles/count');
    expect(counts.count).to.equal(3);
    await t.stop();
    stopped = true;
  });
});
