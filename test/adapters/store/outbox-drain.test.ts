import { expect } from 'chai';
import { type AnyActorLogic, createActor, toPromise } from 'xstate';
import type { SyncItem, SyncItemResult } from '../../../adapters/cloud/cloud-types.js';
import { createAggregationExecutor } from '../../../adapters/store/aggregation-store.js';
import { createOutboxDrain, type OutboxDrain } from '../../../adapters/store/outbox-drain.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import type { SyncTarget } from '../../../adapters/sync/sync-target.js';
import type { DrainOutcome } from '../../../machines/shared/sync-queue.machine.js';
import type { AggregationRequest } from '../../../src/domain/aggregation.js';
import { BottleStatus } from '../../../src/domain/bottle-status.js';
import { nextId } from '../../../src/domain/ids.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { validCode } from '../../support/scan-fixtures.js';

const { CREATED, IN_BATCH, SENT, SYNCED } = BottleStatus;

/** Runs a fromPromise logic once, as an invoking machine would. */
async function run<T>(logic: AnyActorLogic, input?: unknown): Promise<T> {
  const actor = createActor(logic, { input });
  const done = toPromise(actor);
  actor.start();
  return done as Promise<T>;
}

/**
 * A sync target the test scripts: `answer` decides each item's result (undefined = no answer),
 * `fail` makes the whole call throw; `during` runs inside the call (to look at the database
 * while the upload is "on the wire").
 */
function fakeTarget() {
  const sent: SyncItem[][] = [];
  const target = {
    answer: (item: SyncItem): SyncItemResult | undefined => ({ id: item.id, status: 'accepted' }),
    fail: null as Error | null,
    during: null as null | ((items: SyncItem[]) => Promise<void>),
    ref: {
      name: 'fake target',
      async send(items: SyncItem[]): Promise<SyncItemResult[]> {
        sent.push(items);
        if (target.during) await target.during(items);
        if (target.fail) throw target.fail;
        return items.map((item) => target.answer(item)).filter((r): r is SyncItemResult => r !== undefined);
      },
    } satisfies SyncTarget,
    sent,
  };
  return target;
}

