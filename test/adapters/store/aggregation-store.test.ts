import { expect } from 'chai';
import { createActor, toPromise } from 'xstate';
import { createAggregationExecutor } from '../../../adapters/store/aggregation-store.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import type { WorkOutcome } from '../../../machines/shared/serial-worker.machine.js';
import type { AggregationRequest, Batch, BatchChangedEvent, Bottle } from '../../../src/domain/aggregation.js';
import { BottleStatus } from '../../../src/domain/bottle-status.js';
import { DomainError } from '../../../src/domain/domain-error.js';
import { nextId } from '../../../src/domain/ids.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { validCode } from '../../support/scan-fixtures.js';

const AT = new Date('2031-03-04T05:06:07.000Z');
const { CREATED, IN_BATCH, SENT, REJECTED, DELETED } = BottleStatus;

describe('aggregation executor (SQLite)', () => {
  let store: TestEdgeDb;
  let seed = 1;
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    await store.close();
  });

  /** Runs one request the way the serial worker does: one fromPromise actor, one transaction. */
  async function run(request: AggregationRequest): Promise<WorkOutcome> {
    const actor = createActor(createAggregationExecutor(store.db.writer, () => AT), { input: request });
    const done = toPromise(actor);
    actor.start();
    return done;
  }
  async function refusal(request: AggregationRequest): Promise<DomainError> {
    try {
      await run(request);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error(`expected ${request.op} to be refused`);
  }
  const createBatch = (over: Partial<Extract<AggregationRequest, { op: 'createBatch' }>> = {}) =>
    run({ op: 'createBatch', name: 'Shift A', deviceId: 'edge-1', productionLineId: 'line-1', batchSize: null, bottleIds: [], ...over });
  const batchOf = (outcome: WorkOutcome) => (outcome.result as { batch: Batch }).batch;
  const actions = (outcome: WorkOutcome) => (outcome.events as BatchChangedEvent[]).map((e) => e.action);

  /** Scans n fresh codes into bottles (status Created) and returns their ids. */
  async function bottles(n: number): Promise<string[]> {
    const results = await writeScanGroup(store.db.writer, Array.from({ length: n }, () => scanItem(validCode(seed++))), nextId, AT.toISOString());
    return results.map((r) => r.bottleId!);
  }
  const status = async (id: string) => (await store.db.reader('bottles').where({ id }).first()).status as number;
  const outboxKinds = async () => (await store.db.reader('outbox').orderBy('seq')).map((r) => r.kind as string);

  /** The counters must always equal a full count (they are kept in the same transactions). */
  async function expectCountersExact() {
    const counters = await store.db.reader('bottle_status_counts').orderBy('status');
    const actual: Array<{ status: number; n: number }> = await store.db.reader.raw('SELECT status, count(*) AS n FROM bottles GROUP BY status');
    for (const { status: s, count } of counters) {
      const row = actual.find((r) => r.status === s);
      expect(count, `counter for status ${s}`).to.equal(row ? Number(row.n) : 0);
    }
  }

  describe('batches', () => {
    it('creates a batch with the next identifier, its outbox row and its event', async () => {
      const outcome = await createBatch({ name: 'Pallet 1', batchSize: 10 });
      expect(outcome.ok).to.equal(true);
      const batch = batchOf(outcome);
      expect(batch).to.deep.include({ identifier: 'B-2031-000001', name: 'Pallet 1', status: 'in_progress', batchSize: 10, bottleCount: 0, deviceId: 'edge-1', productionLineId: 'line-1', sentStatus: 'pending', completedAt: null });
      expect(outcome.events).to.deep.equal([{ type: 'batch.changed', action: 'created', batchId: batch.id, identifier: 'B-2031-000001', bottleCount: 0 }]);

      const [row] = await store.db.reader('outbox').orderBy('seq');
      expect(row.kind).to.equal('batch.created');
      expect(JSON.parse(row.payload)).to.deep.include({ id: batch.id, identifier: 'B-2031-000001' });
    });

    it('numbers batches from a sequence that survives reopening the database', async () => {
      expect(batchOf(await createBatch()).identifier).to.equal('B-2031-000001');
      expect(batchOf(await createBatch()).identifier).to.equal('B-2031-000002');
      await store.reopen();
      expect(batchOf(await createBatch()).identifier).to.equal('B-2031-000003');
    });

    it('rolls a refused creation back whole: no batch row, no outbox row, no number used', async () => {
      await createBatch();
      const error = await refusal({ op: 'createBatch', name: 'x', deviceId: null, productionLineId: null, batchSize: null, bottleIds: ['no-such-bottle'] });
      expect(error.kind).to.equal('NOT_FOUND');
      expect(error.details).to.deep.equal({ bottleIds: ['no-such-bottle'] });
      expect(await store.db.reader('batches')).to.have.length(1);
      expect(await outboxKinds()).to.deep.equal(['batch.created']);
      expect(batchOf(await createBatch()).identifier).to.equal('B-2031-000002');
    });

    it('refuses a batch size smaller than the bottles given', async () => {
      const ids = await bottles(3);
      const error = await refusal({ op: 'createBatch', name: 'x', deviceId: null, productionLineId: null, batchSize: 2, bottleIds: ids });
      expect(error.kind).to.equal('CONFLICT');
      expect(await store.db.reader('batches')).to.deep.equal([]);
    });

    it('puts bottles in a batch: status In Batch, counters moved, outbox row and event', async () => {
      const ids = await bottles(3);
      const outcome = await createBatch({ batchSize: 5, bottleIds: ids.slice(0, 2) });
      const batch = batchOf(outcome);
      expect(batch.bottleCount).to.equal(2);
      expect(actions(outcome)).to.deep.equal(['created', 'bottles_added']);
      for (const id of ids.slice(0, 2)) {
        const row = await store.db.reader('bottles').where({ id }).first();
        expect(row).to.deep.include({ status: IN_BATCH, batch_id: batch.id });
      }
      expect(await status(ids[2]!)).to.equal(CREATED);
      expect(await outboxKinds()).to.deep.equal(['bottle.created', 'bottle.created', 'bottle.created', 'batch.created', 'batch.bottles_added']);
      const added = (await store.db.reader('outbox').where({ kind: 'batch.bottles_added' }).first()).payload;
      expect(JSON.parse(added)).to.deep.include({ batchId: batch.id, bottleIds: ids.slice(0, 2), bottleCount: 2 });
      expect((await store.db.reader('bottle_status_counts').where({ status: IN_BATCH }).first()).count).to.equal(2);
      await expectCountersExact();
    });

    it('completes a batch when it reaches its size, and a complete batch takes no more bottles', async () => {
      const ids = await bottles(4);
      const batch = batchOf(await createBatch({ batchSize: 3, bottleIds: [ids[0]!] }));
      const partial = await run({ op: 'addBottles', batchId: batch.id, bottleIds: [ids[1]!] });
      expect(batchOf(partial)).to.deep.include({ status: 'in_progress', bottleCount: 2, completedAt: null });

      const full = await run({ op: 'addBottles', batchId: batch.id, bottleIds: [ids[2]!] });
      expect(batchOf(full)).to.deep.include({ status: 'complete', bottleCount: 3, completedAt: AT.toISOString() });
      expect(actions(full)).to.deep.equal(['bottles_added', 'completed']);
      // Upstream (factory dashboard, cloud) learns of the completion from its own outbox item.
      expect((await outboxKinds()).filter((kind) => kind === 'batch.completed')).to.have.length(1);

      const error = await refusal({ op: 'addBottles', batchId: batch.id, bottleIds: [ids[3]!] });
      expect(error.kind).to.equal('CONFLICT');
      expect(error.message).to.include('complete');
      expect(await status(ids[3]!)).to.equal(CREATED);
      await expectCountersExact();
    });

    it('refuses more bottles than the batch has room for, changing nothing', async () => {
      const ids = await bottles(3);
      const batch = batchOf(await createBatch({ batchSize: 2, bottleIds: [ids[0]!] }));
      const error = await refusal({ op: 'addBottles', batchId: batch.id, bottleIds: ids.slice(1) });
      expect(error.kind).to.equal('CONFLICT');
      expect(error.details).to.deep.equal({ batchSize: 2, bottleCount: 1 });
      expect(await status(ids[1]!)).to.equal(CREATED);
      expect((await store.db.reader('batches').where({ id: batch.id }).first()).bottle_count).to.equal(1);
    });

    it('refuses bottles of another batch, unknown bottles and an unknown batch', async () => {
      const ids = await bottles(2);
      const first = batchOf(await createBatch({ bottleIds: [ids[0]!] }));
      const second = batchOf(await createBatch());

      const elsewhere = await refusal({ op: 'addBottles', batchId: second.id, bottleIds: [ids[0]!, ids[1]!] });
      expect(elsewhere.kind).to.equal('CONFLICT');
      expect(elsewhere.details).to.deep.equal({ bottles: [{ bottleId: ids[0], batchId: first.id }] });
      expect(await status(ids[1]!), 'all or nothing').to.equal(CREATED);

      const unknown = await refusal({ op: 'addBottles', batchId: second.id, bottleIds: ['ghost'] });
      expect(unknown.kind).to.equal('NOT_FOUND');
      const noBatch = await refusal({ op: 'addBottles', batchId: 'no-such-batch', bottleIds: [ids[1]!] });
      expect(noBatch.kind).to.equal('NOT_FOUND');
    });

    it('treats bottles already in the batch, and repeats in one request, as added once', async () => {
      const ids = await bottles(2);
      const batch = batchOf(await createBatch({ bottleIds: [ids[0]!] }));
      const outbox = (await outboxKinds()).length;
      const again = await run({ op: 'addBottles', batchId: batch.id, bottleIds: [ids[0]!] });
      expect(batchOf(again).bottleCount).to.equal(1);
      expect(again.events).to.deep.equal([]);
      expect(await outboxKinds()).to.have.length(outbox);

      const repeated = await run({ op: 'addBottles', batchId: batch.id, bottleIds: [ids[1]!, ids[1]!, ids[0]!] });
      expect(batchOf(repeated).bottleCount).to.equal(2);
      await expectCountersExact();
    });

    it('refuses rejected and deleted bottles', async () => {
      const ids = await bottles(2);
      await run({ op: 'setBottleStatus', bottleId: ids[0]!, status: REJECTED });
      await run({ op: 'setBottleStatus', bottleId: ids[1]!, status: DELETED });
      const batch = batchOf(await createBatch());
      const error = await refusal({ op: 'addBottles', batchId: batch.id, bottleIds: ids });
      expect(error.kind).to.equal('CONFLICT');
      expect(error.details).to.deep.equal({
        bottles: [
          { bottleId: ids[0], status: 'Rejected' },
          { bottleId: ids[1], status: 'Deleted' },
        ],
      });
    });
  });

  describe('setBottleStatus', () => {
    it('follows the legal moves by hand, moving the counters and writing an outbox row', async () => {
      const [id] = await bottles(1);
      const rejected = await run({ op: 'setBottleStatus', bottleId: id!, status: REJECTED });
      expect((rejected.result as Bottle).status).to.equal(REJECTED);
      expect(await status(id!)).to.equal(REJECTED);
      const row = await store.db.reader('outbox').where({ kind: 'bottle.status' }).first();
      expect(JSON.parse(row.payload)).to.deep.include({ bottleId: id, from: CREATED, to: REJECTED });
      await expectCountersExact();

      await run({ op: 'setBottleStatus', bottleId: id!, status: CREATED });
      expect(await status(id!)).to.equal(CREATED);
      await run({ op: 'setBottleStatus', bottleId: id!, status: DELETED });
      expect(await status(id!)).to.equal(DELETED);
      await expectCountersExact();
      expect((await store.db.reader('bottle_status_counts').where({ status: DELETED }).first()).count).to.equal(1);
    });

    it('answers setting the current status as done, writing nothing', async () => {
      const [id] = await bottles(1);
      const before = (await outboxKinds()).length;
      const outcome = await run({ op: 'setBottleStatus', bottleId: id!, status: CREATED });
      expect(outcome.ok).to.equal(true);
      expect(await outboxKinds()).to.have.length(before);
    });

    it('refuses statuses that are not set by hand, and illegal moves', async () => {
      const [id] = await bottles(1);
      for (const target of [SENT, IN_BATCH]) {
        const error = await refusal({ op: 'setBottleStatus', bottleId: id!, status: target });
        expect(error.kind, `to ${target}`).to.equal('CONFLICT');
      }
      await run({ op: 'setBottleStatus', bottleId: id!, status: DELETED });
      const illegal = await refusal({ op: 'setBottleStatus', bottleId: id!, status: CREATED });
      expect(illegal.kind).to.equal('CONFLICT');
      expect(illegal.details).to.deep.equal({ from: DELETED, to: CREATED });
      expect(await status(id!)).to.equal(DELETED);
      await expectCountersExact();
    });

    it('refuses an unknown bottle', async () => {
      const error = await refusal({ op: 'setBottleStatus', bottleId: 'ghost', status: REJECTED });
      expect(error.kind).to.equal('NOT_FOUND');
    });

    it('takes a bottle out of an open batch, freeing its place; a complete batch stays sealed', async () => {
      const ids = await bottles(3);
      const open = batchOf(await createBatch({ batchSize: 5, bottleIds: [ids[0]!, ids[1]!] }));
      await run({ op: 'setBottleStatus', bottleId: ids[0]!, status: CREATED });
      const row = await store.db.reader('bottles').where({ id: ids[0] }).first();
      expect(row).to.deep.include({ status: CREATED, batch_id: null });
      expect((await store.db.reader('batches').where({ id: open.id }).first()).bottle_count).to.equal(1);

      const sealed = batchOf(await createBatch({ batchSize: 1, bottleIds: [ids[2]!] }));
      expect(sealed.status).to.equal('complete');
      const error = await refusal({ op: 'setBottleStatus', bottleId: ids[2]!, status: REJECTED });
      expect(error.kind).to.equal('CONFLICT');
      expect(await status(ids[2]!)).to.equal(IN_BATCH);
      await expectCountersExact();
    });
  });
});
