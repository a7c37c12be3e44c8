import { expect } from 'chai';
import { createActor, toPromise } from 'xstate';
import { createAggregationExecutor } from '../../../adapters/store/aggregation-store.js';
import { createBatchQueries } from '../../../adapters/store/batch-queries.js';
import { createBottleQueries } from '../../../adapters/store/bottle-queries.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import type { AggregationRequest, Batch } from '../../../src/domain/aggregation.js';
import { BottleStatus } from '../../../src/domain/bottle-status.js';
import { nextId } from '../../../src/domain/ids.js';
import type { CommitItem } from '../../../src/domain/scan-commit.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { invalidCode, validCode } from '../../support/scan-fixtures.js';

describe('bottle and batch queries (SQLite reader)', () => {
  let store: TestEdgeDb;
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    await store.close();
  });

  const write = (items: CommitItem[], now = new Date().toISOString()) => writeScanGroup(store.db.writer, items, nextId, now);
  const bottleQueries = () => createBottleQueries(store.db.reader);
  const batchQueries = () => createBatchQueries(store.db.reader);
  async function aggregate(request: AggregationRequest) {
    const actor = createActor(createAggregationExecutor(store.db.writer), { input: request });
    const done = toPromise(actor);
    actor.start();
    return done;
  }

  it('counts bottles per status from the counters, whole or narrowed to one status', async () => {
    const results = await write([scanItem(validCode(1)), scanItem(validCode(2)), scanItem(validCode(3)), scanItem(invalidCode(4))]);
    await aggregate({ op: 'setBottleStatus', bottleId: results[0]!.bottleId!, status: BottleStatus.REJECTED });

    const all = await bottleQueries().count();
    expect(all.total).to.equal(3);
    expect(all.byStatus).to.deep.equal({ '0': 2, '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 });
    expect(await bottleQueries().count(BottleStatus.REJECTED)).to.deep.equal({ total: 1, byStatus: { '4': 1 } });
  });

  it('lists bottles newest first, filtered by status and line, and gets one by id', async () => {
    const first = await write([scanItem(validCode(10))]);
    const second = await write([{ ...scanItem(validCode(11)), bottle: { ...scanItem(validCode(11)).bottle!, productionLineId: 'line-2' } }]);
    await aggregate({ op: 'setBottleStatus', bottleId: first[0]!.bottleId!, status: BottleStatus.DELETED });

    expect((await bottleQueries().list({ limit: 10 })).map((b) => b.id)).to.deep.equal([second[0]!.bottleId, first[0]!.bottleId]);
    expect((await bottleQueries().list({ limit: 1 })).map((b) => b.id)).to.deep.equal([second[0]!.bottleId]);
    expect((await bottleQueries().list({ limit: 10, status: BottleStatus.DELETED })).map((b) => b.id)).to.deep.equal([first[0]!.bottleId]);
    expect((await bottleQueries().list({ limit: 10, lineId: 'line-2' })).map((b) => b.id)).to.deep.equal([second[0]!.bottleId]);

    const bottle = await bottleQueries().get(second[0]!.bottleId!);
    expect(bottle).to.deep.include({ id: second[0]!.bottleId, identifier: validCode(11), status: 0, productionLineId: 'line-2', batchId: null, isPreprint: false });
    expect(bottle!.exciseDutyNumber).to.equal(scanItem(validCode(11)).bottle!.serial);
    expect(await bottleQueries().get('nope')).to.equal(null);
  });

  it('finds the bottle holding an identification code', async () => {
    const [result] = await write([scanItem(validCode(20))]);
    expect(await bottleQueries().findByIdentificationCode(scanItem(validCode(20)).bottle!.identificationCode)).to.equal(result!.bottleId);
    expect(await bottleQueries().findByIdentificationCode(scanItem(validCode(21)).bottle!.identificationCode)).to.equal(null);
  });

  it('lists recent scans newest first, whatever their outcome', async () => {
    await write([scanItem(validCode(30), { receivedAt: '2030-01-01T00:00:01.000Z' })]);
    await write([scanItem(validCode(30), { receivedAt: '2030-01-01T00:00:02.000Z', source: 'cam-2' })]);
    await write([{ code: 'NoRead', source: 'cam-1', receivedAt: '2030-01-01T00:00:03.000Z', outcome: 'noread', reason: 'No read', gtin: null, bottle: null }]);
    const recent = await bottleQueries().recentScans(10);
    expect(recent.map((s) => [s.outcome, s.valid, s.source, s.timestamp])).to.deep.equal([
      ['noread', false, 'cam-1', '2030-01-01T00:00:03.000Z'],
      ['duplicate', false, 'cam-2', '2030-01-01T00:00:02.000Z'],
      ['accepted', true, 'cam-1', '2030-01-01T00:00:01.000Z'],
    ]);
    expect(recent[1]!.bottleId).to.equal(recent[2]!.bottleId);
    expect(await bottleQueries().recentScans(1)).to.have.length(1);
  });

  it('lists batches with a total, filtered by device, gets one, and names the last identifier', async () => {
    expect(await batchQueries().lastIdentifier()).to.equal(null);
    const created: Batch[] = [];
    for (const deviceId of ['edge-1', 'edge-2', 'edge-1']) {
      const outcome = await aggregate({ op: 'createBatch', name: 'b', deviceId, productionLineId: null, batchSize: null, bottleIds: [] });
      created.push((outcome.result as { batch: Batch }).batch);
    }
    const all = await batchQueries().list({ limit: 2 });
    expect(all.total).to.equal(3);
    expect(all.batches.map((b) => b.id)).to.deep.equal([created[2]!.id, created[1]!.id]);
    const edge1 = await batchQueries().list({ limit: 10, deviceId: 'edge-1' });
    expect(edge1.total).to.equal(2);
    expect(edge1.batches.map((b) => b.deviceId)).to.deep.equal(['edge-1', 'edge-1']);
    expect((await batchQueries().list({ limit: 10, sentStatus: 'synced' })).total).to.equal(0);
    expect(await batchQueries().get(created[0]!.id)).to.deep.equal(created[0]);
    expect(await batchQueries().get('nope')).to.equal(null);
    expect(await batchQueries().lastIdentifier()).to.equal(created[2]!.identifier);
  });
});
