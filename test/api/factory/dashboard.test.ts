import { expect } from 'chai';
import { expectData, itRequiresAuth } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { batchItem, bottleItems, heartbeat, overview, syncOk, UNAUTHORIZED } from '../../support/factory-api-fixtures.js';

const OVERVIEW = '/api/v1/dashboard/overview';
const SPEC_KEYS = ['devicesOnline', 'devicesOffline', 'bottlesToday', 'batchesToday', 'palletsToday', 'syncQueueTotal'];

describeOnBothDatabases('factory API: GET /api/v1/dashboard/overview', (db) => {
  describe('authentication', () => {
    let shared: TestFactory;
    before(async () => {
      shared = await startTestFactory(db);
    });
    after(async () => {
      await shared?.stop();
    });
    itRequiresAuth(() => shared, [{ method: 'GET', path: OVERVIEW }]);

    it('a device token is refused: 401', async () => {
      const token = await shared.enrol('dash-edge');
      UNAUTHORIZED(await shared.request('GET', OVERVIEW, { token }));
    });
  });

  describe('figures', () => {
    let t: TestFactory;
    // A fresh factory per test: the figures are totals over the whole site.
    beforeEach(async () => {
      t = await startTestFactory(db);
    });
    afterEach(async () => {
      await t?.stop();
    });

    it("the spec's figures, all numbers, all zero on a fresh factory; `palletsToday`, not the spec's typo `palletsTodayfalse`", async () => {
      const data = expectData(await t.request('GET', OVERVIEW, { token: t.tokens.operator }));
      expect(data).to.include.all.keys(...SPEC_KEYS);
      expect(data).to.have.property('palletsToday', 0);
      expect(data).to.not.have.property('palletsTodayfalse');
      for (const key of SPEC_KEYS) expect(data[key], key).to.equal(0);
      for (const value of Object.values(data)) expect(value).to.be.a('number');
    });

    it('devicesOnline / devicesOffline follow the sessions: registered = offline, heard from = online', async () => {
      const a = await t.enrol('dash-a');
      await t.enrol('dash-b');
      await t.enrol('dash-c');
      expect(await overview(t)).to.include({ devicesOnline: 0, devicesOffline: 3 });
      expectData(await heartbeat(t, 'dash-a', a));
      expect(await overview(t)).to.include({ devicesOnline: 1, devicesOffline: 2 });
      expectData(await t.request('DELETE', '/api/v1/devices/dash-c', { token: t.tokens.manager }));
      expect(await overview(t)).to.include({ devicesOnline: 1, devicesOffline: 1 });
    });

    it("bottlesToday / batchesToday / palletsToday count today's new items once, whatever is resent", async () => {
      const token = await t.enrol('dash-sync');
      const items = [...bottleItems('d', 5), batchItem('d-b1'), batchItem('d-b2'), { id: 'd-p1', kind: 'pallet.created', payload: { id: 'p1' } }];
      await syncOk(t, token, items);
      await syncOk(t, token, items);
      expect(await overview(t)).to.include({ bottlesToday: 5, batchesToday: 2, palletsToday: 1 });
    });

    it("syncQueueTotal: the factory's own forward queue plus what the edges report waiting in theirs", async () => {
      const token = await t.enrol('dash-queue');
      // Cloud sync is on and no cloud token is configured: what arrives waits in the forward outbox.
      await syncOk(t, token, bottleItems('q', 4));
      expect((await overview(t)).syncQueueTotal).to.equal(4);
      await syncOk(t, token, bottleItems('q', 4));
      expect((await overview(t)).syncQueueTotal).to.equal(4);
      expectData(await heartbeat(t, 'dash-queue', token, { status: { syncQueue: { state: 'backlog', pending: 10 } } }));
      expect((await overview(t)).syncQueueTotal).to.equal(14);
    });

    it('"today" is the company\'s day: an item dated yesterday does not count', async () => {
      const token = await t.enrol('dash-day');
      const yesterday = new Date(Date.now() - 36 * 3600_000).toISOString();
      await syncOk(t, token, [{ id: 'y-1', kind: 'bottle.created', payload: { createdAt: yesterday } }]);
      expect((await overview(t)).bottlesToday).to.equal(0);
    });
  });
});
