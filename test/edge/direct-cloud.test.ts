import path from 'node:path';
import { expect } from 'chai';
import knexFactory from 'knex';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import { REJECT_REASONS } from '../../src/cloud-sim/sync-ledger.js';
import { expectData } from '../support/api-expect.js';
import {
  getData,
  provisionThroughApi,
  type RestartableEdge,
  simAdmin,
  simStats,
  startRestartableEdge,
  startSim,
  waitForEmptyQueue,
} from '../support/direct-cloud.js';
import type { TestEdge } from '../support/edge-harness.js';
import { codes } from '../support/edge-fixtures.js';
import { waitFor } from '../support/wait-for.js';
import { openWs, type TestWsClient } from '../support/ws-client.js';

/** Scans each code through POST /api/v1/scanner/scan and expects it accepted. */
async function scanAll(t: TestEdge, list: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const code of list) {
    const data = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
    expect(data.outcome, JSON.stringify(data)).to.equal('accepted');
    ids.push(data.bottleId);
  }
  return ids;
}

/** Every bottle of the edge by status, from /bottles/count (statuses with no bottles left out). */
async function bottlesByStatus(t: TestEdge): Promise<Record<string, number>> {
  const { byStatus } = await getData(t, '/api/v1/bottles/count');
  return Object.fromEntries(Object.entries(byStatus as Record<string, number>).filter(([, n]) => n > 0));
}

