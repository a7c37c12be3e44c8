import { expect } from 'chai';
import { GroupCommitter } from '../../../adapters/store/group-commit.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import { nextId } from '../../../src/domain/ids.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { validCode } from '../../support/scan-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

interface Write {
  items: string[];
  resolve(): void;
  reject(error: Error): void;
}

/** A write the test completes by hand; each call records the group it was given. */
function controlledWrites() {
  const writes: Write[] = [];
  const write = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      writes.push({ items, resolve: () => resolve(items.map((i) => `done:${i}`)), reject });
    });
  return { writes, write };
}

const settled = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: Error) => ({ ok: false as const, error }));

describe('GroupCommitter', () => {
  it('commits a lone job at once, and groups the jobs that arrive while a write runs', async () => {
    const { writes, write } = controlledWrites();
    const gc = new GroupCommitter(write, { maxItems: 100, windowMs: 0 });
    const a = gc.submit(['a1', 'a2']);
    await waitFor(() => writes.length === 1, 1000, 'the first write');
    expect(writes[0]!.items).to.deep.equal(['a1', 'a2']);

    const b = gc.submit(['b1']);
    const c = gc.submit(['c1', 'c2']);
    expect(gc.backlog).to.equal(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes, 'nothing starts while a write runs').to.have.length(1);

    writes[0]!.resolve();
    expect(await a).to.deep.equal(['done:a1', 'done:a2']);
    await waitFor(() => writes.length === 2, 1000, 'the second write');
    expect(writes[1]!.items, 'everything queued goes into the next transaction').to.deep.equal(['b1', 'c1', 'c2']);
    writes[1]!.resolve();
    // Each caller gets exactly its own slice of the group's results.
    expect(await b).to.deep.equal(['done:b1']);
    expect(await c).to.deep.equal(['done:c1', 'done:c2']);
    expect(gc.backlog).to.equal(0);
  });

  it('respects maxItems, and commits a job larger than maxItems whole and alone', async () => {
    const { writes, write } = controlledWrites();
    const gc = new GroupCommitter(write, { maxItems: 3, windowMs: 0 });
    const first = gc.submit(['x']);
    await waitFor(() => writes.length === 1, 1000, 'the first write');
    const jobs = [gc.submit(['a1', 'a2']), gc.submit(['b1', 'b2']), gc.submit(['c1']), gc.submit(['big1', 'big2', 'big3', 'big4', 'big5']), gc.submit(['d1'])];
    const groups: string[][] = [];
    for (let i = 0; writes.length > i; i++) {
      writes[i]!.resolve();
      await waitFor(() => writes.length > i + 1 || gc.backlog === 0, 1000, 'the next write');
      if (writes[i + 1]) groups.push(writes[i + 1]!.items);
    }
    await first;
    await Promise.all(jobs);
    expect(groups).to.deep.equal([['a1', 'a2'], ['b1', 'b2', 'c1'], ['big1', 'big2', 'big3', 'big4', 'big5'], ['d1']]);
  });

  it('rejects only the jobs of the group whose write failed', async () => {
    const { writes, write } = controlledWrites();
    const gc = new GroupCommitter(write, { maxItems: 100, windowMs: 0 });
    const a = settled(gc.submit(['a']));
    await waitFor(() => writes.length === 1, 1000, 'the first write');
    const b = settled(gc.submit(['b']));
    const c = settled(gc.submit(['c']));
    writes[0]!.reject(new Error('SQLITE_BUSY'));
    await waitFor(() => writes.length === 2, 1000, 'the second write');
    writes[1]!.resolve();

    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(ra.ok).to.equal(false);
    expect(!ra.ok && ra.error.message).to.equal('SQLITE_BUSY');
    expect(rb).to.deep.equal({ ok: true, value: ['done:b'] });
    expect(rc).to.deep.equal({ ok: true, value: ['done:c'] });
  });

  it('whenIdle resolves at once when idle, else only after every queued job has been written', async () => {
    const { writes, write } = controlledWrites();
    const gc = new GroupCommitter(write, { maxItems: 1, windowMs: 0 });
    await gc.whenIdle();

    const done: string[] = [];
    void gc.submit(['a']).then(() => done.push('a'));
    void gc.submit(['b']).then(() => done.push('b'));
    let idle = false;
    const idlePromise = gc.whenIdle().then(() => {
      idle = true;
    });
    await waitFor(() => writes.length === 1, 1000, 'the first write');
    writes[0]!.resolve();
    await waitFor(() => writes.length === 2, 1000, 'the second write');
    expect(idle).to.equal(false);
    writes[1]!.resolve();
    await idlePromise;
    // Every caller has its answer before anyone waiting for idle is told.
    expect(done).to.deep.equal(['a', 'b']);
    expect(gc.backlog).to.equal(0);
  });

  it('waits windowMs before starting a group, gathering what arrives meanwhile', async () => {
    const { writes, write } = controlledWrites();
    const gc = new GroupCommitter(write, { maxItems: 100, windowMs: 20 });
    const jobs = [gc.submit(['a'])];
    await new Promise((resolve) => setImmediate(resolve));
    jobs.push(gc.submit(['b']));
    await waitFor(() => writes.length === 1, 1000, 'the write');
    expect(writes[0]!.items).to.deep.equal(['a', 'b']);
    writes[0]!.resolve();
    await Promise.all(jobs);
  });

  describe('with the SQLite scan writer', () => {
    let store: TestEdgeDb;
    beforeEach(async () => {
      store = await openTestEdgeDb();
    });
    afterEach(async () => {
      await store.close();
    });

    it('answers every concurrent caller correctly while sharing transactions', async () => {
      let transactions = 0;
      const gc = new GroupCommitter(
        (items: Parameters<typeof writeScanGroup>[1]) => {
          transactions++;
          return writeScanGroup(store.db.writer, items, nextId, new Date().toISOString());
        },
        { maxItems: 64, windowMs: 0 },
      );
      const codes = Array.from({ length: 200 }, (_, i) => validCode(5000 + i));
      // Every code twice: whichever group sees it first stores it, the other copy is a duplicate.
      const results = await Promise.all([...codes, ...codes].map((code) => gc.submit([scanItem(code)])));
      const outcomes = results.map((r) => r[0]!.outcome);
      expect(outcomes.slice(0, 200).every((o) => o === 'accepted')).to.equal(true);
      expect(outcomes.slice(200).every((o) => o === 'duplicate')).to.equal(true);
      results.slice(200).forEach((r, i) => expect(r[0]!.bottleId).to.equal(results[i]![0]!.bottleId));
      expect(transactions).to.be.lessThan(400);
      const [{ n }] = await store.db.reader('bottles').count({ n: '*' });
      expect(Number(n)).to.equal(200);
    });
  });
});
