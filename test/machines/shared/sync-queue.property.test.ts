import { expect } from 'chai';
import fc from 'fast-check';
import { flush } from '../../support/controlled-promise.js';
import { assertAsyncProperty } from '../../support/fc-run.js';
import { BACKOFF, failure, POLL_MS, startSyncQueue, type SyncQueueUnderTest } from '../../support/sync-queue-fakes.js';

/**
 * Model-based property test (fc.commands) of the sync queue machine over an outbox that outlives
 * it: random sequences of new rows, target changes, SYNC_NOW, new poll intervals, time passing,
 * outbox calls answered (all acknowledged, failing, answer lost after the upstream stored the
 * batch, unauthorized) and restarts (the actor stopped mid-call and a new one started on the same
 * outbox) are run, and after every step:
 *  - at most one outbox call is in flight, and only in the state that makes it;
 *  - nothing is uploaded while the target is not ready;
 *  - the counters equal what this actor's drains acknowledged and failed;
 *  - the upstream (an idempotent receiver) got the items in outbox order and holds each once.
 * At the end, with a healthy target and time passing, the outbox empties: every item is held
 * upstream exactly once, in order. FC_SEED replays a failure; the seed is printed when one fails.
 */
const BATCH = 3;

interface World {
  q: SyncQueueUnderTest;
  /** The outbox: item numbers still to upload, oldest first. Survives restarts. */
  outbox: number[];
  next: number;
  ready: boolean;
  /** Upstream: items in the order first stored, and how often each arrived. */
  stored: number[];
  arrivals: Map<number, number>;
  /** This actor's acknowledgements and failures (the counters start over with a new actor). */
  synced: number;
  errors: number;
}

/** The actor's outbox calls: answered here the way the real drain and pending count would. */
async function answerDrain(w: World, how: 'ok' | 'fail' | 'lost' | 'unauthorized'): Promise<void> {
  const call = w.q.drain.open();
  const batch = w.outbox.slice(0, BATCH);
  // The upload happens for every answer but a failure before it.
  if (how === 'ok' || how === 'lost') {
    for (const item of batch) {
      const n = w.arrivals.get(item) ?? 0;
      if (n === 0) w.stored.push(item);
      w.arrivals.set(item, n + 1);
    }
  }
  if (how === 'ok') {
    // Acknowledged: only now do the rows leave the outbox.
    w.outbox.splice(0, batch.length);
    w.synced += batch.length;
    call.resolve({ sent: batch.length, synced: batch.length, parked: 0, more: w.outbox.length > 0 });
  } else if (how === 'unauthorized') {
    w.errors++;
    w.ready = false;
    call.reject(failure('unauthorized', 'token revoked'));
  } else {
    w.errors++;
    call.reject(failure('server', how === 'lost' ? 'socket hang up' : 'ECONNREFUSED'));
  }
  await flush();
}

function checkInvariants(w: World): void {
  const { q } = w;
  expect(q.errors).to.deep.equal([]);
  const drains = q.drain.waiting().length;
  const pendings = q.pending.waiting().length;
  expect(drains + pendings, 'one outbox call at a time').to.be.at.most(1);
  if (drains) expect(q.state()).to.equal('sending');
  if (pendings) expect(q.state()).to.equal('checking');
  if (!w.ready) {
    expect(q.state(), 'nothing happens without a target').to.equal('offline');
    expect(drains + pendings).to.equal(0);
  }
  expect(q.snapshot().context).to.deep.include({ syncedTotal: w.synced, syncErrors: w.errors, targetReady: w.ready });
  // Idempotent upstream, at-least-once delivery: each item held once, first stored in outbox order.
  expect(w.stored).to.deep.equal([...w.stored].sort((a, b) => a - b));
  for (const [item, n] of w.arrivals) if (n > 1) expect(w.stored.filter((s) => s === item)).to.have.length(1);
  // Nothing lost: an item left the outbox only once the upstream held it.
  for (let item = 1; item < w.next; item++) if (!w.outbox.includes(item)) expect(w.stored, `item ${item}`).to.include(item);
}

