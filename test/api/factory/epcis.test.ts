import { expect } from 'chai';
import { expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { syncOk } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { expectValidEpcis } from '../../support/epcis-schema.js';
import { nextId } from '../../../src/domain/ids.js';

const EVENTS = '/api/v1/epcis/events';
const BASE = 'https://id.example.com/site/';
const GTIN = '04601234567893';

describeOnBothDatabases('factory API: GET /api/v1/epcis/events (EPCIS 2.0, from the synced items)', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db, { epcis: { companyPrefixLength: 7, privateBaseUri: BASE } });
  });
  after(async () => {
    await t?.stop();
  });

  const range = (fromMs: number, toMs: number) => `?from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`;
  const events = async (query: string) => {
    const res = await t.request('GET', `${EVENTS}${query}`, { token: t.tokens.operator });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/ld\+json/);
    const document = typeof res.body === 'string' ? JSON.parse(res.body) : res.body;
    expectValidEpcis(document);
    return document.epcisBody.eventList as any[];
  };

  it('units with lot and dates as ILMD, boxes by SSCC or private URI (children by internal id or by identity), pallets of boxes', async () => {
    const token = await t.enrol('epcis-edge', { lineId: 'line-e' });
    const at = new Date().toISOString();
    const bottle = (serial: string, order: Record<string, unknown> = {}) => {
      const id = nextId();
      return { id: `bottle.created:${id}`, kind: 'bottle.created', payload: { bottleId: id, identificationCode: `01${GTIN}21${serial}`, gtin: GTIN, createdAt: at, ...order } };
    };
    const item = (kind: string, payload: Record<string, unknown>) => ({ id: `${kind}:${nextId()}`, kind, payload });
    const [b1, b2, b3] = [bottle('S1', { lot: 'L-7', productionDate: '2026-12-01', expiryDate: '270101' }), bottle('S2'), bottle('S3')];
    await syncOk(t, token, [b1!, b2!, b3!]);
    await syncOk(t, token, [
      item('batch.created', { id: 'K1', identifier: 'B-1', status: 'in_progress', createdAt: at }),
      item('batch.bottles_added', { batchId: 'K1', identifier: 'B-1', bottleIds: [b1!.payload.bottleId, b2!.payload.bottleId], bottleCount: 2 }),
      item('batch.completed', { batchId: 'K1', identifier: 'B-1', bottleCount: 2, completedAt: at, sscc: '146012340000000015' }),
      item('batch.bottles_added', { batchId: 'K2', identifier: 'B-2', children: [{ gtin: GTIN, serial: 'S3' }] }),
      item('batch.completed', { batchId: 'K2', identifier: 'B-2', bottleCount: 1, completedAt: at }),
      item('pallet.batches_added', { palletId: 'PL1', identifier: 'P-1', batchIds: ['K1', 'K2'], batchCount: 2 }),
      item('pallet.completed', { palletId: 'PL1', identifier: 'P-1', batchCount: 2, completedAt: at }),
    ]);

    const list = await events(range(Date.now() - 3_600_000, Date.now() + 3_600_000));
    const objects = list.filter((e) => e.type === 'ObjectEvent');
    expect(objects.map((o) => o.epcList[0]).sort()).to.deep.equal(['S1', 'S2', 'S3'].map((s) => `urn:epc:id:sgtin:4601234.056789.${s}`));
    const first = objects.find((o) => o.epcList[0].endsWith('.S1'));
    expect(first.ilmd).to.deep.equal({ 'cbvmda:lotNumber': 'L-7', 'cbvmda:itemExpirationDate': '2027-01-01', 'okto:productionDate': '2026-12-01' });
    expect(first.readPoint).to.deep.equal({ id: `${BASE}line/line-e` });

    const byParent = new Map(list.filter((e) => e.type === 'AggregationEvent').map((e) => [e.parentID, e]));
    expect(byParent.get('urn:epc:id:sscc:4601234.1000000001').childEPCs).to.have.members(['S1', 'S2'].map((s) => `urn:epc:id:sgtin:4601234.056789.${s}`));
    expect(byParent.get(`${BASE}box/B-2`).childEPCs).to.deep.equal(['urn:epc:id:sgtin:4601234.056789.S3']);
    expect(byParent.get(`${BASE}pallet/P-1`).childEPCs).to.have.members(['urn:epc:id:sscc:4601234.1000000001', `${BASE}box/B-2`]);
  });

  it('streams past a page (500 items): every unit once', async () => {
    const token = await t.enrol('epcis-many', { lineId: 'line-m' });
    const at = new Date().toISOString();
    const items = Array.from({ length: 520 }, (_, i) => {
      const id = nextId();
      return { id: `bottle.created:${id}`, kind: 'bottle.created', payload: { bottleId: id, identificationCode: `01${GTIN}21M${i}`, gtin: GTIN, createdAt: at } };
    });
    await syncOk(t, token, items);
    const serials = (await events(range(Date.now() - 3_600_000, Date.now() + 3_600_000))).filter((e) => e.type === 'ObjectEvent' && /\.M\d+$/.test(e.epcList[0]));
    expect(new Set(serials.map((e) => e.epcList[0])).size).to.equal(520);
    expect(serials).to.have.length(520);
  });

  it('items outside the range are not in it', async () => {
    expect(await events(range(Date.parse('2001-01-01T00:00:00Z'), Date.parse('2001-01-02T00:00:00Z')))).to.deep.equal([]);
  });

  it('400 envelope on bad ranges', async () => {
    const now = new Date().toISOString();
    for (const [query, field] of [
      ['', 'from'],
      [`?from=${now}&to=${now}`, 'to'],
      [`?from=${now}&to=soon`, 'to'],
    ] as const) {
      expectValidationError(await t.request('GET', `${EVENTS}${query}`, { token: t.tokens.operator }), field);
    }
  });

  describe('authentication', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: `${EVENTS}?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z` }]);
  });
});
