import net from 'node:net';
import { expect } from 'chai';
import { NutClient, type NutError } from '../../../adapters/ups/nut-client.js';
import { createNutUpsConnection } from '../../../adapters/ups/nut-connection.js';
import { nutNumber, parseUpsStatus, parseVarLine, quoteNutWord, splitNutLine } from '../../../adapters/ups/nut-protocol.js';
import { createUpsSimulator, type FakeUpsd, simulatedUpsConnection, startFakeUpsd, type UpsSimulator } from '../../../adapters/ups/ups-simulator.js';
import { waitFor } from '../../support/wait-for.js';
import { probeConnection } from './connection-probe.js';

const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a NutError'), (error: NutError) => error);

describe('NUT protocol text', () => {
  it('splits lines into words, with quotes and escapes', () => {
    expect(splitNutLine('VAR ups ups.status "OL CHRG"')).to.deep.equal(['VAR', 'ups', 'ups.status', 'OL CHRG']);
    expect(splitNutLine('VAR ups x "say \\"hi\\" \\\\ ok"')).to.deep.equal(['VAR', 'ups', 'x', 'say "hi" \\ ok']);
    expect(splitNutLine('VAR ups x ""')).to.deep.equal(['VAR', 'ups', 'x', '']);
    expect(splitNutLine('VAR ups x "open')).to.equal(null);
  });

  it('quotes only what needs it, and refuses line breaks (command injection)', () => {
    expect(quoteNutWord('ups.status')).to.equal('ups.status');
    expect(quoteNutWord('pass word"1')).to.equal('"pass word\\"1"');
    expect(splitNutLine(`PASSWORD ${quoteNutWord('a "b" \\c')}`)).to.deep.equal(['PASSWORD', 'a "b" \\c']);
    expect(() => quoteNutWord('x\nLOGOUT')).to.throw(/line break/);
  });

  it('parses VAR lines and ups.status flags', () => {
    expect(parseVarLine('VAR ups ups.status "OB DISCHRG LB"')).to.deep.equal({ ups: 'ups', name: 'ups.status', value: 'OB DISCHRG LB' });
    expect(parseVarLine('OK')).to.equal(null);
    expect(parseUpsStatus('FSD OB LB')).to.deep.equal({ online: false, onBattery: true, lowBattery: true, fsd: true, charging: false });
    expect(parseUpsStatus('OL CHRG')).to.deep.equal({ online: true, onBattery: false, lowBattery: false, fsd: false, charging: true });
    expect([nutNumber('87.5'), nutNumber(''), nutNumber('n/a'), nutNumber(null)]).to.deep.equal([87.5, null, null, null]);
  });
});

