import { expect } from 'chai';
import type { CloudSim } from '../../../src/cloud-sim/server.js';
import type { EdgeEvent } from '../../../src/edge/edge-events.js';
import { findNutBinaries, startUpsdPeer, type UpsdPeer } from '../../adapters/ups/upsd-peer.js';
import { expectData } from '../../support/api-expect.js';
import { directCloudOverrides, getData, provisionThroughApi, startSim, waitForEmptyQueue } from '../../support/direct-cloud.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes } from '../../support/edge-fixtures.js';
import { peerMissing } from '../../support/peers.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * The power policy end to end on real NUT: Debian's upsd serving the dummy-ups driver (whose .dev
 * file the test rewrites, as a UPS changing state), the edge's NUT driver logged in as a monitor,
 * the real scan line and sync queue (to the cloud simulator, polling only once a minute, so an
 * outbox that empties on battery was emptied by the policy's flush).
 */
describe('UPS power policy end to end on upsd + dummy-ups (real NUT)', function () {
  this.timeout(90_000);
  if (!findNutBinaries()) {
    peerMissing('needs upsd and dummy-ups (Debian package nut-server, /lib/nut/upsd + /lib/nut/dummy-ups): not installed here');
    return;
  }
  const ONLINE = { 'ups.status': 'OL', 'battery.charge': '100', 'battery.runtime': '1800' };
  let peer: UpsdPeer;
  let sim: CloudSim;
  let t: TestEdge;
  let events: EdgeEvent[];
  let stopped = false;

  before(async () => {
    peer = await startUpsdPeer(ONLINE);
    sim = await startSim();
    t = await startTestEdge(
      directCloudOverrides(sim, {
        sync: { pollIntervalMs: 60_000, backoff: { baseMs: 20, maxMs: 200 } },
        ups: { enabled: true, driver: 'nut', host: '127.0.0.1', port: peer.port, upsName: peer.upsName, username: peer.user.username, password: peer.user.password, pollIntervalMs: 200, timeoutMs: 2000, resumeHoldOffMs: 500, lowBatteryPercent: 20, backoff: { baseMs: 50, maxMs: 500 } },
      }),
    );
    events = [];
    t.edge.system.bus.subscribe('*', (event) => void events.push(event));
    await provisionThroughApi(t);
  });
  after(async () => {
    if (!stopped) await t?.stop();
    await sim?.close();
    await peer?.stop();
  });

  const scan = async (code: string) => expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
  const upsStatus = () => getData(t, '/api/v1/ups/status');
  // dummy-ups re-reads its file about once a second, the edge polls upsd every 200 ms.
  const waitForPolicy = (state: string) => waitFor(async () => (await upsStatus()).policy.state === state, 20_000, () => `UPS policy ${state}`);

  it('on battery: refuses units and flushes the outbox; back on line: resumes after the hold-off; low battery: one clean-shutdown request', async () => {
    await waitForPolicy('online');
    expect((await upsStatus()).reading).to.deep.include({ status: 'OL', online: true, batteryPercent: 100 });
    for (const code of codes(4)) expect((await scan(code)).outcome).to.equal('accepted');
    await waitFor(async () => (await getData(t, '/api/v1/sync/status')).queueSize === 4, 5000, 'four rows waiting in the outbox');

    peer.setVars({ 'ups.status': 'OB', 'battery.charge': '70', 'battery.runtime': '900' });
    await waitForPolicy('onBattery');
    expect(await scan(codes(1)[0]!)).to.deep.include({ outcome: 'refused', valid: false, message: 'Line paused: on battery' });
    await waitForEmptyQueue(t, 10_000);

    peer.setVars(ONLINE);
    await waitForPolicy('holdOff');
    await waitForPolicy('online');
    expect((await scan(codes(1)[0]!)).outcome, 'the line takes units again').to.equal('accepted');
    expect(events.filter((e) => e.type === 'ups.shutdownRequested')).to.deep.equal([]);

    peer.setVars({ 'ups.status': 'OB LB', 'battery.charge': '12', 'battery.runtime': '60' });
    const request = await waitFor(() => events.find((e) => e.type === 'ups.shutdownRequested'), 20_000, 'ups.shutdownRequested');
    expect((request as { reason: string }).reason).to.be.a('string').and.not.equal('');
    expect((await upsStatus()).policy.state).to.equal('critical');
    expect((await scan(codes(1)[0]!)).outcome).to.equal('refused');
    expect(events.filter((e) => e.type === 'ups.shutdownRequested'), 'asked once').to.have.length(1);

    // What main.ts does on ups.shutdownRequested: a graceful stop with everything committed.
    expect((await getData(t, '/api/v1/bottles/count')).count).to.equal(5);
    await t.stop();
    stopped = true;
  });
});
