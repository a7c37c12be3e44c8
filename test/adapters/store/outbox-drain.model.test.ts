import { expect } from 'chai';
import fc from 'fast-check';
import { type AnyActorLogic, createActor, toPromise } from 'xstate';
import type { SyncItem, SyncItemResult } from '../../../adapters/cloud/cloud-types.js';
import { createOutboxDrain, type OutboxDrain } from '../../../adapters/store/outbox-drain.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import type { DrainOutcome } from '../../../machines/shared/sync-queue.machine.js';
import { BottleStatus } from '../../../src/domain/bottle-status.js';
import { nextId } from '../../../src/domain/ids.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { assertAsyncProperty } from '../../support/fc-run.js';
import { validCode } from '../../support/scan-fixtures.js';

/**
 * Model-based property test (fc.commands) of the outbox drain on a real SQLite store, against a
 * fake upstream that stores each item once and answers a resent one `duplicate`, as receivers do.
 * Random sequences of scans, drains (answered, failing, answer lost, first item refused, answered
 * only in part), batch size changes and restarts (the store closed and reopened, a new drain)
 * are checked against a model of the outbox after every step:
 *  - order: every upload is the oldest queued items, in scan order;
 *  - exactly once: an item leaves the outbox only once the upstream holds it, is never sent again
 *    after that, and the upstream stores each item once; nothing is lost;
 *  - counts: bottle statuses and the status counters stay exact, across restarts too.
 * FC_SEED replays a failure; the seed is printed when one fails.
 */
const { CREATED, SENT, SYNCED } = BottleStatus;

type Answer = 'all' | 'fail' | 'lost' | 'refuseFirst' | 'half';

interface Model {
  /** Bottle ids still to upload, in scan order. */
  queued: string[];
  parked: string[];
  status: Map<string, number>;
  batchSize: number;
}

interface Real {
  store: TestEdgeDb;
  drain: OutboxDrain;
  batchSize: number;
  /** What the fake upstream holds (item id → times stored) and every upload it got. */
  stored: Map<string, number>;
  uploads: string[][];
  answer: Answer;
  /** Ids the outbox acknowledged (removed): must never be sent again. */
  acked: Set<string>;
}

let seed = 70_000;
const bottleOf = (item: SyncItem) => item.id.slice('bottle.created:'.length);

async function run<T>(logic: AnyActorLogic): Promise<T> {
  const actor = createActor(logic);
  const done = toPromise(actor);
  actor.start();
  return done as Promise<T>;
}

function newDrain(real: Pick<Real, 'store' | 'batchSize' | 'stored' | 'uploads'> & { answer: Answer }): OutboxDrain {
  const target = {
    name: 'fake upstream',
    async send(items: SyncItem[]): Promise<SyncItemResult[]> {
      real.uploads.push(items.map(bottleOf));
      const mode = (real as Real).answer;
      if (mode === 'fail') throw new Error('ECONNRESET');
      const answered = mode === 'half' ? items.slice(0, Math.ceil(items.length / 2)) : items;
      const results = answered.map((item, i): SyncItemResult => {
        // A receiver refuses only what it does not hold: one it stored (an answer lost) is a duplicate.
        if (mode === 'refuseFirst' && i === 0 && !real.stored.has(item.id)) return { id: item.id, status: 'rejected', reason: 'bad GTIN' };
        const times = real.stored.get(item.id) ?? 0;
        // The receiver is idempotent: a resent item is stored once and answered `duplicate`.
        if (times === 0) real.stored.set(item.id, 1);
        return { id: item.id, status: times === 0 ? 'accepted' : 'duplicate' };
      });
      // The upstream stored everything, but the answer never arrived.
      if (mode === 'lost') throw new Error('socket hang up');
      return results;
    },
  };
  return createOutboxDrain({ db: real.store.db.writer, reader: real.store.db.reader, target: () => target, batchSize: real.batchSize, logger: silentLogger });
}

/** The store agrees with the model: outbox, parked rows, every bottle's status, exact counters. */
async function checkStore(m: Model, r: Real): Promise<void> {
  const rows: Array<{ ref_id: string; parked_at: string | null }> = await r.store.db.reader('outbox').orderBy('seq').select('ref_id', 'parked_at');
  expect(rows.filter((row) => row.parked_at === null).map((row) => row.ref_id), 'queued rows, in scan order').to.deep.equal(m.queued);
  expect(rows.filter((row) => row.parked_at !== null).map((row) => row.ref_id), 'parked rows').to.deep.equal(m.parked);
  const bottles: Array<{ id: string; status: number }> = await r.store.db.reader('bottles').select('id', 'status');
  expect(new Map(bottles.map((b) => [b.id, b.status]))).to.deep.equal(m.status);
  const counted: Array<{ status: number; n: number }> = await r.store.db.reader.raw('SELECT status, COUNT(*) AS n FROM bottles GROUP BY status');
  const kept: Array<{ status: number; count: number }> = await r.store.db.reader('bottle_status_counts').select('status', 'count');
  expect(Object.fromEntries(kept.filter((k) => k.count !== 0).map((k) => [k.status, k.count])), 'status counters').to.deep.equal(Object.fromEntries(counted.map((c) => [c.status, c.n])));
  // Nothing lost: every bottle is queued, parked or held upstream.
  for (const id of m.status.keys()) {
    const upstream = r.stored.get(`bottle.created:${id}`) ?? 0;
    expect(upstream, `${id} stored upstream at most once`).to.be.at.most(1);
    expect(m.queued.includes(id) || m.parked.includes(id) || upstream === 1, `${id} is somewhere`).to.equal(true);
  }
}

