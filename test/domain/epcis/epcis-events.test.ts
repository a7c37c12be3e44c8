import { expect } from 'chai';
import { epcisConfigSchema } from '../../../src/domain/epcis/epcis-config.js';
import {
  createEpcisEventBuilder,
  createEpcisExport,
  createZoneOffsetOf,
  EPCIS_CONTEXT,
  type EpcisPack,
  type EpcisUnit,
  isoDateOf,
} from '../../../src/domain/epcis/epcis-events.js';
import { expectValidEpcis } from '../../support/epcis-schema.js';

const config = epcisConfigSchema.parse({ companyPrefixLength: 7, privateBaseUri: 'https://id.example.com/okto' });
const builder = () => createEpcisEventBuilder({ config, timeZone: 'Europe/Moscow' });
const unit: EpcisUnit = { gtin: '04601234567893', serial: 'a/b"1', at: '2026-12-07T10:00:00.000Z', lineId: 'line-1', lot: 'L-42', productionDate: '261201', expiryDate: '2026-12-31' };

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
async function text(chunks: AsyncIterable<string>): Promise<{ text: string; pieces: number }> {
  let out = '';
  let pieces = 0;
  for await (const chunk of chunks) {
    out += chunk;
    pieces++;
  }
  return { text: out, pieces };
}

describe('EPCIS 2.0 events (pure builders)', () => {
  it('ObjectEvent: ADD commissioning active, SGTIN EPC URI (serial percent-encoded), zone offset, read point, ILMD', () => {
    expect(builder().objectEvent(unit)).to.deep.equal({
      type: 'ObjectEvent',
      eventTime: '2026-12-07T10:00:00.000Z',
      eventTimeZoneOffset: '+03:00',
      epcList: ['urn:epc:id:sgtin:4601234.056789.a%2Fb%221'],
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      readPoint: { id: 'https://id.example.com/okto/line/line-1' },
      ilmd: { 'cbvmda:lotNumber': 'L-42', 'cbvmda:itemExpirationDate': '2026-12-31', 'okto:productionDate': '2026-12-01' },
    });
  });

  it('without lot and dates there is no ILMD; without a line no read point', () => {
    const event = builder().objectEvent({ gtin: '04601234567893', serial: 'X', at: '2026-12-07T10:00:00Z' });
    expect(event).to.not.have.any.keys('ilmd', 'readPoint');
  });

  it('AggregationEvent of a box: parent SSCC EPC URI when there is one, else the documented private URI; children SGTINs', () => {
    const box: EpcisPack = { level: 'box', identifier: 'B-000001', sscc: '146012340000000015', at: '2026-12-07T11:00:00Z', children: [{ gtin: '04601234567893', serial: 'S1' }] };
    const event = builder().aggregationEvent(box)!;
    expect(event).to.include({ type: 'AggregationEvent', parentID: 'urn:epc:id:sscc:4601234.1000000001', action: 'ADD', bizStep: 'packing' });
    expect(event.childEPCs).to.deep.equal(['urn:epc:id:sgtin:4601234.056789.S1']);
    const noSscc = builder().aggregationEvent({ ...box, sscc: null })!;
    expect(noSscc.parentID).to.equal('https://id.example.com/okto/box/B-000001');
  });

  it('a pallet names its boxes by SSCC, or by their private URI; an empty box or pallet gives no event', () => {
    const pallet: EpcisPack = { level: 'pallet', identifier: 'P-1', at: '2026-12-07T12:00:00Z', children: [{ sscc: '146012340000000015' }, { level: 'box', identifier: 'B-2' }] };
    expect(builder().aggregationEvent(pallet)!.childEPCs).to.deep.equal(['urn:epc:id:sscc:4601234.1000000001', 'https://id.example.com/okto/box/B-2']);
    expect(builder().aggregationEvent({ ...pallet, children: [] })).to.equal(null);
  });

  it('zone offsets: half-hour zones, negative ones, DST', () => {
    expect(createZoneOffsetOf('Asia/Kolkata')(Date.parse('2026-01-01T00:00:00Z'))).to.equal('+05:30');
    const ny = createZoneOffsetOf('America/New_York');
    expect(ny(Date.parse('2026-01-15T12:00:00Z'))).to.equal('-05:00');
    expect(ny(Date.parse('2026-07-15T12:00:00Z'))).to.equal('-04:00');
    expect(createZoneOffsetOf('UTC')(0)).to.equal('+00:00');
  });

  it('GS1 dates: YYMMDD (day 00 = last day of the month) and ISO dates; anything else is dropped', () => {
    expect(isoDateOf('260229')).to.equal('2026-02-29'); // kept as given: the edge validates calendar dates
    expect(isoDateOf('260200')).to.equal('2026-02-28');
    expect(isoDateOf('2026-03-01')).to.equal('2026-03-01');
    expect(isoDateOf('261301')).to.equal(null);
    expect(isoDateOf(42)).to.equal(null);
  });

  it('the streamed document is one valid EPCIS 2.0 document (GS1 JSON schema), written piece by piece', async () => {
    const exporter = createEpcisExport({
      config,
      timeZone: 'Europe/Moscow',
      now: () => new Date('2026-12-08T00:00:00Z'),
      source: {
        units: () => from([unit, { ...unit, serial: 'S2', lot: null, productionDate: null, expiryDate: null }, { ...unit, gtin: 'bad' }]),
        packs: () =>
          from<EpcisPack>([
            { level: 'box', identifier: 'B-1', sscc: '146012340000000015', at: '2026-12-07T11:00:00Z', lineId: 'line-1', children: [{ gtin: unit.gtin, serial: unit.serial }] },
            { level: 'box', identifier: 'B-empty', at: '2026-12-07T11:00:00Z', children: [] },
            { level: 'pallet', identifier: 'P-1', at: '2026-12-07T12:00:00Z', children: [{ sscc: '146012340000000015' }] },
          ]),
      },
    });
    const { text: body, pieces } = await text(exporter.document({ from: '2026-12-07T00:00:00Z', to: '2026-12-08T00:00:00Z' }));
    expect(pieces).to.be.greaterThan(4);
    const document = JSON.parse(body);
    expect(document).to.include({ type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-12-08T00:00:00.000Z' });
    expect(document['@context'][0]).to.equal(EPCIS_CONTEXT);
    // The unit with a bad GTIN and the empty box are left out.
    expect(document.epcisBody.eventList.map((e: { type: string }) => e.type)).to.deep.equal(['ObjectEvent', 'ObjectEvent', 'AggregationEvent', 'AggregationEvent']);
    expectValidEpcis(document);
  });

  it('an empty range is a valid document with an empty event list', async () => {
    const exporter = createEpcisExport({ config, timeZone: 'UTC', source: { units: () => from([]), packs: () => from([]) } });
    const document = JSON.parse((await text(exporter.document({ from: '2026-12-07T00:00:00Z', to: '2026-12-08T00:00:00Z' }))).text);
    expect(document.epcisBody.eventList).to.deep.equal([]);
    expectValidEpcis(document);
  });

  it('the schema check is real: a document missing required fields fails it', () => {
    expect(() => expectValidEpcis({ type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList: [{ type: 'ObjectEvent', action: 'ADD' }] } })).to.throw();
  });
});
