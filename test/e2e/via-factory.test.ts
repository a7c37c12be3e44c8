import { expect } from 'chai';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import { provision } from '../cloud-sim/sim-harness.js';
import { readEdgeDatabase } from '../reliability/support/edge-db.js';
import { checkNothingLost, describeFindings } from '../reliability/support/nothing-lost.js';
import { RecordedLine } from '../reliability/support/recorded-line.js';
import { expectData } from '../support/api-expect.js';
import { getData, startSim, waitForEmptyQueue } from '../support/direct-cloud.js';
import type { TestEdge } from '../support/edge-harness.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../support/factory-harness.js';
import { factoryDisagreements, readFactoryStore } from '../support/factory-store-view.js';
import { startKeptEdge } from '../support/kept-edge.js';
import { waitFor } from '../support/wait-for.js';
import { openWs, type TestWsClient } from '../support/ws-client.js';

/**
 * The whole site on one machine: the OKTO Cloud simulator, a factory server forwarding to it, an
 * edge in VIA_LOCAL_SERVER mode enrolled at the factory, and a TCP line reader feeding the edge
 * valid, duplicate and invalid codes. What the edge accepted must reach the factory and the cloud
 * exactly once, and the control room must see the edge and its production.
 */
const FRAMES = 300;
const DEVICE_ID = 'edge-e2e-1';
// Generous: these bound a hang on a loaded 2-core machine, they are not expectations of speed.
const SETTLE_MS = 120_000;