type Cmd = fc.AsyncCommand<object, World>;
const cmd = (name: string, run: (w: World) => Promise<void> | void, check: (w: World) => boolean = () => true): Cmd => ({
  check: () => true,
  async run(_m, w) {
    if (check(w)) {
      await run(w);
      await flush();
    }
    checkInvariants(w);
  },
  toString: () => name,
});

const commands = [
  fc.integer({ min: 1, max: 5 }).map((n) =>
    cmd(`Rows(${n})`, (w) => {
      for (let i = 0; i < n; i++) w.outbox.push(w.next++);
    }),
  ),
  fc.constant(
    cmd('TargetReady', (w) => {
      w.q.ready();
      w.ready = true;
    }),
  ),
  fc.constant(
    cmd('TargetLost', (w) => {
      w.q.lost('Not provisioned');
      w.ready = false;
    }),
  ),
  fc.constant(cmd('SyncNow', (w) => w.q.syncNow())),
  fc.constantFrom(POLL_MS / 2, POLL_MS, POLL_MS * 2).map((ms) => cmd(`Poll(${ms})`, (w) => w.q.actor.send({ type: 'SETTINGS.UPDATE', pollIntervalMs: ms }))),
  fc.constantFrom(1, BACKOFF.baseMs, POLL_MS, BACKOFF.maxMs * 2).map((ms) => cmd(`Time(${ms})`, (w) => w.q.clock.increment(ms))),
  fc.constant(
    cmd(
      'PendingAnswers',
      (w) => {
        w.q.pending.open().resolve(w.outbox.length);
      },
      (w) => w.q.pending.waiting().length === 1,
    ),
  ),
  fc.constantFrom('ok', 'ok', 'fail', 'lost', 'unauthorized').map((how) =>
    cmd(`Drain(${how})`, (w) => answerDrain(w, how as 'ok'), (w) => w.q.drain.waiting().length === 1),
  ),
  fc.constant(
    cmd('Restart', (w) => {
      // Stopped mid-call: that call's rows stay in the outbox (nothing was acknowledged).
      w.q.stop();
      w.q = startSyncQueue();
      w.synced = 0;
      w.errors = 0;
      // The edge tells a new queue its target at start.
      if (w.ready) w.q.ready();
    }),
  ),
];

describe('sync queue machine (model-based properties, fc.commands)', function () {
  this.timeout(60_000);

  it('one call at a time, nothing without a target, in order and exactly once upstream, across restarts', async () => {
    await assertAsyncProperty(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (cmds) => {
        const w: World = { q: startSyncQueue(), outbox: [], next: 1, ready: false, stored: [], arrivals: new Map(), synced: 0, errors: 0 };
        try {
          await fc.asyncModelRun(() => ({ model: {}, real: w }), cmds);
          // A healthy target and time passing empty the outbox.
          if (!w.ready) {
            w.q.ready();
            w.ready = true;
          }
          for (let i = 0; i < 200 && (w.outbox.length > 0 || w.q.state() !== 'idle'); i++) {
            if (w.q.pending.waiting().length === 1) w.q.pending.open().resolve(w.outbox.length);
            else if (w.q.drain.waiting().length === 1) await answerDrain(w, 'ok');
            else w.q.clock.increment(Math.max(POLL_MS * 2, BACKOFF.maxMs));
            await flush();
            checkInvariants(w);
          }
          expect(w.outbox).to.deep.equal([]);
          expect(w.q.state()).to.equal('idle');
          expect(w.stored).to.deep.equal(Array.from({ length: w.next - 1 }, (_, i) => i + 1));
        } finally {
          w.q.stop();
        }
      }),
      { numRuns: 60 },
    );
  });
});
