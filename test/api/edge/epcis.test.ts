import { expect } from 'chai';
import { expectData, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { createBatch, createBottles } from '../../support/edge-fixtures.js';
import { expectValidEpcis } from '../../support/epcis-schema.js';

const EVENTS = '/api/v1/epcis/events';
const BASE = 'https://id.example.com/site/';

describe('edge API: GET /api/v1/epcis/events (EPCIS 2.0)', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge({ epcis: { companyPrefixLength: 7, privateBaseUri: BASE } });
  });
  after(async () => {
    await t?.stop();
  });

  const range = (fromMs: number, toMs: number) => `?from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`;
  const around = () => range(Date.now() - 3_600_000, Date.now() + 3_600_000);
  const events = async (query: string) => {
    const res = await t.request('GET', `${EVENTS}${query}`, { token: t.tokens.operator });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/ld\+json/);
    const document = typeof res.body === 'string' ? JSON.parse(res.body) : res.body;
    expectValidEpcis(document);
    return document.epcisBody.eventList as any[];
  };

  it('an ObjectEvent per unit and an AggregationEvent per box, valid against the EPCIS 2.0 JSON schema', async () => {
    const bottles = await createBottles(t, 3);
    const { batch } = await createBatch(t, [bottles[0]!.id, bottles[1]!.id]);
    expectData(await t.request('POST', `/api/v1/batches/${batch.id}/close`, { token: t.tokens.operator, body: {} }));

    const list = await events(around());
    const objects = list.filter((e) => e.type === 'ObjectEvent');
    expect(objects).to.have.length(3);
    for (const event of objects) {
      expect(event).to.include({ action: 'ADD', bizStep: 'commissioning', disposition: 'active' });
      // The serial is the last part and may itself hold a dot (a GS1 AI 82 character the EPC URI keeps as it is).
      expect(event.epcList[0]).to.match(/^urn:epc:id:sgtin:\d{7}\.\d{6}\..+$/);
    }
    const boxes = list.filter((e) => e.type === 'AggregationEvent');
    expect(boxes).to.have.length(1);
    expect(boxes[0]).to.include({ action: 'ADD', bizStep: 'packing', parentID: `${BASE}box/${encodeURIComponent(batch.identifier)}` });
    expect(boxes[0].childEPCs).to.have.length(2);
    expect(boxes[0].childEPCs).to.include(objects.find((o) => o.epcList[0] === boxes[0].childEPCs[0])!.epcList[0]);
  });

  it('SSCCs where the schema has them: the box’s parent and the pallet’s child are urn:epc:id:sscc', async () => {
    const db = t.edge.system.db.writer;
    for (const table of ['batches', 'pallets']) {
      const columns = (await db.raw(`PRAGMA table_info(${table})`)) as Array<{ name: string }>;
      if (!columns.some((c) => c.name === 'sscc')) await db.raw(`ALTER TABLE ${table} ADD COLUMN sscc TEXT`);
    }
    const bottles = await createBottles(t, 1);
    const { batch } = await createBatch(t, [bottles[0]!.id]);
    const now = new Date().toISOString();
    await db('pallets').insert({ id: 'pallet-epcis-1', identifier: 'P-EPCIS-1', status: 'complete', batch_count: 1, created_at: now, updated_at: now, completed_at: now, sscc: '146012340000000022' });
    await db('batches').where({ id: batch.id }).update({ pallet_id: 'pallet-epcis-1', sscc: '146012340000000015', status: 'complete', completed_at: now });

    const list = await events(around());
    const box = list.find((e) => e.type === 'AggregationEvent' && e.parentID === 'urn:epc:id:sscc:4601234.1000000001');
    expect(box, 'box by SSCC').to.not.equal(undefined);
    const pallet = list.find((e) => e.parentID === 'urn:epc:id:sscc:4601234.1000000002');
    expect(pallet.childEPCs).to.deep.equal(['urn:epc:id:sscc:4601234.1000000001']);
  });

  it('streams past a page (500 rows): every unit once', async () => {
    const before = (await events(around())).filter((e) => e.type === 'ObjectEvent').length;
    await createBottles(t, 520);
    const objects = (await events(around())).filter((e) => e.type === 'ObjectEvent');
    expect(objects).to.have.length(before + 520);
    expect(new Set(objects.map((o) => o.epcList[0])).size).to.equal(objects.length);
  });

  it('a range with nothing in it is a valid empty document', async () => {
    expect(await events(range(Date.parse('2001-01-01T00:00:00Z'), Date.parse('2001-01-02T00:00:00Z')))).to.deep.equal([]);
  });

  it('400 envelope: from/to missing, not instants, from not before to, unknown parameters', async () => {
    const now = new Date().toISOString();
    for (const [query, field] of [
      ['', 'from'],
      [`?from=${now}`, 'to'],
      [`?from=yesterday&to=${now}`, 'from'],
      [`?from=${now}&to=2020-01-01`, 'to'],
      [`?from=${now}&to=${now}`, 'to'],
      [`?from=${now}&to=2001-01-01T00:00:00Z`, 'to'],
      [`?from=${now}&to=${now}&extra=1`, undefined],
    ] as const) {
      expectValidationError(await t.request('GET', `${EVENTS}${query}`, { token: t.tokens.operator }), field);
    }
  });

  describe('authentication', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: `${EVENTS}?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z` }]);
  });
});
