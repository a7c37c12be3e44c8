import { expect } from 'chai';
import { createActor } from 'xstate';
import { createScanCommitter } from '../../../adapters/store/scan-committer.js';
import { type ScanReply, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import { ask } from '../../../src/runtime/ask.js';
import { openTestEdgeDb, type TestEdgeDb } from '../../support/edge-db.js';
import { invalidCode, validCode } from '../../support/scan-fixtures.js';

/** The scan line machine with the SQLite committer, as the edge composes them. */
describe('scan committer (scan line + SQLite)', () => {
  let store: TestEdgeDb;
  let line: ReturnType<typeof startLine>;
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    line.actor.stop();
    await store.close();
  });

  function startLine() {
    const committer = createScanCommitter(store.db.writer, { maxItems: 64, windowMs: 0 });
    const actor = createActor(scanLineMachine.provide({ actors: { committer: committer.logic } }), {
      input: { settings: { industry: 'milk', productionLineId: 'line-1', productId: null, party: null, deviceId: 'edge-1' } },
    });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    const scan = (code: string) => ask<ScanReply>(actor, (replyTo) => ({ type: 'SCAN', code, source: 'cam-1', replyTo })).then((r) => r.decisions[0]!);
    return { actor, committer, errors, scan };
  }

  it('answers after the commit: accepted, duplicate and invalid, each decision matching what is stored', async () => {
    line = startLine();
    const code = validCode(1);
    const decisions = await Promise.all([line.scan(code), line.scan(code), line.scan(invalidCode(2))]);
    expect(decisions.map((d) => d.outcome)).to.deep.equal(['accepted', 'duplicate', 'invalid']);
    expect(decisions[1]!.bottleId).to.equal(decisions[0]!.bottleId);
    // Answered means committed: the bottle is visible on the other connection already.
    expect((await store.db.reader('bottles').where({ id: decisions[0]!.bottleId }))).to.have.length(1);
    expect(await store.db.reader('scans')).to.have.length(3);
    expect(line.actor.getSnapshot().context.counters).to.deep.include({ scans: 3, accepted: 1, duplicates: 1, invalid: 1 });
    expect(line.errors).to.deep.equal([]);
  });

  it('answers every scan of a failed group with an error decision, and recovers once storage does', async () => {
    line = startLine();
    await store.db.writer.raw(`CREATE TRIGGER scans_down BEFORE INSERT ON scans BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const failed = await Promise.all([line.scan(validCode(3)), line.scan(validCode(4))]);
    for (const decision of failed) {
      expect(decision.outcome).to.equal('error');
      expect(decision.message).to.match(/^Storage unavailable: .*disk full/);
    }
    expect(await store.db.reader('bottles')).to.deep.equal([]);

    await store.db.writer.raw('DROP TRIGGER scans_down');
    expect((await line.scan(validCode(3))).outcome).to.equal('accepted');
    expect(line.actor.getSnapshot().context.inFlight).to.equal(0);
  });

  it('whenIdle waits for the scans handed over before a drain', async () => {
    line = startLine();
    const pending = Array.from({ length: 50 }, (_, i) => line.scan(validCode(100 + i)));
    line.actor.send({ type: 'DRAIN' });
    await line.committer.whenIdle();
    expect(line.committer.backlog).to.equal(0);
    const [{ n }] = await store.db.reader('bottles').count({ n: '*' });
    expect(Number(n)).to.equal(50);
    const decisions = await Promise.all(pending);
    expect(decisions.every((d) => d.outcome === 'accepted')).to.equal(true);
    expect(line.actor.getSnapshot().value).to.equal('drained');
  });
});