describe('outbox drain (SQLite)', () => {
  let store: TestEdgeDb;
  let target: ReturnType<typeof fakeTarget>;
  let current: SyncTarget | null;
  let seed = 5000;

  beforeEach(async () => {
    store = await openTestEdgeDb();
    target = fakeTarget();
    current = target.ref;
  });
  afterEach(async () => {
    await store.close();
  });

  const drainWith = (batchSize: number): OutboxDrain =>
    createOutboxDrain({ db: store.db.writer, reader: store.db.reader, target: () => current, batchSize, logger: silentLogger });
  const drainOnce = (d: OutboxDrain) => run<DrainOutcome>(d.drain);

  /** Stores `n` scanned bottles through the scan path's writer; returns their ids in scan order. */
  async function scanBottles(n: number): Promise<string[]> {
    const results = await writeScanGroup(store.db.writer, Array.from({ length: n }, () => scanItem(validCode(seed++))), nextId, new Date().toISOString());
    return results.map((r) => {
      expect(r.outcome).to.equal('accepted');
      return r.bottleId!;
    });
  }
  const statusOf = async (ids: string[]) => {
    const rows: Array<{ id: string; status: number }> = await store.db.reader('bottles').whereIn('id', ids).select('id', 'status');
    const byId = new Map(rows.map((r) => [r.id, r.status]));
    return ids.map((id) => byId.get(id));
  };
  const outboxRows = () =>
    store.db.reader('outbox').orderBy('seq').select('seq', 'kind', 'ref_id', 'attempts', 'last_error', 'parked_at', 'parked_reason') as Promise<
      Array<{ seq: number; kind: string; ref_id: string; attempts: number; last_error: string | null; parked_at: string | null; parked_reason: string | null }>
    >;
  /** bottle_status_counts must always equal what COUNT(*) GROUP BY status finds. */
  async function expectExactCounts() {
    const counted: Array<{ status: number; n: number }> = await store.db.reader.raw('SELECT status, COUNT(*) AS n FROM bottles GROUP BY status');
    const kept: Array<{ status: number; count: number }> = await store.db.reader('bottle_status_counts').select('status', 'count');
    const actual = Object.fromEntries(kept.filter((k) => k.count !== 0).map((k) => [k.status, k.count]));
    expect(actual).to.deep.equal(Object.fromEntries(counted.map((c) => [c.status, c.n])));
    expect(kept.every((k) => k.count >= 0)).to.equal(true);
  }
  async function aggregate(request: AggregationRequest) {
    return run<{ ok: boolean; result: { batch: { id: string } } }>(createAggregationExecutor(store.db.writer), request);
  }

  it('does nothing when the outbox is empty', async () => {
    expect(await drainOnce(drainWith(10))).to.deep.equal({ sent: 0, synced: 0, parked: 0, more: false });
    expect(target.sent).to.deep.equal([]);
    expect(await run<number>(drainWith(10).pending)).to.equal(0);
  });

  it('fails with kind "unavailable" and touches nothing when there is no target', async () => {
    const ids = await scanBottles(2);
    current = null;
    const error = await drainOnce(drainWith(10)).then(
      () => null,
      (e: unknown) => e as Error & { kind?: string },
    );
    expect(error).to.be.an('error');
    expect(error!.kind).to.equal('unavailable');
    expect(error!.message).to.equal('No sync target configured');
    expect(await statusOf(ids)).to.deep.equal([CREATED, CREATED]);
    expect((await outboxRows()).map((r) => r.attempts)).to.deep.equal([0, 0]);
  });

  it('reads rows in outbox order, at most batchSize per call, with the bottle as payload', async () => {
    const ids = await scanBottles(5);
    const drain = drainWith(3);
    expect(await run<number>(drain.pending)).to.equal(1);
    expect(await drainOnce(drain)).to.deep.equal({ sent: 3, synced: 3, parked: 0, more: true });
    expect(await drainOnce(drain)).to.deep.equal({ sent: 2, synced: 2, parked: 0, more: false });
    expect(target.sent.map((batch) => batch.map((item) => item.id))).to.deep.equal([ids.slice(0, 3), ids.slice(3)].map((part) => part.map((id) => `bottle.created:${id}`)));
    const [first] = target.sent[0]!;
    const stored = await store.db.reader('bottles').where({ id: ids[0] }).first();
    expect(first).to.deep.equal({
      id: `bottle.created:${ids[0]}`,
      kind: 'bottle.created',
      payload: {
        bottleId: ids[0],
        identifier: stored.identifier,
        identificationCode: stored.identification_code,
        gtin: stored.gtin,
        productionLineId: 'line-1',
        productId: null,
        party: null,
        deviceId: 'edge-1',
        createdAt: stored.created_at,
      },
    });
    expect(await outboxRows()).to.deep.equal([]);
    expect(await run<number>(drain.pending)).to.equal(0);
  });

  it('marks bottles Sent before the upload and Synced after it, keeping the status counts exact', async () => {
    const ids = await scanBottles(6);
    const seen: Array<Array<number | undefined>> = [];
    target.during = async () => {
      seen.push(await statusOf(ids));
      await expectExactCounts();
    };
    await drainOnce(drainWith(4));
    // On the wire: the four in this batch are Sent, the two after them still Created.
    expect(seen).to.deep.equal([[SENT, SENT, SENT, SENT, CREATED, CREATED]]);
    expect(await statusOf(ids)).to.deep.equal([SYNCED, SYNCED, SYNCED, SYNCED, CREATED, CREATED]);
    await expectExactCounts();
    await drainOnce(drainWith(4));
    expect(await statusOf(ids)).to.deep.equal(Array(6).fill(SYNCED));
    await expectExactCounts();
  });

  it('removes accepted and duplicate rows alike; parks rejected ones with the reason and never sends them again', async () => {
    const ids = await scanBottles(4);
    const verdict: Record<number, SyncItemResult['status']> = { 0: 'accepted', 1: 'duplicate', 2: 'rejected', 3: 'accepted' };
    target.answer = (item) => {
      const i = ids.indexOf(item.payload.bottleId as string);
      return { id: item.id, status: verdict[i]!, ...(verdict[i] === 'rejected' ? { reason: 'GTIN check digit mismatch' } : {}) };
    };
    const drain = drainWith(10);
    expect(await drainOnce(drain)).to.deep.equal({ sent: 4, synced: 3, parked: 1, more: false });
    const rows = await outboxRows();
    expect(rows).to.have.length(1);
    expect(rows[0]).to.deep.include({ kind: 'bottle.created', ref_id: ids[2], parked_reason: 'GTIN check digit mismatch' });
    expect(rows[0]!.parked_at).to.be.a('string');
    expect(await statusOf(ids)).to.deep.equal([SYNCED, SYNCED, SENT, SYNCED]);
    await expectExactCounts();

    // Parked rows are neither pending nor sent again, and do not hold back newer rows.
    expect(await run<number>(drain.pending)).to.equal(0);
    const later = await scanBottles(1);
    target.answer = (item) => ({ id: item.id, status: 'accepted' });
    expect(await drainOnce(drain)).to.deep.equal({ sent: 1, synced: 1, parked: 0, more: false });
    expect(target.sent.at(-1)!.map((i) => i.id)).to.deep.equal([`bottle.created:${later[0]}`]);
    expect(await drain.status()).to.deep.include({ queueSize: 0, oldestItem: null, parked: 1 });
    const parked = await drain.parked(10);
    expect(parked).to.have.length(1);
    expect(parked[0]).to.deep.include({ id: `bottle.created:${ids[2]}`, kind: 'bottle.created', reason: 'GTIN check digit mismatch' });
    expect(parked[0]!.parkedAt).to.equal(rows[0]!.parked_at);
  });

  it('leaves an item the target did not answer queued, and sends it again first', async () => {
    const ids = await scanBottles(3);
    target.answer = (item) => (item.payload.bottleId === ids[1] ? undefined : { id: item.id, status: 'accepted' });
    const drain = drainWith(10);
    expect(await drainOnce(drain)).to.deep.equal({ sent: 3, synced: 2, parked: 0, more: false });
    expect((await outboxRows()).map((r) => r.ref_id)).to.deep.equal([ids[1]]);
    // Still Sent: it went out, but nobody said it arrived.
    expect(await statusOf(ids)).to.deep.equal([SYNCED, SENT, SYNCED]);
    await expectExactCounts();
    target.answer = (item) => ({ id: item.id, status: 'duplicate' });
    expect(await drainOnce(drain)).to.deep.equal({ sent: 1, synced: 1, parked: 0, more: false });
    expect(target.sent.at(-1)!.map((i) => i.id)).to.deep.equal([`bottle.created:${ids[1]}`]);
    expect(await statusOf(ids)).to.deep.equal([SYNCED, SYNCED, SYNCED]);
    await expectExactCounts();
  });

  it('keeps every row queued with attempts + 1 and the error when the target throws, then delivers them', async () => {
    const ids = await scanBottles(3);
    target.fail = Object.assign(new Error('OKTO Cloud refused POST /device/sync (HTTP 503): Injected fault'), { kind: 'server' });
    const drain = drainWith(10);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const error = await drainOnce(drain).then(
        () => null,
        (e: unknown) => e as Error & { kind?: string },
      );
      expect(error?.kind).to.equal('server');
      const rows = await outboxRows();
      expect(rows.map((r) => r.ref_id)).to.deep.equal(ids);
      expect(rows.every((r) => r.attempts === attempt && r.last_error === 'OKTO Cloud refused POST /device/sync (HTTP 503): Injected fault' && r.parked_at === null)).to.equal(true);
    }
    expect(await statusOf(ids)).to.deep.equal([SENT, SENT, SENT]);
    await expectExactCounts();
    expect((await drain.status()).queueSize).to.equal(3);

    target.fail = null;
    expect(await drainOnce(drain)).to.deep.equal({ sent: 3, synced: 3, parked: 0, more: false });
    expect(await statusOf(ids)).to.deep.equal([SYNCED, SYNCED, SYNCED]);
    expect(await outboxRows()).to.deep.equal([]);
    await expectExactCounts();
  });

  it('reports the queue size and the oldest waiting item', async () => {
    await scanBottles(2);
    const drain = drainWith(10);
    const oldest: { created_at: string } = await store.db.reader('outbox').orderBy('seq').first('created_at');
    expect(await drain.status()).to.deep.equal({ queueSize: 2, oldestItem: oldest.created_at, parked: 0, lastSyncAt: null });
  });

  it('never reports a queue emptied by an upload without the time of that upload', async () => {
    await scanBottles(50);
    const drain = drainWith(50);
    // Sample the status as fast as it answers while one upload is acknowledged and committed:
    // each sample that sees fewer items queued must also see when the upload happened.
    let draining = true;
    const samples: Array<{ queueSize: number; lastSyncAt: string | null }> = [];
    const sampler = (async () => {
      while (draining) samples.push(await drain.status());
    })();
    await drainOnce(drain);
    draining = false;
    await sampler;
    samples.push(await drain.status());
    expect(samples.at(-1)).to.include({ queueSize: 0 });
    expect(samples.filter((s) => s.queueSize < 50 && s.lastSyncAt === null)).to.deep.equal([]);
  });

  it('gives a batch sent_status "sent" while its items are on the wire and "synced" once all are acknowledged', async () => {
    const ids = await scanBottles(3);
    const created = await aggregate({ op: 'createBatch', name: 'B1', deviceId: 'edge-1', productionLineId: 'line-1', batchSize: null, bottleIds: ids.slice(0, 2) });
    const batchId = created.result.batch.id;
    const sentStatus = async () => ((await store.db.reader('batches').where({ id: batchId }).first('sent_status')) as { sent_status: string }).sent_status;
    expect(await sentStatus()).to.equal('pending');
    expect((await outboxRows()).map((r) => r.kind)).to.deep.equal(['bottle.created', 'bottle.created', 'bottle.created', 'batch.created', 'batch.bottles_added']);

    const during: string[] = [];
    target.during = async () => {
      during.push(await sentStatus());
    };
    // First round: the batch's "bottles added" item goes unanswered, so the batch is not synced yet.
    target.answer = (item) => (item.kind === 'batch.bottles_added' ? undefined : { id: item.id, status: 'accepted' });
    const drain = drainWith(10);
    await drainOnce(drain);
    expect(during).to.deep.equal(['sent']);
    expect(target.sent[0]!.find((i) => i.kind === 'batch.created')!.payload).to.deep.include({ id: batchId, name: 'B1' });
    expect(target.sent[0]!.find((i) => i.kind === 'batch.bottles_added')!.payload).to.deep.include({ batchId, bottleIds: ids.slice(0, 2), bottleCount: 2 });
    expect(await sentStatus()).to.equal('sent');

    target.answer = (item) => ({ id: item.id, status: 'duplicate' });
    await drainOnce(drain);
    expect(await sentStatus()).to.equal('synced');
    expect(await outboxRows()).to.deep.equal([]);
    // Bottles that joined the batch before they were reported stay In Batch; the counts stay exact.
    expect(await statusOf(ids)).to.deep.equal([IN_BATCH, IN_BATCH, SYNCED]);
    await expectExactCounts();
  });

  it('keeps the counts exact through a mixed, chunked drain of many rows', async () => {
    const ids = await scanBottles(700);
    target.answer = (item) => {
      const i = ids.indexOf(item.payload.bottleId as string);
      if (i % 7 === 0) return { id: item.id, status: 'rejected', reason: 'Code already reported' };
      if (i % 5 === 0) return undefined;
      return { id: item.id, status: i % 2 === 0 ? 'duplicate' : 'accepted' };
    };
    const drain = drainWith(600);
    const first = await drainOnce(drain);
    expect(first.sent).to.equal(600);
    expect(first.more).to.equal(true);
    await expectExactCounts();
    target.answer = (item) => ({ id: item.id, status: 'accepted' });
    while ((await drainOnce(drain)).more);
    await drainOnce(drain);
    const rejected = ids.filter((_, i) => i < 600 && i % 7 === 0).length;
    expect(await drain.status()).to.deep.include({ queueSize: 0, oldestItem: null, parked: rejected });
    const counts: Array<{ status: number; n: number }> = await store.db.reader.raw('SELECT status, COUNT(*) AS n FROM bottles GROUP BY status ORDER BY status');
    expect(counts).to.deep.equal([
      { status: SENT, n: rejected },
      { status: SYNCED, n: 700 - rejected },
    ]);
    await expectExactCounts();
  });
});