class Scan implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const results = await writeScanGroup(
      r.store.db.writer,
      Array.from({ length: this.n }, () => scanItem(validCode(seed++))),
      nextId,
      new Date().toISOString(),
    );
    for (const result of results) {
      expect(result.outcome).to.equal('accepted');
      m.queued.push(result.bottleId!);
      m.status.set(result.bottleId!, CREATED);
    }
    await checkStore(m, r);
  }
  toString = () => `Scan(${this.n})`;
}

class Drain implements fc.AsyncCommand<Model, Real> {
  constructor(readonly answer: Answer) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.answer = this.answer;
    const heldBefore = new Set(r.stored.keys());
    const uploads = r.uploads.length;
    const outcome = await run<DrainOutcome>(r.drain.drain).then(
      (o) => o,
      (e: Error) => e,
    );
    if (m.queued.length === 0) {
      expect(outcome).to.deep.equal({ sent: 0, synced: 0, parked: 0, more: false });
      expect(r.uploads).to.have.length(uploads);
      return checkStore(m, r);
    }
    // Order: the upload is the oldest queued items, in scan order, at most a batch.
    expect(r.uploads).to.have.length(uploads + 1);
    const sent = r.uploads.at(-1)!;
    expect(sent.length).to.be.within(1, m.batchSize);
    expect(sent).to.deep.equal(m.queued.slice(0, sent.length));
    for (const id of sent) expect(r.acked.has(id), `${id} was sent again after it was acknowledged`).to.equal(false);
    for (const id of sent) m.status.set(id, SENT);
    const more = sent.length === m.batchSize;
    if (this.answer === 'fail' || this.answer === 'lost') {
      expect(outcome).to.be.an('error');
      return checkStore(m, r);
    }
    let acked = sent;
    let parked: string[] = [];
    if (this.answer === 'refuseFirst' && !heldBefore.has(`bottle.created:${sent[0]}`)) {
      parked = sent.slice(0, 1);
      acked = sent.slice(1);
    } else if (this.answer === 'half') {
      acked = sent.slice(0, Math.ceil(sent.length / 2));
    }
    expect(outcome).to.deep.equal({ sent: sent.length, synced: acked.length, parked: parked.length, more });
    for (const id of acked) {
      m.status.set(id, SYNCED);
      r.acked.add(id);
      // Acknowledged only what the upstream holds.
      expect(r.stored.get(`bottle.created:${id}`)).to.equal(1);
    }
    m.parked.push(...parked);
    m.queued = m.queued.filter((id) => !acked.includes(id) && !parked.includes(id));
    await checkStore(m, r);
  }
  toString = () => `Drain(${this.answer})`;
}

class SetBatchSize implements fc.AsyncCommand<Model, Real> {
  constructor(readonly size: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.drain.setBatchSize(this.size);
    r.batchSize = this.size;
    m.batchSize = this.size;
    await checkStore(m, r);
  }
  toString = () => `SetBatchSize(${this.size})`;
}

/** The edge restarts: the store is closed and reopened, and a new drain (nothing prepared) takes over. */
class Restart implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.store.reopen();
    r.drain = newDrain(r);
    await checkStore(m, r);
    expect((await run<number>(r.drain.pending)) > 0).to.equal(m.queued.length > 0);
  }
  toString = () => 'Restart';
}

const commands = [
  fc.integer({ min: 1, max: 5 }).map((n) => new Scan(n)),
  fc.constantFrom<Answer>('all', 'all', 'fail', 'lost', 'refuseFirst', 'half').map((a) => new Drain(a)),
  fc.integer({ min: 1, max: 4 }).map((n) => new SetBatchSize(n)),
  fc.constant(new Restart()),
];

describe('outbox drain (model-based properties, fc.commands)', function () {
  this.timeout(60_000);

  it('uploads in order, exactly once, and keeps exact counts across restarts', async () => {
    await assertAsyncProperty(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        const store = await openTestEdgeDb();
        try {
          const real: Real = { store, drain: null as unknown as OutboxDrain, batchSize: 3, stored: new Map(), uploads: [], answer: 'all', acked: new Set() };
          real.drain = newDrain(real);
          const model: Model = { queued: [], parked: [], status: new Map(), batchSize: 3 };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          // Drained to the end with a healthy upstream, every item not refused is held upstream exactly once.
          real.answer = 'all';
          for (let i = 0; i < 100 && model.queued.length > 0; i++) await new Drain('all').run(model, real);
          expect(model.queued).to.deep.equal([]);
          for (const id of model.status.keys()) {
            expect(real.stored.get(`bottle.created:${id}`) ?? 0).to.equal(model.parked.includes(id) ? 0 : 1);
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 8 },
    );
  });
});
