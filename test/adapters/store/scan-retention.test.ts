import fs from 'node:fs';
import { expect } from 'chai';
import { pruneScans } from '../../../adapters/store/scan-retention.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import { nextId } from '../../../src/domain/ids.js';
import type { CommitItem } from '../../../src/domain/scan-commit.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { validCode } from '../../support/scan-fixtures.js';

describe('scan retention (adapters/store/scan-retention)', function () {
  this.timeout(120_000);
  let t: TestEdgeDb;
  beforeEach(async () => {
    t = await openTestEdgeDb();
  });
  afterEach(async () => t.close());

  const noRead = (at: string): CommitItem => ({ code: '', source: 'cam-1', receivedAt: at, outcome: 'noread', reason: 'No read', bottle: null, gtin: null });
  const count = async (where: string) => Number(((await t.db.reader.raw(`SELECT count(*) AS n FROM scans WHERE ${where}`)) as Array<{ n: number }>)[0]!.n);
  let seed = 1;
  /** One "hour" of a line: accepted codes, duplicates of them, no-reads. */
  async function produce(at: string, accepted: number, noise: number) {
    const codes = Array.from({ length: accepted }, () => validCode(seed++));
    await writeScanGroup(t.db.writer, codes.map((c) => scanItem(c, { receivedAt: at })), nextId, at);
    const dupes = codes.slice(0, Math.floor(noise / 2)).map((c) => scanItem(c, { receivedAt: at }));
    const reads = Array.from({ length: noise - dupes.length }, () => noRead(at));
    await writeScanGroup(t.db.writer, [...dupes, ...reads], nextId, at);
  }

  it('deletes duplicate / no-read rows past scansDays, never an accepted scan, a bottle or an outbox row', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    await produce('2026-01-01T00:00:00.000Z', 50, 40); // old
    await produce('2026-05-31T00:00:00.000Z', 50, 40); // recent
    const outbox = Number(((await t.db.reader.raw('SELECT count(*) AS n FROM outbox')) as Array<{ n: number }>)[0]!.n);
    const bottles = Number(((await t.db.reader.raw('SELECT count(*) AS n FROM bottles')) as Array<{ n: number }>)[0]!.n);

    const result = await pruneScans(t.db.writer, t.db.reader, { scansDays: 30, scansMax: null, batchSize: 7 }, now);
    expect(result).to.deep.equal({ byAge: 40, byCount: 0 });
    expect(await count("outcome <> 'accepted' AND received_at < '2026-05-01'")).to.equal(0);
    expect(await count("outcome <> 'accepted'")).to.equal(40);
    expect(await count("outcome = 'accepted'")).to.equal(100);
    expect(Number(((await t.db.reader.raw('SELECT count(*) AS n FROM bottles')) as Array<{ n: number }>)[0]!.n)).to.equal(bottles);
    expect(Number(((await t.db.reader.raw('SELECT count(*) AS n FROM outbox')) as Array<{ n: number }>)[0]!.n)).to.equal(outbox);
  });

  it('keeps the newest scansMax rows, and over a long run the row count and the file stay bounded', async () => {
    const policy = { scansDays: null, scansMax: 2_000, batchSize: 500 };
    const pages: number[] = [];
    for (let hour = 0; hour < 24; hour++) {
      const at = new Date(Date.UTC(2026, 5, 1, hour)).toISOString();
      await produce(at, 20, 1_000);
      await pruneScans(t.db.writer, t.db.reader, policy);
      expect(await count("outcome <> 'accepted'")).to.be.at.most(2_000);
      await t.db.writer.raw('PRAGMA wal_checkpoint(TRUNCATE)');
      pages.push(Number(((await t.db.reader.raw('PRAGMA page_count')) as Array<{ page_count: number }>)[0]!.page_count));
    }
    // 24,000 noise rows went through; 2,000 are kept, the newest.
    expect(await count("outcome <> 'accepted'")).to.equal(2_000);
    expect(await count("outcome <> 'accepted' AND received_at < '2026-06-01T22:00:00.000Z'")).to.equal(0);
    expect(await count("outcome = 'accepted'")).to.equal(24 * 20);
    // Freed pages are reused: after the first few hours the file grows only by the accepted rows.
    const growthLate = pages[23]! - pages[11]!;
    const growthEarly = pages[3]! - pages[0]!;
    expect(growthLate, `pages per hour: ${pages.join(' ')}`).to.be.at.most(Math.max(8, growthEarly));
    expect(fs.statSync(t.filename).size).to.be.below(4 * 1024 * 1024);
  });
});

describe('edge retention in the background (config retention)', function () {
  this.timeout(30_000);
  it('prunes on its own interval while the edge runs', async () => {
    const { startTestEdge } = await import('../../support/edge-harness.js');
    const { waitFor } = await import('../../support/wait-for.js');
    const t = await startTestEdge({ retention: { scansDays: null, scansMax: 1_000, intervalMs: 1_000 } });
    try {
      const at = new Date().toISOString();
      const reads: CommitItem[] = Array.from({ length: 1_500 }, () => ({ code: '', source: 'cam-1', receivedAt: at, outcome: 'noread', reason: 'No read', bottle: null, gtin: null }));
      await writeScanGroup(t.edge.system.db.writer, reads, nextId, at);
      const noise = async () => Number(((await t.edge.system.db.reader.raw("SELECT count(*) AS n FROM scans WHERE outcome <> 'accepted'")) as Array<{ n: number }>)[0]!.n);
      await waitFor(async () => (await noise()) === 1_000, 10_000, 'retention to cut the scan rows to scansMax');
    } finally {
      await t.stop();
    }
  });
});
