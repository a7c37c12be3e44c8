import { expect } from 'chai';
import { expectData, expectError, expectValidationError } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import {
  badDeviceTokens,
  batchItem,
  bottleItem,
  bottleItems,
  deleteDevice,
  getDevice,
  overview,
  postSync,
  reissue,
  storedSyncItems,
  syncOk,
  UNAUTHORIZED,
} from '../../support/factory-api-fixtures.js';

const MAX_ITEMS = 50;

/** Today in the company's zone (the harness keeps the default, Europe/Moscow). */
const today = () => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
};

describeOnBothDatabases('factory API: POST /api/v1/sync (ingest)', (db) => {
  let t: TestFactory;
  let token: string;
  before(async () => {
    t = await startTestFactory(db, { sync: { maxItems: MAX_ITEMS } });
    token = await t.enrol('sync-edge', { lineId: 'line-7' });
  });
  after(async () => {
    await t?.stop();
  });

  describe('happy path', () => {
    it('200 {results, accepted, duplicates, rejected}: one result per item, in order, all accepted', async () => {
      const items = [bottleItem('h-1'), bottleItem('h-2'), batchItem('h-3'), bottleItem('h-4')];
      const data = await syncOk(t, token, items);
      expect(data).to.have.all.keys('results', 'accepted', 'duplicates', 'rejected', 'crossLineDuplicates');
      expect(data.results).to.deep.equal(items.map((i) => ({ id: i.id, status: 'accepted' })));
      expect(data).to.include({ accepted: 4, duplicates: 0, rejected: 0 });
    });

    it("stored once per item, under the sending device and its registered line, on the item's day", async () => {
      const items = [bottleItem('st-1'), batchItem('st-2')];
      await syncOk(t, token, items);
      const stored = await storedSyncItems(t, ['st-1', 'st-2']);
      expect(stored.map((s) => ({ id: s.id, deviceId: s.deviceId, lineId: s.lineId, kind: s.kind }))).to.deep.equal([
        { id: 'st-1', deviceId: 'sync-edge', lineId: 'line-7', kind: 'bottle.created' },
        { id: 'st-2', deviceId: 'sync-edge', lineId: 'line-7', kind: 'batch.created' },
      ]);
      expect(stored[0]!.payload).to.deep.equal(items[0]!.payload);
      expect(stored[0]!.day).to.equal(today());
    });

    it('a lineId in the body wins over the registered one; a device without a line stores null', async () => {
      await syncOk(t, token, [bottleItem('ln-1')], { lineId: 'line-9' });
      const lineless = await t.enrol('sync-lineless');
      await syncOk(t, lineless, [bottleItem('ln-2')]);
      const stored = await storedSyncItems(t, ['ln-1', 'ln-2']);
      expect(stored.map((s) => [s.id, s.deviceId, s.lineId])).to.deep.equal([
        ['ln-1', 'sync-edge', 'line-9'],
        ['ln-2', 'sync-lineless', null],
      ]);
    });

    it('counts the new bottles and batches for today on the dashboard', async () => {
      const before = await overview(t);
      await syncOk(t, token, [...bottleItems('cnt', 3), batchItem('cnt-b')]);
      const after = await overview(t);
      expect(after.bottlesToday - before.bottlesToday).to.equal(3);
      expect(after.batchesToday - before.batchesToday).to.equal(1);
    });

    it('accepts the other edge kinds and pallet.* (counted as pallets)', async () => {
      const before = await overview(t);
      const items = [
        { id: 'k-1', kind: 'bottle.status', payload: { bottleId: 'b1', status: 2 } },
        { id: 'k-2', kind: 'batch.bottles_added', payload: { batchId: 'b', bottleIds: ['b1'] } },
        { id: 'k-3', kind: 'batch.completed', payload: { batchId: 'b' } },
        { id: 'k-4', kind: 'pallet.created', payload: { id: 'p1' } },
      ];
      const data = await syncOk(t, token, items);
      expect(data.results.map((r: { status: string }) => r.status)).to.deep.equal(['accepted', 'accepted', 'accepted', 'accepted']);
      expect((await overview(t)).palletsToday - before.palletsToday).to.equal(1);
    });

    it('an item dated another day is stored on that day and not counted today', async () => {
      const before = await overview(t);
      await syncOk(t, token, [bottleItem('old-1', { createdAt: '2020-03-01T10:00:00Z' })]);
      expect((await overview(t)).bottlesToday).to.equal(before.bottlesToday);
      expect((await storedSyncItems(t, ['old-1']))[0]!.day).to.equal('2020-03-01');
    });

    it('sending is a sign of life: the device is online afterwards', async () => {
      const fresh = await t.enrol('sync-alive');
      expect((await getDevice(t, 'sync-alive')).status).to.equal('offline');
      await syncOk(t, fresh, [bottleItem('alive-1')]);
      expect((await getDevice(t, 'sync-alive')).status).to.equal('online');
    });

    it(`takes a batch of exactly sync.maxItems (${MAX_ITEMS})`, async () => {
      const data = await syncOk(t, token, bottleItems('max', MAX_ITEMS));
      expect(data.accepted).to.equal(MAX_ITEMS);
    });
  });

  describe('idempotence', () => {
    it('a resent batch is all duplicate and changes nothing (counts, stored rows)', async () => {
      const items = [...bottleItems('idem', 3), batchItem('idem-b')];
      await syncOk(t, token, items);
      const before = await overview(t);
      const again = await syncOk(t, token, items);
      expect(again.results).to.deep.equal(items.map((i) => ({ id: i.id, status: 'duplicate' })));
      expect(again).to.include({ accepted: 0, duplicates: 4, rejected: 0 });
      expect(await overview(t)).to.deep.equal(before);
      expect(await storedSyncItems(t, items.map((i) => i.id))).to.have.length(4);
    });

    it('duplicates within one batch: the first is accepted, the repeat is duplicate', async () => {
      const data = await syncOk(t, token, [bottleItem('dupin-1'), bottleItem('dupin-1'), bottleItem('dupin-2')]);
      expect(data.results.map((r: { status: string }) => r.status)).to.deep.equal(['accepted', 'duplicate', 'accepted']);
    });

    it('a partly new batch: old ids duplicate, new ones accepted; another device resending an id gets duplicate', async () => {
      await syncOk(t, token, [bottleItem('part-1')]);
      const data = await syncOk(t, token, [bottleItem('part-1'), bottleItem('part-2')]);
      expect(data.results).to.deep.equal([
        { id: 'part-1', status: 'duplicate' },
        { id: 'part-2', status: 'accepted' },
      ]);
      const other = await t.enrol('sync-other');
      expect((await syncOk(t, other, [bottleItem('part-2')])).results).to.deep.equal([{ id: 'part-2', status: 'duplicate' }]);
      expect((await storedSyncItems(t, ['part-2']))[0]!.deviceId).to.equal('sync-edge');
    });

    it('the same batch sent concurrently: each item accepted exactly once, never a 500', async () => {
      const items = bottleItems('conc', 20);
      const before = await overview(t);
      const responses = await Promise.all([1, 2, 3].map(() => postSync(t, token, { items })));
      const datas = responses.map((r) => expectData(r));
      expect(datas.reduce((sum, d) => sum + d.accepted, 0)).to.equal(20);
      expect(datas.reduce((sum, d) => sum + d.duplicates, 0)).to.equal(40);
      expect((await overview(t)).bottlesToday - before.bottlesToday).to.equal(20);
    });
  });

  describe('per-item rejection', () => {
    it('an unknown kind is rejected with a reason; the rest of the batch is stored', async () => {
      const before = await overview(t);
      const data = await syncOk(t, token, [bottleItem('rej-1'), { id: 'rej-2', kind: 'bottle.exploded', payload: {} }, bottleItem('rej-3')]);
      expect(data.results[0]).to.deep.equal({ id: 'rej-1', status: 'accepted' });
      expect(data.results[1]).to.include({ id: 'rej-2', status: 'rejected' });
      expect(data.results[1].reason).to.match(/unknown kind/);
      expect(data.results[2]).to.deep.equal({ id: 'rej-3', status: 'accepted' });
      expect(data).to.include({ accepted: 2, duplicates: 0, rejected: 1 });
      expect((await overview(t)).bottlesToday - before.bottlesToday).to.equal(2);
      expect((await storedSyncItems(t, ['rej-1', 'rej-2', 'rej-3'])).map((s) => s.id)).to.deep.equal(['rej-1', 'rej-3']);
    });

    it('a rejected item is not remembered: sent again with a known kind it is accepted', async () => {
      await syncOk(t, token, [{ id: 'rej-later', kind: 'nonsense', payload: {} }]);
      expect((await syncOk(t, token, [bottleItem('rej-later')])).results).to.deep.equal([{ id: 'rej-later', status: 'accepted' }]);
    });
  });

  describe('bad input: 400 VALIDATION_ERROR for the whole batch, nothing stored', () => {
    it('missing, empty, wrong types, unknown fields, ids too long', async () => {
      const ok = bottleItem('never-stored');
      const cases: Array<[unknown, string]> = [
        [{}, 'items'],
        [{ items: [] }, 'items'],
        [{ items: 'all of them' }, 'items'],
        [{ items: null }, 'items'],
        [{ items: [ok], extra: true }, 'extra'],
        [{ items: [ok], lineId: 7 }, 'lineId'],
        [{ items: [ok], lineId: '' }, 'lineId'],
        [{ items: [{ ...ok, id: 42 }] }, 'items.0.id'],
        [{ items: [{ ...ok, id: '' }] }, 'items.0.id'],
        [{ items: [{ ...ok, id: 'i'.repeat(201) }] }, 'items.0.id'],
        [{ items: [{ id: 'x', payload: {} }] }, 'items.0.kind'],
        [{ items: [{ ...ok, kind: 'k'.repeat(65) }] }, 'items.0.kind'],
        [{ items: [{ id: 'x', kind: 'bottle.created' }] }, 'items.0.payload'],
        [{ items: [{ ...ok, payload: [1, 2] }] }, 'items.0.payload'],
        [{ items: [{ ...ok, payload: 'text' }] }, 'items.0.payload'],
        [{ items: [ok, { ...ok, id: 'y', sentAt: 'now' }] }, 'items.1.sentAt'],
        [{ items: ['bottle'] }, 'items.0'],
      ];
      for (const [body, field] of cases) expectValidationError(await postSync(t, token, body), field);
      for (const rawBody of ['{"items":[', '{', 'null', '[]', '"items"']) {
        expectError(await t.request('POST', '/api/v1/sync', { token, rawBody }), 400, 'VALIDATION_ERROR');
      }
      expect(await storedSyncItems(t, ['never-stored', 'x', 'y'])).to.deep.equal([]);
    });

    it(`more than sync.maxItems (${MAX_ITEMS}) items: 400 naming items, nothing stored`, async () => {
      const items = bottleItems('over', MAX_ITEMS + 1);
      const error = expectValidationError(await postSync(t, token, { items }), 'items');
      expect(JSON.stringify(error.details)).to.match(/50/);
      expect(await storedSyncItems(t, items.map((i) => i.id))).to.deep.equal([]);
    });
  });

  describe('authentication: device tokens only', () => {
    it('401 without a token, for bad or forged device tokens, and for user tokens of every role', async () => {
      const body = { items: [bottleItem('auth-never')] };
      UNAUTHORIZED(await t.request('POST', '/api/v1/sync', { body }));
      for (const [label, bad] of badDeviceTokens(t, 'sync-edge')) {
        const res = await postSync(t, bad, body);
        expect(res.status, label).to.equal(401);
        UNAUTHORIZED(res);
      }
      for (const user of [t.tokens.operator, t.tokens.manager, t.tokens.admin]) expect(UNAUTHORIZED(await postSync(t, user, body)).message).to.match(/user token/i);
      expect(await storedSyncItems(t, ['auth-never'])).to.deep.equal([]);
    });

    it('401 for a revoked (re-issued) token and for a deleted device; authentication comes before validation', async () => {
      const first = await t.enrol('sync-revoked');
      const second = await reissue(t, 'sync-revoked');
      UNAUTHORIZED(await postSync(t, first, { items: [bottleItem('rev-1')] }));
      UNAUTHORIZED(await postSync(t, first, { nonsense: true }));
      await syncOk(t, second, [bottleItem('rev-2')]);
      await deleteDevice(t, 'sync-revoked');
      UNAUTHORIZED(await postSync(t, second, { items: [bottleItem('rev-3')] }));
      expect((await storedSyncItems(t, ['rev-1', 'rev-2', 'rev-3'])).map((s) => s.id)).to.deep.equal(['rev-2']);
    });
  });
});