describe('NUT client against the fake upsd', () => {
  let simulator: UpsSimulator;
  let upsd: FakeUpsd;
  let client: NutClient | null;
  beforeEach(async () => {
    simulator = createUpsSimulator();
    upsd = await startFakeUpsd({ simulator, upsName: 'ups', users: { mon: 'secret pw' } });
    client = null;
  });
  afterEach(async () => {
    client?.close();
    await upsd.close();
  });
  const connect = async (timeoutMs = 2000) => (client = await NutClient.connect({ host: '127.0.0.1', port: upsd.port, timeoutMs }));

  it('GET VAR / LIST VAR follow the simulated UPS', async () => {
    const c = await connect();
    expect(await c.getVar('ups', 'ups.status')).to.equal('OL');
    simulator.set({ onBattery: true, batteryPercent: 40 });
    expect(await c.getVar('ups', 'ups.status')).to.equal('OB DISCHRG');
    expect(await c.listVars('ups')).to.include({ 'ups.status': 'OB DISCHRG', 'battery.charge': '40' });
  });

  it('pipelines requests and matches answers in order', async () => {
    const c = await connect();
    const [a, b, d] = await Promise.all([c.getVar('ups', 'ups.status'), c.getVar('ups', 'battery.charge'), c.listVars('ups')]);
    expect([a, b, d['battery.runtime']]).to.deep.equal(['OL', '100', '1800']);
  });

  it('authenticates (the password quoted on the wire) and LOGINs; a wrong password is ACCESS-DENIED', async () => {
    const c = await connect();
    await c.authenticate('mon', 'secret pw');
    await c.login('ups');
    expect(upsd.requests).to.include('PASSWORD "secret pw"');
    const other = await NutClient.connect({ host: '127.0.0.1', port: upsd.port, timeoutMs: 2000 });
    await other.authenticate('mon', 'nope');
    expect((await failure(other.login('ups'))).code).to.equal('ACCESS-DENIED');
    other.close();
  });

  it('fails a connect to a closed port with CONNECT', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect((await failure(NutClient.connect({ host: '127.0.0.1', port, timeoutMs: 2000 }))).code).to.equal('CONNECT');
  });

  it('garbage instead of an answer ends the connection with PROTOCOL', async () => {
    const c = await connect();
    const closes: string[] = [];
    c.onClose((e) => closes.push(e.code));
    upsd.behave({ garbage: '\u0001\u0002 hello there' });
    const error = await failure(c.getVar('ups', 'ups.status'));
    expect(error.code).to.equal('PROTOCOL');
    expect(error.message).to.match(/unexpected answer to GET VAR/);
    expect(c.closed).to.equal(true);
    expect(closes).to.deep.equal(['PROTOCOL']);
    expect((await failure(c.getVar('ups', 'ups.status'))).code, 'later requests fail at once').to.equal('PROTOCOL');
  });

  it('a line that never ends is garbage too (bounded buffer)', async () => {
    const c = await connect();
    upsd.behave({ garbage: 'x'.repeat(20_000) });
    expect((await failure(c.getVar('ups', 'ups.status'))).code).to.equal('PROTOCOL');
  });

  it('a slow upsd times out (TIMEOUT) and the connection is dropped', async () => {
    const c = await connect(100);
    upsd.behave({ delayMs: 1000 });
    const error = await failure(c.getVar('ups', 'ups.status'));
    expect(error.code).to.equal('TIMEOUT');
    expect(c.closed).to.equal(true);
    await waitFor(() => upsd.connections() === 0, 3000, 'upsd to see the client go');
  });

  it('a upsd that hangs up fails the waiting request with CLOSED', async () => {
    const c = await connect();
    upsd.behave({ hangUp: true });
    expect((await failure(c.getVar('ups', 'ups.status'))).code).to.equal('CLOSED');
  });

  it('an unsolicited line is a PROTOCOL error', async () => {
    const c = await connect();
    const closes: string[] = [];
    c.onClose((e) => closes.push(e.code));
    // A request whose answer is followed by a stray line: the stray line has no request to answer.
    upsd.behave({ garbage: 'OK\nOK' });
    await c.login('ups').catch(() => undefined);
    await waitFor(() => closes.length > 0, 2000, 'the connection to close');
    expect(closes).to.deep.equal(['PROTOCOL']);
  });

  it('LOGOUT says goodbye and closes; logout on a dead connection does not throw', async () => {
    const c = await connect();
    await c.logout();
    expect(c.closed).to.equal(true);
    expect(upsd.requests.at(-1)).to.equal('LOGOUT');
    await c.logout();
  });
});

