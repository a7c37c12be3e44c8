import { expect } from 'chai';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import { GS } from '../../../src/domain/codes/index.js';
import { nextId } from '../../../src/domain/ids.js';
import type { CommitItem } from '../../../src/domain/scan-commit.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { invalidCode, validCode } from '../../support/scan-fixtures.js';

const NOW = '2030-05-06T07:08:09.000Z';

describe('writeScanGroup', () => {
  let store: TestEdgeDb;
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    await store.close();
  });

  const write = (items: CommitItem[], now = NOW) => writeScanGroup(store.db.writer, items, nextId, now);
  const db = () => store.db.reader;
  const bottles = () => db()('bottles').orderBy('id');
  const scans = () => db()('scans').orderBy('id');
  const outbox = () => db()('outbox').orderBy('seq');
  const createdCount = async () => (await db()('bottle_status_counts').where({ status: 0 }).first()).count as number;

  it('stores new codes as bottles, with an outbox row and a scans row each, and counts them', async () => {
    const items = [scanItem(validCode(1), { receivedAt: '2030-05-06T07:08:00.000Z' }), scanItem(validCode(2))];
    const results = await write(items);

    expect(results.map((r) => r.outcome)).to.deep.equal(['accepted', 'accepted']);
    const stored = await bottles();
    expect(stored.map((b) => b.id).sort()).to.deep.equal(results.map((r) => r.bottleId).sort());
    const first = stored.find((b) => b.id === results[0]!.bottleId)!;
    expect(first).to.deep.include({
      identifier: items[0]!.bottle!.identifier,
      identification_code: items[0]!.bottle!.identificationCode,
      gtin: items[0]!.bottle!.gtin,
      serial: items[0]!.bottle!.serial,
      status: 0,
      production_line_id: 'line-1',
      device_id: 'edge-1',
      source: 'cam-1',
      created_at: '2030-05-06T07:08:00.000Z',
      updated_at: NOW,
    });

    // The outbox row references the bottle (the sync queue reads the bottle itself).
    const rows = await outbox();
    expect(rows.map((r) => [r.kind, r.ref_id, r.created_at])).to.deep.equal(results.map((r) => ['bottle.created', r.bottleId, NOW]));

    expect((await scans()).map((s) => [s.outcome, s.bottle_id, s.received_at])).to.deep.equal([
      ['accepted', results[0]!.bottleId, '2030-05-06T07:08:00.000Z'],
      ['accepted', results[1]!.bottleId, NOW],
    ]);
    expect(await createdCount()).to.equal(2);
  });

  it('answers a stored code as a duplicate with the bottle that holds it, writing no bottle and no outbox row', async () => {
    const code = validCode(3);
    const [first] = await write([scanItem(code)]);
    const [again] = await write([scanItem(code, { source: 'cam-2' })]);

    expect(again).to.deep.equal({ outcome: 'duplicate', bottleId: first!.bottleId });
    expect(await bottles()).to.have.length(1);
    expect(await outbox()).to.have.length(1);
    expect(await createdCount()).to.equal(1);
    expect((await scans()).map((s) => [s.source, s.outcome, s.bottle_id])).to.deep.equal([
      ['cam-1', 'accepted', first!.bottleId],
      ['cam-2', 'duplicate', first!.bottleId],
    ]);
  });

  it('de-duplicates on the identification code: another crypto tail is still the same unit', async () => {
    const code = validCode(4);
    const [first] = await write([scanItem(code)]);
    const otherTail = code.slice(0, code.indexOf(`${GS}93`)) + `${GS}93ZZZZ`;
    expect(otherTail).to.not.equal(code);
    const [again] = await write([scanItem(otherTail)]);
    expect(again).to.deep.equal({ outcome: 'duplicate', bottleId: first!.bottleId });
  });

  it('within one group, the first of two identical codes is accepted and the second is its duplicate', async () => {
    const code = validCode(5);
    const results = await write([scanItem(validCode(6)), scanItem(code), scanItem(validCode(7)), scanItem(code)]);
    expect(results.map((r) => r.outcome)).to.deep.equal(['accepted', 'accepted', 'accepted', 'duplicate']);
    expect(results[3]!.bottleId).to.equal(results[1]!.bottleId);
    expect(await bottles()).to.have.length(3);
    expect(await outbox()).to.have.length(3);
    expect(await createdCount()).to.equal(3);
  });

  it('records scans that are not candidates with their own outcome and reason, and no bottle', async () => {
    const bad = invalidCode(8);
    const items: CommitItem[] = [
      scanItem(bad),
      { code: 'NoRead', source: 'cam-1', receivedAt: null, outcome: 'noread', reason: 'No read', reasonCode: 'NO_READ', reasonParams: {}, gtin: null, bottle: null },
      { code: validCode(9), source: 'api', receivedAt: null, outcome: 'refused', reason: 'Line paused: jam', reasonCode: 'LINE_PAUSED', reasonParams: { reason: 'jam' }, gtin: null, bottle: null },
    ];
    const results = await write(items);
    expect(results).to.deep.equal([
      { outcome: 'invalid', bottleId: null },
      { outcome: 'noread', bottleId: null },
      { outcome: 'refused', bottleId: null },
    ]);
    expect(await bottles()).to.deep.equal([]);
    expect(await outbox()).to.deep.equal([]);
    expect((await scans()).map((s) => [s.code, s.outcome, s.reason])).to.deep.equal([
      [bad, 'invalid', 'GTIN check digit mismatch'],
      ['NoRead', 'noread', 'No read'],
      [validCode(9), 'refused', 'Line paused: jam'],
    ]);
    // The stable code and its params next to the English text (what /scanner/recent and the counters use).
    expect((await scans()).map((s) => [s.reason_code, s.reason_params])).to.deep.equal([
      ['CHECK_DIGIT', '{"field":"GTIN"}'],
      ['NO_READ', '{}'],
      ['LINE_PAUSED', '{"reason":"jam"}'],
    ]);
  });

  it('writes nothing at all when the transaction fails (bottles, scans, counters roll back together)', async () => {
    await write([scanItem(validCode(10))]);
    await store.db.writer.raw(`CREATE TRIGGER outbox_down BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END`);

    let failure: unknown = null;
    await write([scanItem(validCode(11)), scanItem(validCode(12))]).catch((error: unknown) => {
      failure = error;
    });
    expect(String(failure)).to.include('outbox unavailable');
    expect(await bottles()).to.have.length(1);
    expect(await db()('bottles').where({ identification_code: scanItem(validCode(11)).bottle!.identificationCode })).to.deep.equal([]);
    expect(await scans()).to.have.length(1);
    expect(await createdCount()).to.equal(1);

    // The same codes go in once storage is back: nothing half-written blocks them as duplicates.
    await store.db.writer.raw('DROP TRIGGER outbox_down');
    const results = await write([scanItem(validCode(11)), scanItem(validCode(12))]);
    expect(results.map((r) => r.outcome)).to.deep.equal(['accepted', 'accepted']);
  });

  it('stores a group as large as the largest configurable commit (5000 codes)', async () => {
    const items = Array.from({ length: 4999 }, (_, i) => scanItem(validCode(100_000 + i)));
    items.push(items[10]!); // a repeat far enough on to fall in another statement of the group
    // knex puts the whole statement in its error message: keep a failure readable.
    const results = await write(items).catch((error: Error) => {
      throw new Error(error.message.slice(-200));
    });
    expect(results.filter((r) => r.outcome === 'accepted')).to.have.length(new Set(items.map((i) => i.bottle!.identificationCode)).size);
    expect(results[4999]).to.deep.equal({ outcome: 'duplicate', bottleId: results[10]!.bottleId });
    expect(await createdCount()).to.equal((await bottles()).length);
    expect(await outbox()).to.have.length((await bottles()).length);
    expect(await scans()).to.have.length(5000);
    // Slices of one transaction still de-duplicate across each other.
    const again = await write([items[0]!, items[4999]!]);
    expect(again.map((r) => r.outcome)).to.deep.equal(['duplicate', 'duplicate']);
  });
});