describe('direct-cloud mode end to end (edge + cloud simulator)', function () {
  this.timeout(120_000);
  let sim: CloudSim;
  let edge: RestartableEdge;
  const extra: RestartableEdge[] = [];
  const clients: TestWsClient[] = [];

  beforeEach(async () => {
    sim = await startSim();
    edge = await startRestartableEdge(sim);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all([edge, ...extra.splice(0)].map((e) => e.dispose()));
    await sim.close();
  });

  it('provisions through the API, scans 200 codes and delivers each to the cloud exactly once, with sync events on /ws', async () => {
    const { t } = edge;
    const ws = await openWs(`${t.url.replace(/^http/, 'ws')}/ws?token=${t.tokens.operator}`);
    clients.push(ws);
    await provisionThroughApi(t);
    const list = codes(200);
    await scanAll(t, list);
    const status = await waitForEmptyQueue(t, 60_000);
    expect(status).to.include({ queueSize: 0, oldestItem: null, parked: 0 });
    expect(status.lastSync).to.match(/^\d{4}-\d{2}-\d{2}T/);

    const stats = await simStats(sim);
    expect(stats.bottles).to.equal(200);
    expect(stats.itemsStored).to.equal(200);
    expect(stats.byKind).to.deep.equal({ 'bottle.created': 200 });
    expect(stats.rejected).to.equal(0);
    const received = await fetch(`${sim.url}/admin/bottles?limit=1000`).then((r) => r.json() as Promise<{ data: { total: number; codes: string[] } }>);
    expect(received.data.total).to.equal(200);
    expect(new Set(received.data.codes)).to.deep.equal(new Set(list.map((code) => code.slice(0, 24))));

    expect(await bottlesByStatus(t)).to.deep.equal({ 3: 200 });
    const started = await ws.next((m) => m.type === 'sync' && m.data.status === 'started');
    expect(started).to.deep.equal({ type: 'sync', data: { status: 'started' } });
    const completed = await ws.next((m) => m.type === 'sync' && m.data.status === 'completed' && m.data.synced > 0);
    expect(completed.data).to.include({ parked: 0 });
    // Each cycle reports what it synced: together, every code once.
    const syncedSoFar = () => ws.messages.filter((m) => m.type === 'sync' && m.data.status === 'completed').reduce((sum, m) => sum + (m.data.synced as number), 0);
    await waitFor(() => syncedSoFar() >= 200, 10_000, () => `completed events adding up to 200 (so far ${syncedSoFar()})`);
    expect(syncedSoFar()).to.equal(200);
    expect(ws.messages.filter((m) => m.type === 'sync' && m.data.status === 'failed')).to.deep.equal([]);
  });

  it('keeps everything through a period of 503s and drains it when the cloud recovers, nothing lost or doubled', async () => {
    const { t } = edge;
    const ws = await openWs(`${t.url.replace(/^http/, 'ws')}/ws?token=${t.tokens.operator}`);
    clients.push(ws);
    await provisionThroughApi(t);
    await scanAll(t, codes(20));
    await waitForEmptyQueue(t);

    await simAdmin(sim, '/faults', { mode: 'error503', paths: ['/device/sync'] });
    const during = codes(60);
    await scanAll(t, during.slice(0, 30));
    await waitFor(async () => (await getData(t, '/api/v1/sync/status')).syncErrors > 0, 10_000, 'a failed sync');
    await scanAll(t, during.slice(30));
    // The queue holds everything scanned during the outage.
    const held = await getData(t, '/api/v1/sync/status');
    expect(held.queueSize).to.equal(60);
    expect(held.lastError).to.match(/HTTP 503/);
    await ws.next((m) => m.type === 'sync' && m.data.status === 'failed' && /503/.test(m.data.reason));
    const connection = await getData(t, '/api/v1/connection/status');
    expect(connection.queueSize).to.equal(60);

    await simAdmin(sim, '/faults', { mode: 'none' });
    await waitForEmptyQueue(t);
    const stats = await simStats(sim);
    expect(stats.bottles).to.equal(80);
    expect(stats.itemsStored).to.equal(80);
    expect(stats.rejected).to.equal(0);
    expect(await bottlesByStatus(t)).to.deep.equal({ 3: 80 });
  });

  it('parks a code the cloud refuses (reported before by another edge) with its reason, and delivers the rest', async () => {
    const { t } = edge;
    await provisionThroughApi(t, 'device-001');
    const other = await startRestartableEdge(sim);
    extra.push(other);
    await provisionThroughApi(other.t, 'device-002');

    const shared = codes(1)[0]!;
    await scanAll(t, [shared]);
    await waitForEmptyQueue(t);
    const mine = codes(10);
    const [sharedId] = await scanAll(other.t, [...mine.slice(0, 5), shared, ...mine.slice(5)]).then((ids) => [ids[5]]);
    const status = await waitForEmptyQueue(other.t);
    expect(status.parked).to.equal(1);

    const parked = await getData(other.t, '/api/v1/sync/parked');
    expect(parked).to.have.length(1);
    expect(parked[0]).to.include({ id: `bottle.created:${sharedId}`, kind: 'bottle.created', reason: REJECT_REASONS.codeAlreadyReported });
    expect(parked[0].parkedAt).to.match(/^\d{4}-/);
    const stats = await simStats(sim);
    expect(stats.bottles).to.equal(11);
    expect(stats.rejected).to.equal(1);
    // The refused one is not Synced; the ten others are.
    const counts = await getData(other.t, '/api/v1/bottles/count');
    expect(counts.count).to.equal(11);
    expect(counts.byStatus['3']).to.equal(10);
    const refused = expectData(await other.t.request('GET', `/api/v1/bottles/${sharedId}`, { token: other.t.tokens.operator }));
    expect(refused.status).to.not.equal(3);
  });

  it('parks an item of a kind the cloud does not know without blocking the rows behind it', async () => {
    const { t } = edge;
    // Not provisioned yet: the rows wait in the outbox, the unknown one among them.
    await scanAll(t, codes(3));
    const db = knexFactory({ client: 'sqlite3', connection: { filename: path.join(edge.dataDir, 'edge.db') }, useNullAsDefault: true });
    try {
      await db.raw('PRAGMA busy_timeout = 10000');
      await db('outbox').insert({ kind: 'mystery.thing', ref_id: 'x-1', payload: JSON.stringify({ what: 'unknown' }), created_at: new Date().toISOString() });
    } finally {
      await db.destroy();
    }
    await scanAll(t, codes(3));
    expect((await getData(t, '/api/v1/sync/status')).queueSize).to.equal(7);

    await provisionThroughApi(t);
    const status = await waitForEmptyQueue(t);
    expect(status.parked).to.equal(1);
    const parked = await getData(t, '/api/v1/sync/parked');
    expect(parked).to.have.length(1);
    expect(parked[0]).to.include({ id: 'mystery.thing:x-1', kind: 'mystery.thing', reason: REJECT_REASONS.unknownKind('mystery.thing') });
    expect((await simStats(sim)).bottles).to.equal(6);
    expect(await bottlesByStatus(t)).to.deep.equal({ 3: 6 });
  });

  it('comes back PROVISIONED after a restart on the same data, and keeps syncing with its device token', async () => {
    await provisionThroughApi(edge.t);
    const before = await getData(edge.t, '/api/v1/provision/status');
    expect(before.status).to.equal('PROVISIONED');
    await scanAll(edge.t, codes(5));
    await waitForEmptyQueue(edge.t);

    const t = await edge.restart();
    const after = await waitFor(async () => {
      const s = await getData(t, '/api/v1/provision/status');
      return s.status === 'PROVISIONED' ? s : null;
    }, 10_000, 'PROVISIONED after the restart');
    expect(after).to.deep.equal(before);
    await scanAll(t, codes(5));
    await waitForEmptyQueue(t);
    expect((await simStats(sim)).bottles).to.equal(10);
    expect(await bottlesByStatus(t)).to.deep.equal({ 3: 10 });
  });

  it('a restart while SIGNED_IN comes back SIGNED_IN, from where the operator can continue', async () => {
    const { t } = edge;
    expectData(await t.request('POST', '/api/v1/provision/signin', { token: t.tokens.manager, body: { email: 'demo@okto.cloud', password: 'demo12345' } }));
    const restarted = await edge.restart();
    await waitFor(async () => (await getData(restarted, '/api/v1/provision/status')).status === 'SIGNED_IN', 10_000, 'SIGNED_IN after the restart');
    const devices = expectData(await restarted.request('GET', '/api/v1/provision/devices', { token: restarted.tokens.manager }));
    expect(devices.map((d: { id: string }) => d.id)).to.deep.equal(['device-001', 'device-002']);
    expectData(await restarted.request('POST', '/api/v1/provision/activate', { token: restarted.tokens.manager, body: { deviceId: 'device-001' } }));
    expect((await getData(restarted, '/api/v1/provision/status')).status).to.equal('PROVISIONED');
  });

  it('when the cloud expires every token, the queue goes offline, provisioning says the device token was rejected, and re-activation resumes sync', async () => {
    const { t } = edge;
    await provisionThroughApi(t);
    await scanAll(t, codes(3));
    await waitForEmptyQueue(t);

    await simAdmin(sim, '/expire-tokens');
    await scanAll(t, codes(4));
    const provision = await waitFor(async () => {
      const s = await getData(t, '/api/v1/provision/status');
      return s.error ? s : null;
    }, 10_000, 'provisioning to report the rejected token');
    expect(provision.status).to.equal('PROVISIONED');
    expect(provision.error).to.equal('The cloud rejected this device token: deprovision and activate again');

    // Offline, and it stays so: no retry loop against a cloud that refuses the token.
    const offline = await waitFor(async () => {
      const s = await getData(t, '/api/v1/sync/status');
      return s.state === 'offline' ? s : null;
    }, 10_000, 'the sync queue offline');
    expect(offline.queueSize).to.equal(4);
    expect(offline.lastError).to.match(/HTTP 401/);
    const connection = await getData(t, '/api/v1/connection/status');
    expect(connection.connected).to.equal(false);
    expect(connection.target.ready).to.equal(false);
    // A manual sync is refused with the reason, rather than sent with a token known to be dead.
    const trigger = await t.request('POST', '/api/v1/cloud/sync', { token: t.tokens.operator });
    expect(trigger.status, JSON.stringify(trigger.body)).to.equal(409);
    expect(trigger.body.error.message).to.match(/HTTP 401|rejected/);
    expect((await getData(t, '/api/v1/sync/status')).state).to.equal('offline');

    expectData(await t.request('POST', '/api/v1/provision/deprovision', { token: t.tokens.admin }));
    await provisionThroughApi(t);
    await waitForEmptyQueue(t);
    expect((await simStats(sim)).bottles).to.equal(7);
    expect(await bottlesByStatus(t)).to.deep.equal({ 3: 7 });
  });
});
