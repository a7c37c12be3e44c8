import { expect } from 'chai';
import { generateCode } from '../../src/domain/codes/index.js';
import type { TestEdge } from '../support/edge-harness.js';
import { startTestFactory, type TestFactory } from '../support/factory-harness.js';
import { factoryDisagreements, readFactoryStore } from '../support/factory-store-view.js';
import { startFaultProxy, type FaultProxy, type LinkFault } from '../support/fault-proxy.js';
import { startKeptEdge } from '../support/kept-edge.js';
import { waitFor } from '../support/wait-for.js';
import { identificationCodeOf } from './support/crash-campaign.js';
import { readEdgeDatabase } from './support/edge-db.js';

/**
 * Nothing lost on the edge ↔ factory link (VIA_LOCAL_SERVER): the edge scans while a TCP proxy
 * between it and the factory resets every connection, or swallows them — a blackhole, where the
 * connection is accepted and never answered, so only the edge's own timeouts (sync request, device
 * channel heartbeat) get it out. Each fault holds the codes in the outbox; once the link heals,
 * every accepted code is at the factory exactly once and the device channel is back.
 */
const DEVICE_ID = 'edge-link-faults-1';
const SYNC_TIMEOUT_MS = 300;
const CODES_PER_PHASE = 40;
const PHASE_DEADLINE_MS = 60_000;
// After a blackhole the device channel's connect attempt into it ends only at its handshake deadline (10 s).
const PHASES: LinkFault[] = ['reset', 'blackhole'];

describe('reliability: faults on the edge ↔ factory link (reset, blackhole)', function () {
  this.timeout(PHASE_DEADLINE_MS * (PHASES.length + 2));
  let factory: TestFactory | undefined;
  let proxy: FaultProxy | undefined;
  let edge: (TestEdge & { dbFile: string; removeDataDir(): void }) | undefined;
  let edgeStopped = false;
  const scanned = new Map<string, string>();

  before(async () => {
    factory = await startTestFactory('sqlite', { devices: { heartbeatIntervalMs: 100 } });
    const deviceToken = await factory.enrol(DEVICE_ID, { lineId: 'line-001' });
    proxy = await startFaultProxy({ host: '127.0.0.1', port: factory.factory.port });
    edge = await startKeptEdge({
      connection: { mode: 'VIA_LOCAL_SERVER' },
      factory: { url: proxy.url, deviceId: DEVICE_ID, deviceToken, heartbeatIntervalMs: 100, timeoutMs: SYNC_TIMEOUT_MS, backoff: { baseMs: 20, maxMs: 200 } },
      sync: { pollIntervalMs: 20, batchSize: 25, backoff: { baseMs: 20, maxMs: 200 } },
    });
  });

  after(async function () {
    this.timeout(60_000);
    proxy?.set('pass');
    if (edge && !edgeStopped) await edge.stop();
    edge?.removeDataDir();
    await proxy?.close();
    await factory?.stop();
  });

  const syncStatus = async () => (await edge!.request('GET', '/api/v1/sync/status', { token: edge!.tokens.operator })).body.data;
  const channelConnected = async () => (await factory!.request('GET', `/api/v1/devices/${DEVICE_ID}`, { token: factory!.tokens.operator })).body?.data?.connected === true;
  const factoryHolds = async () => (await readFactoryStore(factory!.factory.system.db)).bottleItems.length;

  async function scanFresh(n: number, phase: string) {
    for (let i = 0; i < n; i++) {
      const code = generateCode('milk');
      const res = await edge!.request('POST', '/api/v1/scanner/scan', { token: edge!.tokens.operator, body: { code } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.data.outcome, `a fresh code during ${phase}`).to.equal('accepted');
      scanned.set(identificationCodeOf(code), code);
    }
  }

  it('holds every code in the outbox through each fault and delivers each exactly once after', async () => {
    await scanFresh(CODES_PER_PHASE, 'the healthy start');
    await waitFor(async () => (await syncStatus()).queueSize === 0, PHASE_DEADLINE_MS, 'the first codes to reach the factory');
    await waitFor(channelConnected, PHASE_DEADLINE_MS, 'the device channel to open');

    for (const [index, fault] of PHASES.entries()) {
      const phase = `phase ${index + 1} (${fault})`;
      const before = await syncStatus();
      const attempts = proxy!.accepted[fault];
      proxy!.set(fault);
      await scanFresh(CODES_PER_PHASE, phase);
      // The edge felt the fault: it tried the link and its sync requests failed.
      await waitFor(async () => proxy!.accepted[fault] > attempts && (await syncStatus()).syncErrors > before.syncErrors, PHASE_DEADLINE_MS, `the edge to try the link during ${phase}`);
      const during = await syncStatus();
      expect(during.queueSize, `codes held in the outbox during ${phase}`).to.be.greaterThan(0);
      expect(await factoryHolds(), `nothing new reached the factory during ${phase}`).to.be.at.most(scanned.size - during.queueSize);

      proxy!.set('pass');
      await waitFor(async () => (await syncStatus()).queueSize === 0, PHASE_DEADLINE_MS, () => `the outbox to drain after ${phase}`);
      await waitFor(channelConnected, PHASE_DEADLINE_MS, `the device channel to come back after ${phase}`);
    }

    const status = await syncStatus();
    expect(status.parked, 'items parked').to.equal(0);
    await edge!.stop();
    edgeStopped = true;
    const disk = await readEdgeDatabase(edge!.dbFile);
    expect(disk.outboxLeft, 'edge outbox after the drain').to.equal(0);
    const store = await readFactoryStore(factory!.factory.system.db);
    // No cloud behind this factory: its forward outbox keeps everything, which is not this test's business.
    expect(factoryDisagreements({ ...store, outboxLeft: 0, parked: 0 }, disk.bottles, DEVICE_ID)).to.deep.equal([]);
    expect(store.bottleItems.map((i) => i.identificationCode).sort()).to.deep.equal([...scanned.keys()].sort());
  });
});