describe('UPS connection actors', () => {
  let simulator: UpsSimulator;
  let upsd: FakeUpsd | null = null;
  let probe: ReturnType<typeof probeConnection> | null = null;
  beforeEach(() => {
    simulator = createUpsSimulator();
  });
  afterEach(async () => {
    probe?.stop();
    probe = null;
    await upsd?.close();
    upsd = null;
  });
  const nutInput = (port: number, timeoutMs = 1000) => ({ host: '127.0.0.1', port, upsName: 'ups', pollIntervalMs: 50, timeoutMs });

  it('nut: connects, reads at once and then every poll, following the UPS', async () => {
    upsd = await startFakeUpsd({ simulator, upsName: 'ups' });
    probe = probeConnection(createNutUpsConnection(), nutInput(upsd.port));
    await waitFor(() => probe!.readings().length > 0, 3000, 'a first reading');
    expect(probe.events[0]).to.deep.include({ type: 'ups.connected' });
    expect(probe.readings()[0]).to.deep.include({ status: 'OL', online: true, batteryPercent: 100 });
    simulator.set({ onBattery: true, batteryPercent: 55 });
    await waitFor(() => probe!.readings().some((r) => r.onBattery && r.batteryPercent === 55), 3000, 'the OB reading');
  });

  it('nut: authenticates and LOGINs with credentials, never putting them in an event', async () => {
    upsd = await startFakeUpsd({ simulator, upsName: 'ups', users: { mon: 's3cret' } });
    probe = probeConnection(createNutUpsConnection({ username: 'mon', password: 's3cret' }), nutInput(upsd.port));
    await waitFor(() => probe!.readings().length > 0, 3000, 'a reading');
    expect(upsd.requests.slice(0, 3)).to.deep.equal(['USERNAME mon', 'PASSWORD s3cret', 'LOGIN ups']);
    expect(JSON.stringify(probe.events)).to.not.include('s3cret');
  });

  it('nut: an unknown UPS name fails before saying connected', async () => {
    upsd = await startFakeUpsd({ simulator, upsName: 'other' });
    probe = probeConnection(createNutUpsConnection(), nutInput(upsd.port));
    await waitFor(() => probe!.events.length > 0, 3000, 'an event');
    expect(probe.events).to.have.length(1);
    expect(probe.events[0]).to.deep.include({ type: 'ups.failed' });
    expect((probe.events[0] as { reason: string }).reason).to.match(/UNKNOWN-UPS/);
  });

  for (const [what, behaviour, reason] of [
    ['garbage', { garbage: 'NOT NUT AT ALL' }, /unexpected answer/],
    ['a slow peer', { delayMs: 1000 }, /did not answer/],
    ['a hang-up', { hangUp: true }, /closed/],
  ] as const) {
    it(`nut: ${what} while polling → one ups.failed, then silence`, async () => {
      upsd = await startFakeUpsd({ simulator, upsName: 'ups' });
      probe = probeConnection(createNutUpsConnection(), nutInput(upsd.port, 150));
      await waitFor(() => probe!.readings().length > 0, 3000, 'a reading');
      upsd.behave(behaviour);
      const failed = await waitFor(() => probe!.events.find((e) => e.type === 'ups.failed'), 3000, 'ups.failed');
      expect((failed as { reason: string }).reason).to.match(reason);
      const count = probe.events.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(probe.events.length, 'nothing after ups.failed').to.equal(count);
    });
  }

  it('nut: upsd dropping the connection → ups.failed', async () => {
    upsd = await startFakeUpsd({ simulator, upsName: 'ups' });
    probe = probeConnection(createNutUpsConnection(), nutInput(upsd.port));
    await waitFor(() => probe!.readings().length > 0, 3000, 'a reading');
    upsd.dropAll();
    await waitFor(() => probe!.events.some((e) => e.type === 'ups.failed'), 3000, 'ups.failed');
  });

  it('simulated: connected, a reading on every change, failed when offline', async () => {
    probe = probeConnection(simulatedUpsConnection(simulator, { pollIntervalMs: 10_000 }), {});
    await waitFor(() => probe!.readings().length > 0, 2000, 'a reading');
    expect(probe.events[0]).to.deep.equal({ type: 'ups.connected', peer: 'simulated' });
    simulator.set({ onBattery: true, batteryPercent: 30, lowBattery: true });
    await waitFor(() => probe!.readings().some((r) => r.status === 'OB DISCHRG LB' && r.batteryPercent === 30), 2000, 'the OB LB reading');
    simulator.set({ fsd: true });
    await waitFor(() => probe!.readings().some((r) => r.fsd && r.status.startsWith('FSD')), 2000, 'the FSD reading');
    simulator.set({ offline: true });
    await waitFor(() => probe!.events.some((e) => e.type === 'ups.failed'), 2000, 'ups.failed');
  });
});
