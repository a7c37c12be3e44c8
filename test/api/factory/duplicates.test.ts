import { expect } from 'chai';
import { expectData, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { bottleItem, syncOk, UNAUTHORIZED, wsBase } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { openWs } from '../../support/ws-client.js';

const DUPLICATES = '/api/v1/duplicates';
const GTIN = '04600000000017';
/** A bottle.created item naming a real identity (`01` GTIN `21` serial). */
const unit = (itemId: string, serial: string) => bottleItem(itemId, { identificationCode: `01${GTIN}21${serial}`, gtin: GTIN });

describeOnBothDatabases('factory: site-wide duplicates (unit identity index)', (db) => {
  let t: TestFactory;
  let lineA: string;
  let lineB: string;
  before(async () => {
    t = await startTestFactory(db);
    lineA = await t.enrol('dup-edge-a', { lineId: 'line-a' });
    lineB = await t.enrol('dup-edge-b', { lineId: 'line-b' });
  });
  after(async () => {
    await t?.stop();
  });
  const list = async (query = '') => {
    const res = await t.request('GET', `${DUPLICATES}${query}`, { token: t.tokens.operator });
    return { rows: expectData(res) as any[], next: res.headers.get('x-next-cursor') };
  };

  it('a code first sent by line A and then by line B is flagged in B’s ingest result, listed, and audited', async () => {
    const first = await syncOk(t, lineA, [unit('a-1', 'S1'), unit('a-2', 'S2')]);
    expect(first.crossLineDuplicates).to.deep.equal([]);
    const second = await syncOk(t, lineB, [unit('b-1', 'S2'), unit('b-2', 'S3')]);
    expect(second.results.map((r: any) => r.status)).to.deep.equal(['accepted', 'accepted']);
    expect(second.crossLineDuplicates).to.have.length(1);
    expect(second.crossLineDuplicates[0]).to.include({ identity: `01${GTIN}21S2`, itemId: 'b-1', deviceId: 'dup-edge-b', lineId: 'line-b', firstDeviceId: 'dup-edge-a', firstLineId: 'line-a' });

    const { rows } = await list();
    expect(rows.map((r) => [r.identity, r.deviceId, r.firstDeviceId])).to.deep.equal([[`01${GTIN}21S2`, 'dup-edge-b', 'dup-edge-a']]);
    const audit = expectData(await t.request('GET', '/api/v1/audit-log?entityId=dup-edge-b', { token: t.tokens.manager })) as any[];
    const entry = audit.find((e) => e.action === 'sync.crossLineDuplicates');
    expect(entry, 'audit entry').to.not.equal(undefined);
    expect(entry.deviceId).to.equal('dup-edge-b');
    expect(entry.after).to.deep.include({ lineId: 'line-b', count: 1 });
  });

  it('a resent batch changes nothing: no second flag, no second row; the same device re-sending an identity is not a duplicate', async () => {
    const before = (await list()).rows.length;
    const again = await syncOk(t, lineB, [unit('b-1', 'S2'), unit('b-2', 'S3')]);
    expect(again.results.map((r: any) => r.status)).to.deep.equal(['duplicate', 'duplicate']);
    expect(again.crossLineDuplicates).to.deep.equal([]);
    // A new item id for an identity this device (and line) sent first: a re-import, not a second line.
    const reimport = await syncOk(t, lineA, [unit('a-1-again', 'S1')]);
    expect(reimport.crossLineDuplicates).to.deep.equal([]);
    expect((await list()).rows.length).to.equal(before);
  });

  it('the same identity twice in one batch from a second line is one flag per item; items without an identity are not indexed', async () => {
    const data = await syncOk(t, lineB, [unit('b-10', 'S1'), bottleItem('b-11', { identificationCode: 'not-an-identity' })]);
    expect(data.crossLineDuplicates.map((d: any) => d.itemId)).to.deep.equal(['b-10']);
  });

  it('pages newest first with X-Next-Cursor, filters by device', async () => {
    const lineC = await t.enrol('dup-edge-c', { lineId: 'line-c' });
    await syncOk(t, lineC, [unit('c-1', 'S1'), unit('c-2', 'S2'), unit('c-3', 'S3')]);
    const all = (await list('?limit=1000')).rows;
    const first = await list('?limit=2');
    expect(first.rows).to.deep.equal(all.slice(0, 2));
    expect(first.next).to.be.a('string');
    const second = await list(`?limit=2&cursor=${encodeURIComponent(first.next!)}`);
    expect(second.rows).to.deep.equal(all.slice(2, 4));
    const ids = all.map((r) => r.id);
    expect(ids).to.deep.equal([...ids].sort((a, b) => b - a));
    const onlyC = (await list('?deviceId=dup-edge-c')).rows;
    expect(onlyC).to.have.length(3);
    expect(onlyC.every((r) => r.deviceId === 'dup-edge-c')).to.equal(true);
  });

  it('bad query: 400 envelope naming the field', async () => {
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?since=yesterday', 'since'],
      ['?cursor=bogus', 'cursor'],
      ['?unknown=1', undefined],
    ] as const) {
      expectValidationError(await t.request('GET', `${DUPLICATES}${query}`, { token: t.tokens.operator }), field);
    }
  });

  it('401 for a device token', async () => {
    UNAUTHORIZED(await t.request('GET', DUPLICATES, { token: lineA }));
  });

  describe('authentication', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: DUPLICATES }]);
  });
});

describe('factory: site-wide duplicate alarm on /ws/dashboard', () => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory('sqlite');
  });
  after(async () => {
    await t?.stop();
  });

  it('unit_duplicates names the device, line, count and codes, with a catalogue message key', async () => {
    const a = await t.enrol('ws-dup-a', { lineId: 'line-a' });
    const b = await t.enrol('ws-dup-b', { lineId: 'line-b' });
    const dash = await openWs(`${wsBase(t)}/ws/dashboard?token=${encodeURIComponent(t.tokens.operator)}`);
    try {
      await syncOk(t, a, [unit('wa-1', 'W1')]);
      await syncOk(t, b, [unit('wb-1', 'W1')]);
      const alarm = await dash.next((m) => m.type === 'unit_duplicates');
      expect(alarm.data).to.include({ deviceId: 'ws-dup-b', lineId: 'line-b', count: 1, messageKey: 'sync.site_duplicates' });
      expect(alarm.data.codes[0]).to.include({ identity: `01${GTIN}21W1`, firstDeviceId: 'ws-dup-a' });
    } finally {
      await dash.close();
    }
  });
});
