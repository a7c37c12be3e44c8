import { expect } from 'chai';
import { expectData, expectError } from '../support/api-expect.js';
import { getData, waitForEmptyQueue } from '../support/direct-cloud.js';
import { codes } from '../support/edge-fixtures.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { type FakeFactory, startFakeFactory } from '../support/fake-factory.js';
import { waitFor } from '../support/wait-for.js';
import { pendingWorkOf } from '../support/scheduled-events.js';

const TOKEN = 'factory-device-token-0123456789';

/** An edge in VIA_LOCAL_SERVER mode pointed at `factory`, syncing and reconnecting quickly. */
const viaFactory = (factory: FakeFactory, more: Record<string, unknown> = {}) =>
  startTestEdge({
    connection: { mode: 'VIA_LOCAL_SERVER' },
    factory: { url: factory.url, deviceId: 'edge-factory-1', deviceToken: TOKEN, heartbeatIntervalMs: 50, backoff: { baseMs: 20, maxMs: 200 } },
    sync: { pollIntervalMs: 50, backoff: { baseMs: 20, maxMs: 200 } },
    ...more,
  });

describe('edge in VIA_LOCAL_SERVER mode with a factory server', function () {
  this.timeout(60_000);
  let factory: FakeFactory;
  let t: TestEdge | undefined;

  beforeEach(async () => {
    factory = await startFakeFactory({ token: TOKEN });
  });
  afterEach(async () => {
    await t?.stop();
    t = undefined;
    await factory.close();
  });

  const scan = async (edge: TestEdge, list: string[]) => {
    for (const code of list) expect(expectData(await edge.request('POST', '/api/v1/scanner/scan', { token: edge.tokens.operator, body: { code } })).outcome).to.equal('accepted');
  };

  it('sends its outbox to the factory with the device token, and the bottles become Synced', async () => {
    t = await viaFactory(factory);
    const list = codes(30);
    await scan(t, list);
    await waitForEmptyQueue(t, 20_000);

    expect(factory.stored.size).to.equal(30);
    expect([...factory.stored.values()].every((item) => item.kind === 'bottle.created')).to.equal(true);
    // identificationCode = 01 GTIN 21 serial: the code's first groups, without the crypto tail.
    const received = [...factory.stored.values()].map((item) => item.payload.identificationCode as string);
    expect(new Set(received).size).to.equal(30);
    expect(received.every((id) => list.some((code) => code.startsWith(id)))).to.equal(true);
    expect(factory.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).to.equal(true);
    const counts = await getData(t, '/api/v1/bottles/count');
    expect(counts.byStatus['3']).to.equal(30);

    const status = await waitFor(async () => {
      const s = await getData(t!, '/api/v1/connection/status');
      return s.connected ? s : null;
    }, 10_000, 'connected');
    expect(status).to.deep.include({ mode: 'VIA_LOCAL_SERVER', modeReason: null, queueSize: 0 });
    expect(status.target).to.deep.equal({ ready: true, reason: null, lastError: null });
  });

  it('opens the device channel: hello with its device id and status, then heartbeats', async () => {
    t = await viaFactory(factory);
    await scan(t, codes(2));
    await waitFor(() => factory.messages().filter((m) => m.type === 'heartbeat').length >= 3, 10_000, 'three heartbeats');
    const [hello] = factory.messages();
    expect(hello!.type).to.equal('hello');
    expect(hello!.payload).to.deep.include({ deviceId: 'edge-factory-1' });
    type Beat = { status: { line?: { accepted?: number } } & Record<string, unknown> };
    // Heartbeats sent before the scans were answered still say 0: wait for one sent after.
    const beat = await waitFor(
      () => factory.messages().find((m) => m.type === 'heartbeat' && (m.payload as Beat).status.line?.accepted === 2)?.payload as Beat | undefined,
      10_000,
      'a heartbeat counting the two scans',
    );
    expect(beat.status).to.deep.include({ mode: 'VIA_LOCAL_SERVER', modeReason: null });
    expect(beat.status.softwareVersion).to.be.a('string');
    expect(beat.status.line).to.deep.include({ accepted: 2, rejected: 0 });
    expect(beat.status.syncQueue).to.have.keys(['state', 'pending']);
    const link = t.edge.system.factoryLink()!.getSnapshot() as { context: { heartbeatIntervalMs: number } };
    expect(link.context.heartbeatIntervalMs).to.equal(50);
  });

  it('follows the factory when it forbids a device override: the mode flips, with a modeReason, and a local change is refused', async () => {
    t = await viaFactory(factory);
    await waitFor(() => factory.messages().some((m) => m.type === 'hello'), 10_000, 'hello');
    factory.pushSettings({ defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: false, cloudSyncEnabled: true });

    const status = await waitFor(async () => {
      const s = await getData(t!, '/api/v1/connection/status');
      return s.mode === 'DIRECT_CLOUD' ? s : null;
    }, 10_000, 'the mode to follow the factory');
    expect(status.modeReason).to.equal('Set by the factory server: its default mode is DIRECT_CLOUD and it does not allow a device override');
    expect(expectData(await t.request('GET', '/api/v1/connection/mode', { token: t.tokens.operator }))).to.deep.equal({ mode: 'DIRECT_CLOUD' });
    // The heartbeat tells the factory the mode and why.
    await waitFor(() => factory.messages().some((m) => m.type === 'heartbeat' && (m.payload as { status: { mode?: string } }).status.mode === 'DIRECT_CLOUD'), 10_000, 'a heartbeat in DIRECT_CLOUD');

    const refused = expectError(await t.request('PUT', '/api/v1/connection/mode', { token: t.tokens.admin, body: { mode: 'VIA_LOCAL_SERVER' } }), 409, 'CONFLICT');
    expect(refused.message).to.match(/does not allow a device override/);
    expectData(await t.request('PUT', '/api/v1/connection/mode', { token: t.tokens.admin, body: { mode: 'DIRECT_CLOUD' } }));

    // Override allowed again: the local choice stands and there is no reason to show.
    factory.pushSettings({ defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: true, cloudSyncEnabled: true });
    await waitFor(async () => (await getData(t!, '/api/v1/connection/status')).modeReason === null, 10_000, 'modeReason cleared');
    expect(expectData(await t.request('PUT', '/api/v1/connection/mode', { token: t.tokens.admin, body: { mode: 'VIA_LOCAL_SERVER' } }))).to.deep.equal({ mode: 'VIA_LOCAL_SERVER' });
  });

  it('the welcome alone enforces the settings on connect', async () => {
    await factory.close();
    factory = await startFakeFactory({ token: TOKEN, settings: { defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: false, cloudSyncEnabled: false } });
    t = await viaFactory(factory);
    const status = await waitFor(async () => {
      const s = await getData(t!, '/api/v1/connection/status');
      return s.mode === 'DIRECT_CLOUD' ? s : null;
    }, 10_000, 'the mode to follow the welcome');
    expect(status.modeReason).to.match(/does not allow a device override/);
  });

  it('a revoked token stops sync with the reason (no resend loop), and the link waits in unauthorized', async () => {
    t = await viaFactory(factory);
    await waitFor(() => factory.messages().some((m) => m.type === 'hello'), 10_000, 'hello');
    factory.revoke();
    await scan(t, codes(3));
    const offline = await waitFor(async () => {
      const s = await getData(t!, '/api/v1/sync/status');
      return s.state === 'offline' ? s : null;
    }, 10_000, 'the sync queue offline');
    expect(offline.queueSize).to.equal(3);
    const connection = await getData(t, '/api/v1/connection/status');
    expect(connection.target.ready).to.equal(false);
    expect(connection.target.reason).to.match(/factory server rejected the device token/);
    const sent = factory.requests.length;

    // The channel, once dropped, is refused with 4401 and does not retry.
    factory.channels[0]!.socket.close(1012, 'restarting');
    await waitFor(() => t!.edge.system.factoryLink()!.getSnapshot().value === 'unauthorized', 10_000, 'the link unauthorized');
    const channels = factory.channels.length;
    // Nothing will dial again: the link holds no retry timer and runs no channel.
    expect(pendingWorkOf(t.edge.system.factoryLink()!)).to.deep.equal({ scheduled: [], children: [] });
    expect(factory.channels.length).to.equal(channels);
    expect(factory.requests.length).to.equal(sent);
  });

  it('without a device token: the reason says the factory is not configured, and no channel is dialled', async () => {
    t = await startTestEdge({ connection: { mode: 'VIA_LOCAL_SERVER' }, factory: { url: factory.url } });
    const status = await getData(t, '/api/v1/connection/status');
    expect(status.target.reason).to.match(/Factory server not configured/);
    await waitFor(() => t!.edge.system.factoryLink()?.getSnapshot().value === 'unauthorized', 10_000, 'the link unauthorized');
    expect(factory.channels).to.have.length(0);
  });

  it('without a factory URL there is no factory link', async () => {
    t = await startTestEdge({ connection: { mode: 'VIA_LOCAL_SERVER' } });
    expect(t.edge.system.factoryLink()).to.equal(undefined);
  });
});