describeOnBothDatabases('end to end: line → edge → factory → cloud', (db) => {
  let sim: CloudSim | undefined;
  let factory: TestFactory | undefined;
  let dashboard: TestWsClient | undefined;
  let line: RecordedLine | undefined;
  let edge: Awaited<ReturnType<typeof startKeptEdge>> | undefined;
  let edgeStopped = false;

  before(async function () {
    this.timeout(SETTLE_MS + 120_000);
    sim = await startSim();
    const { deviceToken } = await provision(sim);
    factory = await startTestFactory(db, {
      cloud: { url: sim.url, deviceToken, timeoutMs: 5_000, pollIntervalMs: 50, batchSize: 100, backoff: { baseMs: 20, maxMs: 200 } },
      devices: { heartbeatIntervalMs: 200 },
      dashboard: { metricsIntervalMs: 200 },
    });
    // The control room watches from before the edge is there: it must see it come online.
    dashboard = await openWs(`ws://127.0.0.1:${factory.factory.port}/ws/dashboard?token=${factory.tokens.operator}`);
    const deviceToken2 = await factory.enrol(DEVICE_ID, { lineId: 'line-001' });

    line = new RecordedLine({ seed: 4242, mix: { duplicate: 0.1, invalid: 0.1 }, tickMs: 10 });
    const readerPort = await line.start();
    edge = await startKeptEdge({
      connection: { mode: 'VIA_LOCAL_SERVER' },
      factory: { url: factory.url, deviceId: DEVICE_ID, deviceToken: deviceToken2, heartbeatIntervalMs: 100, backoff: { baseMs: 20, maxMs: 200 } },
      sync: { pollIntervalMs: 50, batchSize: 50, backoff: { baseMs: 20, maxMs: 200 } },
      scanners: [line.scannerConfig(readerPort)],
    });
    await waitFor(() => line!.sim.connected, SETTLE_MS, 'the edge to dial the line reader');

    line.startScanning(FRAMES);
    await line.waitAnswered(SETTLE_MS, FRAMES);
    await waitForEmptyQueue(edge, SETTLE_MS);
    const accepted = line.records().codes.size;
    await waitFor(
      async () => (await factory!.factory.system.forwardOutbox.status()).queueSize === 0 && sim!.store.ledger.stats().bottles >= accepted,
      SETTLE_MS,
      () => `the factory to forward everything (cloud holds ${sim!.store.ledger.stats().bottles} of ${accepted})`,
    );
  });

  after(async function () {
    this.timeout(60_000);
    await line?.stop();
    if (!edgeStopped) await edge?.stop();
    edge?.removeDataDir();
    await dashboard?.close();
    await factory?.stop();
    await sim?.close();
  });

  const stopEdge = async () => {
    if (!edgeStopped) await edge!.stop();
    edgeStopped = true;
  };

  it('the line sent valid, duplicate and invalid codes, and the edge answered each as it should', () => {
    const { codes, anomalies } = line!.records();
    const kinds = line!.frames.map((f) => f.kind);
    expect(line!.frames).to.have.length(FRAMES);
    expect(kinds.filter((k) => k === 'duplicate').length, 'duplicate frames').to.be.greaterThan(0);
    expect(kinds.filter((k) => k === 'invalid').length, 'invalid frames').to.be.greaterThan(0);
    expect(line!.strayReplies).to.deep.equal([]);
    expect(anomalies).to.deep.equal([]);
    expect([...codes.values()].every((r) => r.ackedInCycle !== null)).to.equal(true);
    const counters = edge!.edge.system.scanLine().getSnapshot().context.counters;
    expect(counters).to.deep.include({ accepted: codes.size, duplicates: kinds.filter((k) => k === 'duplicate').length, invalid: kinds.filter((k) => k === 'invalid').length });
  });

  it('a /ws/dashboard client saw the edge come online and metrics with bottlesPerMinute > 0', async function () {
    this.timeout(60_000);
    const online = await dashboard!.next((m) => m.type === 'device_status' && m.data.deviceId === DEVICE_ID && m.data.status === 'online', 30_000);
    expect(online.data.previous).to.be.a('string');
    const metrics = await dashboard!.next((m) => m.type === 'metrics' && m.data.bottlesPerMinute > 0, 30_000);
    expect(metrics.data.bottlesPerMinute).to.be.at.most(line!.records().codes.size);
  });

  it('GET /api/v1/dashboard/overview counts the accepted codes as bottlesToday, and the edge online', async () => {
    const overview = expectData(await factory!.request('GET', '/api/v1/dashboard/overview', { token: factory!.tokens.operator }));
    expect(overview.bottlesToday).to.equal(line!.records().codes.size);
    expect(overview.devicesOnline).to.equal(1);
    const status = await getData(edge!, '/api/v1/connection/status');
    expect(status).to.deep.include({ mode: 'VIA_LOCAL_SERVER', queueSize: 0 });
  });

  it('every accepted code is at the factory exactly once, under its edge item id; duplicates and invalid codes are not', async () => {
    await stopEdge();
    const disk = await readEdgeDatabase(edge!.dbFile);
    const { codes, invalidCodes } = line!.records();
    const store = await readFactoryStore(factory!.factory.system.db);
    expect(factoryDisagreements(store, disk.bottles, DEVICE_ID)).to.deep.equal([]);
    expect(store.bottleItems).to.have.length(codes.size);
    expect(new Set(store.bottleItems.map((i) => i.identificationCode))).to.deep.equal(new Set(codes.keys()));
    const identifiers = new Set(store.bottleItems.map((i) => i.identifier));
    expect(invalidCodes.filter((code) => identifiers.has(code)), 'invalid codes at the factory').to.deep.equal([]);
    expect(store.itemsByKind).to.deep.equal({ 'bottle.created': codes.size });
    expect(store.parked).to.equal(0);
  });

  it('the edge outbox is empty and every bottle Synced; the cloud holds each code exactly once', async () => {
    await stopEdge();
    const { codes, anomalies } = line!.records();
    const findings = checkNothingLost({ codes, anomalies, disk: await readEdgeDatabase(edge!.dbFile), cloud: sim!.store.ledger });
    expect(describeFindings(findings)).to.deep.equal([]);
    expect(findings.edgeBottles).to.equal(codes.size);
    expect(findings.cloudBottles).to.equal(codes.size);
  });
});
