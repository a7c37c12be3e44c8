import { expect } from 'chai';
import { flush } from '../../support/controlled-promise.js';
import { BACKOFF, failure, outcome, POLL_MS, startSyncQueue, type SyncQueueUnderTest } from '../../support/sync-queue-fakes.js';

describe('sync queue machine', () => {
  let q: SyncQueueUnderTest;
  afterEach(() => {
    expect(q.errors).to.deep.equal([]);
    q.stop();
  });

  /** From offline to a drain in flight: target ready, one row pending. */
  async function toSending() {
    q.ready();
    q.pending.open().resolve(1);
    await flush();
    expect(q.state()).to.equal('sending');
  }

  describe('offline', () => {
    beforeEach(() => {
      q = startSyncQueue();
    });

    it('starts offline and touches the outbox only once a target is ready', async () => {
      expect(q.state()).to.equal('offline');
      expect(q.snapshot().context).to.deep.include({ targetReady: false, targetReason: 'No sync target yet', attempt: 0, syncErrors: 0, lastSyncAt: null });
      q.clock.increment(60 * POLL_MS);
      await flush();
      expect(q.pending.calls).to.have.length(0);
      expect(q.drain.calls).to.have.length(0);
      q.ready();
      expect(q.state()).to.equal('checking');
      expect(q.pending.calls).to.have.length(1);
      expect(q.snapshot().context).to.deep.include({ targetReady: true, targetReason: null });
    });

    it('records why it has no target when told so, and stays offline', () => {
      q.lost('Factory server not configured (VIA_LOCAL_SERVER mode)');
      expect(q.state()).to.equal('offline');
      expect(q.snapshot().context.targetReason).to.equal('Factory server not configured (VIA_LOCAL_SERVER mode)');
    });

    it('answers SYNC_NOW with the reason it cannot sync, and does not start', async () => {
      q.lost('Not provisioned: sign in and activate a device (DIRECT_CLOUD mode)');
      q.syncNow();
      await flush();
      expect(q.replies.events).to.deep.equal([
        { type: 'sync.triggered', state: 'offline', targetReady: false, reason: 'Not provisioned: sign in and activate a device (DIRECT_CLOUD mode)' },
      ]);
      expect(q.state()).to.equal('offline');
      expect(q.pending.calls).to.have.length(0);
    });
  });

  describe('idle and checking', () => {
    beforeEach(() => {
      q = startSyncQueue();
      q.ready();
    });

    it('goes idle when nothing is pending and polls again after the poll interval, not before', async () => {
      q.pending.open().resolve(0);
      await flush();
      expect(q.state()).to.equal('idle');
      q.clock.increment(POLL_MS - 1);
      await flush();
      expect(q.state()).to.equal('idle');
      expect(q.pending.calls).to.have.length(1);
      q.clock.increment(1);
      await flush();
      expect(q.state()).to.equal('checking');
      expect(q.pending.calls).to.have.length(2);
      expect(q.progress()).to.deep.equal([]);
    });

    it('treats a failing pending query as nothing to do, and polls again', async () => {
      q.pending.open().reject(new Error('SQLITE_BUSY'));
      await flush();
      expect(q.state()).to.equal('idle');
      expect(q.snapshot().context.syncErrors).to.equal(0);
      q.clock.increment(POLL_MS);
      await flush();
      expect(q.pending.calls).to.have.length(2);
    });

    it('starts sending when rows are pending', async () => {
      q.pending.open().resolve(3);
      await flush();
      expect(q.snapshot().value).to.deep.equal({ sending: 'batch' });
      expect(q.drain.calls).to.have.length(1);
      expect(q.progress()).to.deep.equal([{ type: 'sync.progress', status: 'started' }]);
    });

    it('SYNC_NOW from idle answers and sends at once, without waiting for the poll', async () => {
      q.pending.open().resolve(0);
      await flush();
      q.syncNow();
      await flush();
      expect(q.replies.events).to.deep.equal([{ type: 'sync.triggered', state: 'idle', targetReady: true, reason: null }]);
      expect(q.state()).to.equal('sending');
      expect(q.drain.calls).to.have.length(1);
      expect(q.pending.calls).to.have.length(1);
    });

    it('SYNC_NOW while checking is answered and changes nothing', async () => {
      q.syncNow();
      await flush();
      expect(q.replies.events).to.deep.equal([{ type: 'sync.triggered', state: 'checking', targetReady: true, reason: null }]);
      expect(q.state()).to.equal('checking');
      expect(q.drain.calls).to.have.length(0);
    });

    it('a repeated ready TARGET while idle keeps it idle', async () => {
      q.pending.open().resolve(0);
      await flush();
      q.ready();
      expect(q.state()).to.equal('idle');
      expect(q.pending.calls).to.have.length(1);
    });
  });

  describe('sending', () => {
    beforeEach(async () => {
      q = startSyncQueue();
      await toSending();
    });

    it('repeats batches while the drain says there is more, then completes with the cycle\'s synced count', async () => {
      q.drain.open().resolve(outcome({ sent: 10, synced: 10, more: true }));
      await flush();
      expect(q.state()).to.equal('sending');
      expect(q.drain.calls).to.have.length(2);
      q.drain.open().resolve(outcome({ sent: 10, synced: 8, parked: 2, more: true }));
      await flush();
      q.drain.open().resolve(outcome({ sent: 3, synced: 3, more: false }));
      await flush();
      expect(q.state()).to.equal('idle');
      expect(q.drain.calls).to.have.length(3);
      // One started per cycle, not per batch.
      expect(q.progress()).to.deep.equal([
        { type: 'sync.progress', status: 'started' },
        { type: 'sync.progress', status: 'completed', synced: 21, parked: 2 },
      ]);
      expect(q.snapshot().context).to.deep.include({ syncedTotal: 21, parkedTotal: 2, attempt: 0, lastError: null });
      expect(q.snapshot().context.lastSyncAt).to.be.a('string');
    });

    it('counts each cycle on its own in `completed`, the totals across cycles', async () => {
      q.drain.open().resolve(outcome({ sent: 5, synced: 5 }));
      await flush();
      q.syncNow();
      await flush();
      q.drain.open().resolve(outcome({ sent: 7, synced: 7 }));
      await flush();
      const completed = q.progress().filter((e) => e.status === 'completed');
      expect(completed.map((e) => (e as { synced: number }).synced)).to.deep.equal([5, 7]);
      expect(q.snapshot().context.syncedTotal).to.equal(12);
    });

    it('leaves lastSync alone when a batch sent nothing', async () => {
      q.drain.open().resolve(outcome({ sent: 0, synced: 0 }));
      await flush();
      expect(q.snapshot().context.lastSyncAt).to.equal(null);
      expect(q.progress().at(-1)).to.deep.equal({ type: 'sync.progress', status: 'completed', synced: 0, parked: 0 });
    });

    it('SYNC_NOW while sending is answered with state "sending" and starts no second drain', async () => {
      q.syncNow();
      await flush();
      expect(q.replies.events).to.deep.equal([{ type: 'sync.triggered', state: 'sending', targetReady: true, reason: null }]);
      expect(q.drain.calls).to.have.length(1);
    });

    it('goes offline when the target is lost mid-batch, abandoning the batch', async () => {
      q.lost('Not provisioned');
      expect(q.state()).to.equal('offline');
      expect(q.drain.calls[0]!.aborted).to.equal(true);
      expect(q.snapshot().context).to.deep.include({ targetReady: false, targetReason: 'Not provisioned' });
      q.clock.increment(60 * POLL_MS);
      await flush();
      expect(q.drain.calls).to.have.length(1);
      expect(q.pending.calls).to.have.length(1);
    });
  });

  describe('failures and backoff', () => {
    beforeEach(async () => {
      q = startSyncQueue();
      await toSending();
    });

    it('backs off after a failed batch and says why, with the retry delay', async () => {
      q.drain.open().reject(failure('server', 'OKTO Cloud refused POST /device/sync (HTTP 503): Injected fault'));
      await flush();
      expect(q.state()).to.equal('backoff');
      expect(q.snapshot().context).to.deep.include({ attempt: 1, syncErrors: 1, lastError: 'OKTO Cloud refused POST /device/sync (HTTP 503): Injected fault' });
      expect(q.progress().at(-1)).to.deep.equal({
        type: 'sync.progress',
        status: 'failed',
        reason: 'OKTO Cloud refused POST /device/sync (HTTP 503): Injected fault',
        retryInMs: BACKOFF.baseMs,
      });
    });

    it('retries after the backoff with the attempt growing and the delay doubling up to the cap', async () => {
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 6; attempt++) {
        q.drain.open().reject(failure('unreachable', `refused #${attempt}`));
        await flush();
        expect(q.state()).to.equal('backoff');
        expect(q.snapshot().context.attempt).to.equal(attempt);
        const failed = q.progress().at(-1) as { status: string; reason: string; retryInMs: number };
        expect(failed).to.deep.include({ status: 'failed', reason: `refused #${attempt}` });
        delays.push(failed.retryInMs);
        // Jitter takes at most half off: nothing before half the delay, a retry by the full delay.
        q.clock.increment(Math.floor(failed.retryInMs / 2) - 1);
        await flush();
        expect(q.state()).to.equal('backoff');
        q.clock.increment(Math.ceil(failed.retryInMs / 2) + 1);
        await flush();
        expect(q.state()).to.equal('sending');
        expect(q.drain.calls).to.have.length(attempt + 1);
      }
      expect(delays).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
      expect(q.snapshot().context.syncErrors).to.equal(6);
      q.drain.open().resolve(outcome({ sent: 4, synced: 4 }));
      await flush();
      expect(q.state()).to.equal('idle');
      expect(q.snapshot().context).to.deep.include({ attempt: 0, lastError: null, syncErrors: 6 });
      expect(q.progress().at(-1)).to.deep.include({ status: 'completed', synced: 4 });
    });

    it('SYNC_NOW in backoff retries at once', async () => {
      q.drain.open().reject(failure('timeout', 'timed out'));
      await flush();
      q.syncNow();
      await flush();
      expect(q.replies.events).to.deep.equal([{ type: 'sync.triggered', state: 'backoff', targetReady: true, reason: null }]);
      expect(q.state()).to.equal('sending');
      expect(q.drain.calls).to.have.length(2);
    });

    it('goes offline on a lost target in backoff, and the retry timer does not fire later', async () => {
      q.drain.open().reject(failure('server', 'HTTP 500'));
      await flush();
      q.lost('Factory server not configured');
      expect(q.state()).to.equal('offline');
      q.clock.increment(10 * BACKOFF.maxMs);
      await flush();
      expect(q.state()).to.equal('offline');
      expect(q.drain.calls).to.have.length(1);
    });

    it('goes offline on an unauthorized batch and says so, without retrying', async () => {
      q.drain.open().reject(failure('unauthorized', 'OKTO Cloud refused POST /device/sync (HTTP 401): Invalid or expired token'));
      await flush();
      expect(q.state()).to.equal('offline');
      expect(q.snapshot().context).to.deep.include({
        targetReady: false,
        targetReason: 'OKTO Cloud refused POST /device/sync (HTTP 401): Invalid or expired token',
        lastError: 'OKTO Cloud refused POST /device/sync (HTTP 401): Invalid or expired token',
        syncErrors: 1,
      });
      expect(q.emitted.at(-1)).to.deep.equal({ type: 'sync.unauthorized', reason: 'OKTO Cloud refused POST /device/sync (HTTP 401): Invalid or expired token' });
      expect(q.progress().filter((e) => e.status === 'failed')).to.deep.equal([]);
      q.clock.increment(10 * BACKOFF.maxMs);
      await flush();
      expect(q.drain.calls).to.have.length(1);
      // A fresh target (re-provisioned) brings it back.
      q.ready();
      expect(q.state()).to.equal('checking');
    });

    it('reports an error without a message by its text', async () => {
      q.drain.open().reject('socket hang up');
      await flush();
      expect(q.progress().at(-1)).to.deep.include({ status: 'failed', reason: 'socket hang up' });
    });
  });
});
