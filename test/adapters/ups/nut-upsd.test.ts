import { expect } from 'chai';
import { NutClient, NutError } from '../../../adapters/ups/nut-client.js';
import { createNutUpsConnection, readUps } from '../../../adapters/ups/nut-connection.js';
import { waitFor } from '../../support/wait-for.js';
import { probeConnection } from './connection-probe.js';
import { findNutBinaries, startUpsdPeer, type UpsdPeer } from './upsd-peer.js';
import { peerMissing } from '../../support/peers.js';

/** The NUT client against Debian's real upsd, fed by the dummy-ups driver from a .dev file. */
describe('NUT client against a real upsd (dummy-ups)', function () {
  this.timeout(30_000);
  if (!findNutBinaries()) {
    peerMissing('needs upsd and dummy-ups (Debian package nut-server, /lib/nut/upsd + /lib/nut/dummy-ups): not installed here');
    return;
  }

  let peer: UpsdPeer;
  let client: NutClient | null = null;
  before(async () => {
    peer = await startUpsdPeer({ 'ups.status': 'OL', 'battery.charge': '100', 'battery.runtime': '1800' });
  });
  after(async () => {
    await peer?.stop();
  });
  afterEach(() => {
    client?.close();
    client = null;
  });
  const connect = async () => (client = await NutClient.connect({ host: '127.0.0.1', port: peer.port, timeoutMs: 2000 }));

  it('reads ups.status, battery.charge and battery.runtime with GET VAR', async () => {
    const c = await connect();
    expect(await c.getVar(peer.upsName, 'ups.status')).to.equal('OL');
    const reading = await readUps(c, peer.upsName, () => 42);
    expect(reading).to.deep.include({ status: 'OL', online: true, onBattery: false, lowBattery: false, fsd: false, batteryPercent: 100, runtimeSeconds: 1800, at: 42 });
  });

  it('lists every variable with LIST VAR', async () => {
    const vars = await (await connect()).listVars(peer.upsName);
    expect(vars).to.include({ 'ups.status': 'OL', 'battery.charge': '100', 'driver.name': 'dummy-ups' });
  });

  it('reports upsd refusals as NutError codes, and the connection stays usable', async () => {
    const c = await connect();
    const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail('no refusal'), (error: NutError) => error);
    expect((await refusal(c.getVar(peer.upsName, 'no.such.var'))).code).to.equal('VAR-NOT-SUPPORTED');
    expect((await refusal(c.getVar('nosuchups', 'ups.status'))).code).to.equal('UNKNOWN-UPS');
    expect(await c.getVar(peer.upsName, 'ups.status')).to.equal('OL');
  });

  it('authenticates with USERNAME/PASSWORD (quoted), LOGINs, and LOGOUTs', async () => {
    const c = await connect();
    await c.authenticate(peer.user.username, peer.user.password);
    await c.login(peer.upsName);
    await c.logout();
    expect(c.closed).to.equal(true);
  });

  it('is refused LOGIN with a wrong password', async () => {
    const c = await connect();
    await c.authenticate(peer.user.username, 'wrong');
    const error = await c.login(peer.upsName).then(() => null, (e: NutError) => e);
    expect(error?.code).to.be.oneOf(['ACCESS-DENIED', 'PASSWORD-REQUIRED']);
  });

  it('sees the UPS go on battery with a low battery (OB LB), through the connection actor, and come back', async () => {
    const probe = probeConnection(createNutUpsConnection(peer.user), { host: '127.0.0.1', port: peer.port, upsName: peer.upsName, pollIntervalMs: 200, timeoutMs: 2000 });
    const { events } = probe;
    try {
      await waitFor(() => events.find((e) => e.type === 'ups.connected'), 10_000, () => JSON.stringify(events));
      peer.setVars({ 'ups.status': 'OB LB', 'battery.charge': '8', 'battery.runtime': '60' });
      const low = await waitFor(
        () => events.find((e) => e.type === 'ups.reading' && e.reading.lowBattery),
        15_000,
        () => `an OB LB reading; events: ${JSON.stringify(events.slice(-3))}; upsd output: ${peer.output()}`,
      );
      expect(low.type === 'ups.reading' && low.reading).to.deep.include({ status: 'OB LB', onBattery: true, lowBattery: true, online: false, batteryPercent: 8, runtimeSeconds: 60 });
      peer.setVars({ 'ups.status': 'OL CHRG', 'battery.charge': '9', 'battery.runtime': '70' });
      await waitFor(() => events.some((e) => e.type === 'ups.reading' && e.reading.status === 'OL CHRG'), 15_000, 'an OL CHRG reading');
      expect(events.filter((e) => e.type === 'ups.failed')).to.deep.equal([]);
    } finally {
      probe.stop();
    }
  });
});
