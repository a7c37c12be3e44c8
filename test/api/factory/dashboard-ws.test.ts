import { expect } from 'chai';
import { edgeSecret, expectData, expiredToken, signToken } from '../../support/api-expect.js';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { batchItem, bottleItems, connectDevice, heartbeat, syncOk, wsBase } from '../../support/factory-api-fixtures.js';
import { openWs, refusalStatus, type TestWsClient, type WsMessage } from '../../support/ws-client.js';
import { waitFor } from '../../support/wait-for.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('factory dashboard feed: /ws/dashboard', () => {
  let t: TestFactory;
  const clients: TestWsClient[] = [];
  before(async () => {
    // Fast cadence and short deadlines, so the feed's messages come within a test.
    t = await startTestFactory('sqlite', { dashboard: { metricsIntervalMs: 100 }, devices: { staleAfterMs: 600, offlineAfterMs: 1_200 } });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await t?.stop();
  });

  const url = (query = '') => `${wsBase(t)}/ws/dashboard${query}`;
  const watch = async (token = t.tokens.operator) => {
    const client = await openWs(url(`?token=${encodeURIComponent(token)}`));
    clients.push(client);
    return client;
  };
  const statusOf = (deviceId: string, status: string) => (m: WsMessage) => m.type === 'device_status' && m.data.deviceId === deviceId && m.data.status === status;

  describe('authentication: user tokens only', () => {
    it('accepts any role in ?token= or the Authorization header', async () => {
      for (const token of [t.tokens.operator, t.tokens.manager, t.tokens.admin]) await watch(token);
      const viaHeader = await openWs(url(), { authorization: `Bearer ${t.tokens.operator}` });
      clients.push(viaHeader);
    });

    it('401 at the upgrade without a token, for a bad or expired one, and for a device token', async () => {
      const device = await t.enrol('dws-device-token');
      const secret = edgeSecret(t);
      expect(await refusalStatus(url())).to.equal(401);
      for (const token of ['garbage', expiredToken(secret), signToken('another-secret-that-is-long-enough-000000'), signToken(secret, { typ: 'device' }), device]) {
        expect(await refusalStatus(url(`?token=${encodeURIComponent(token)}`)), token).to.equal(401);
        expect(await refusalStatus(url(), { authorization: `Bearer ${token}` }), token).to.equal(401);
      }
    });
  });

  describe('device_status', () => {
    it('on every change of state: offline → online on a heartbeat, then stale and offline as the deadlines pass', async () => {
      const dash = await watch();
      const token = await t.enrol('dws-life');
      expectData(await heartbeat(t, 'dws-life', token));
      const online = await dash.next(statusOf('dws-life', 'online'));
      expect(online.data).to.include({ deviceId: 'dws-life', status: 'online', previous: 'offline' });
      expect(online.data.at).to.match(ISO);
      const stale = await dash.next(statusOf('dws-life', 'stale'));
      expect(stale.data.previous).to.equal('online');
      const offline = await dash.next(statusOf('dws-life', 'offline'));
      expect(offline.data.previous).to.equal('stale');
      expect(Date.parse(offline.data.at)).to.be.greaterThan(Date.parse(stale.data.at));
    });

    it('when a device channel opens', async () => {
      const dash = await watch();
      const token = await t.enrol('dws-channel');
      const channel = await connectDevice(t, token);
      try {
        expect((await dash.next(statusOf('dws-channel', 'online'))).data.previous).to.equal('offline');
      } finally {
        await channel.close();
      }
    });

    it('on every report, with what the device reported (over HTTP or the channel)', async () => {
      const dash = await watch();
      const token = await t.enrol('dws-report');
      const status = { mode: 'VIA_LOCAL_SERVER', line: { state: 'running', accepted: 12 }, syncQueue: { state: 'idle', pending: 0 } };
      expectData(await heartbeat(t, 'dws-report', token, { status }));
      const report = await dash.next((m) => m.type === 'device_status' && m.data.deviceId === 'dws-report' && m.data.reported !== undefined);
      expect(report.data).to.include({ deviceId: 'dws-report', status: 'online' });
      expect(report.data.reported).to.deep.equal(status);

      const channel = await connectDevice(t, token);
      try {
        channel.send('heartbeat', { status: { line: { state: 'stopped', accepted: 13 } } });
        const second = await dash.next((m) => m.type === 'device_status' && m.data.deviceId === 'dws-report' && m.data.reported?.line?.state === 'stopped');
        expect(second.data.reported).to.deep.equal({ line: { state: 'stopped', accepted: 13 } });
      } finally {
        await channel.close();
      }
    });

    it('every watcher gets the same messages', async () => {
      const [a, b] = [await watch(), await watch(t.tokens.admin)];
      const token = await t.enrol('dws-fanout');
      expectData(await heartbeat(t, 'dws-fanout', token));
      const [fromA, fromB] = await Promise.all([a.next(statusOf('dws-fanout', 'online')), b.next(statusOf('dws-fanout', 'online'))]);
      expect(fromA.data).to.deep.equal(fromB.data);
    });
  });

  describe('metrics', () => {
    const metricsAfter = (client: TestWsClient, index: number, predicate: (data: any) => boolean = () => true) =>
      client.next((m) => m.type === 'metrics' && client.messages.indexOf(m) >= index && predicate(m.data));

    it('at the configured cadence: bottlesPerMinute and batchesCompleted, numbers', async () => {
      const dash = await watch();
      await waitFor(() => dash.messages.filter((m) => m.type === 'metrics').length >= 3, 5000, 'three metrics messages');
      for (const m of dash.messages.filter((m) => m.type === 'metrics')) {
        expect(m.data).to.include.keys('bottlesPerMinute', 'batchesCompleted');
        expect(m.data.bottlesPerMinute).to.be.a('number').and.at.least(0);
        expect(m.data.batchesCompleted).to.be.a('number').and.at.least(0);
        expect(m.data.at).to.match(ISO);
      }
    });

    it('bottlesPerMinute counts the bottles ingested (new ones only); batchesCompleted the batches completed today', async () => {
      const dash = await watch();
      const baseline = (await metricsAfter(dash, 0)).data;
      const token = await t.enrol('dws-metrics');
      const items = [...bottleItems('dws', 7), batchItem('dws-b1'), { id: 'dws-c1', kind: 'batch.completed', payload: { batchId: 'b1' } }];
      await syncOk(t, token, items);
      await syncOk(t, token, items); // all duplicate: must not count again
      const mark = dash.messages.length;
      const after = await metricsAfter(dash, mark);
      expect(after.data.bottlesPerMinute).to.equal(baseline.bottlesPerMinute + 7);
      expect(after.data.batchesCompleted).to.equal(baseline.batchesCompleted + 1);
    });
  });
});
