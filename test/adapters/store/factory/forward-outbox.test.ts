import { expect } from 'chai';
import { type AnyActorLogic, createActor, toPromise } from 'xstate';
import type { SyncItem, SyncItemResult } from '../../../../adapters/cloud/cloud-types.js';
import { createForwardOutbox } from '../../../../adapters/store/factory/forward-outbox.js';
import { createSyncIngestStore } from '../../../../adapters/store/factory/sync-ingest-store.js';
import type { SyncTarget } from '../../../../adapters/sync/sync-target.js';
import type { DrainOutcome } from '../../../../machines/shared/sync-queue.machine.js';
import { silentLogger } from '../../../../src/runtime/logger.js';
import { describeOnFactoryDbs } from '../../../support/factory-db.js';

/** Runs a fromPromise logic once, as the sync queue machine invokes it. */
async function run<T>(logic: AnyActorLogic): Promise<T> {
  const actor = createActor(logic);
  const done = toPromise(actor);
  actor.start();
  return done as Promise<T>;
}

/** A cloud the test scripts: `answer` decides each item's result (undefined = no answer), `fail` makes the call throw. */
function fakeCloud() {
  const cloud = {
    sent: [] as SyncItem[][],
    answer: (item: SyncItem): SyncItemResult | undefined => ({ id: item.id, status: 'accepted' }),
    fail: null as Error | null,
    target: {
      name: 'fake cloud',
      async send(items: SyncItem[]): Promise<SyncItemResult[]> {
        cloud.sent.push(items);
        if (cloud.fail) throw cloud.fail;
        return items.map((item) => cloud.answer(item)).filter((r): r is SyncItemResult => r !== undefined);
      },
    } satisfies SyncTarget,
  };
  return cloud;
}

const bottle = (n: number): SyncItem => ({ id: `bottle.created:b-${n}`, kind: 'bottle.created', payload: { bottleId: `b-${n}`, createdAt: '2025-03-10T08:00:00.000Z' } });

describeOnFactoryDbs('forward outbox', (ctx) => {
  let cloud: ReturnType<typeof fakeCloud>;
  let current: SyncTarget | null;
  beforeEach(async () => {
    await ctx.reset();
    cloud = fakeCloud();
    current = cloud.target;
  });
  const outbox = (batchSize = 100) => createForwardOutbox({ db: ctx.db, target: () => current, batchSize, logger: silentLogger });
  const queue = async (n: number, from = 0) =>
    createSyncIngestStore(ctx.db).ingest({
      deviceId: 'edge-1',
      lineId: null,
      items: Array.from({ length: n }, (_, i) => bottle(from + i)),
      forward: true,
      timeZone: 'UTC',
    });
  const rows = async () => (await ctx.db('outbox').orderBy('seq')) as Array<{ item_id: string; attempts: number; last_error: string | null; parked_at: string | null; parked_reason: string | null }>;

  it('forwards items with their original ids and payloads, deletes the acknowledged (accepted or duplicate)', async () => {
    await queue(3);
    cloud.answer = (item) => ({ id: item.id, status: item.id.endsWith('b-1') ? 'duplicate' : 'accepted' });
    const outcome = await run<DrainOutcome>(outbox().drain);
    expect(outcome).to.deep.equal({ sent: 3, synced: 3, parked: 0, more: false });
    expect(cloud.sent[0]).to.deep.equal([bottle(0), bottle(1), bottle(2)]);
    expect(await rows()).to.deep.equal([]);
    expect(await run<number>(outbox().pending)).to.equal(0);
    expect(await run<DrainOutcome>(outbox().drain)).to.deep.equal({ sent: 0, synced: 0, parked: 0, more: false });
  });

  it('drains in batches of batchSize, oldest first, saying whether more is left', async () => {
    await queue(5);
    expect(await run<number>(outbox().pending)).to.equal(1);
    expect(await run<DrainOutcome>(outbox(2).drain)).to.deep.equal({ sent: 2, synced: 2, parked: 0, more: true });
    expect(await run<DrainOutcome>(outbox(2).drain)).to.deep.equal({ sent: 2, synced: 2, parked: 0, more: true });
    expect(await run<DrainOutcome>(outbox(2).drain)).to.deep.equal({ sent: 1, synced: 1, parked: 0, more: false });
    expect(cloud.sent.map((batch) => batch.map((i) => i.id))).to.deep.equal([
      ['bottle.created:b-0', 'bottle.created:b-1'],
      ['bottle.created:b-2', 'bottle.created:b-3'],
      ['bottle.created:b-4'],
    ]);
  });

  it('parks refused items with the reason, keeps unanswered ones, and reports both', async () => {
    await queue(3);
    cloud.answer = (item) =>
      item.id.endsWith('b-0') ? { id: item.id, status: 'rejected', reason: 'unknown GTIN' } : item.id.endsWith('b-1') ? undefined : { id: item.id, status: 'accepted' };
    const forward = outbox();
    expect(await run<DrainOutcome>(forward.drain)).to.deep.equal({ sent: 3, synced: 1, parked: 1, more: false });
    const left = await rows();
    expect(left.map((r) => [r.item_id, r.parked_reason])).to.deep.equal([
      ['bottle.created:b-0', 'unknown GTIN'],
      ['bottle.created:b-1', null],
    ]);
    expect(left[0]!.parked_at).to.be.a('string');
    expect(await forward.status()).to.deep.include({ queueSize: 1, parked: 1 });
    expect((await forward.status()).oldestItem).to.be.a('string');
    expect(await forward.parked(10)).to.deep.equal([{ id: 'bottle.created:b-0', kind: 'bottle.created', parkedAt: left[0]!.parked_at, reason: 'unknown GTIN' }]);

    // The parked item is never sent again; the unanswered one is.
    cloud.answer = (item) => ({ id: item.id, status: 'accepted' });
    expect(await run<DrainOutcome>(forward.drain)).to.deep.equal({ sent: 1, synced: 1, parked: 0, more: false });
    expect(cloud.sent[1]!.map((i) => i.id)).to.deep.equal(['bottle.created:b-1']);
    expect(await forward.status()).to.deep.equal({ queueSize: 0, oldestItem: null, parked: 1 });
  });

  it('does not ask to go on at once when the cloud answered none of a full batch', async () => {
    await queue(2);
    cloud.answer = () => undefined;
    expect(await run<DrainOutcome>(outbox(2).drain)).to.deep.equal({ sent: 2, synced: 0, parked: 0, more: false });
    expect(await rows()).to.have.length(2);
  });

  it('keeps every row when the cloud fails, counting the attempt and rethrowing the error with its kind', async () => {
    await queue(2);
    cloud.fail = Object.assign(new Error('cloud unreachable'), { kind: 'unreachable' });
    for (let i = 0; i < 2; i++) {
      const error = await run(outbox().drain).then(
        () => null,
        (e: unknown) => e as { kind?: string; message?: string },
      );
      expect(error).to.deep.include({ kind: 'unreachable', message: 'cloud unreachable' });
    }
    const left = await rows();
    expect(left.map((r) => [Number(r.attempts), r.last_error, r.parked_at])).to.deep.equal([
      [2, 'cloud unreachable', null],
      [2, 'cloud unreachable', null],
    ]);
  });

  it('fails with kind unavailable, sending nothing, while there is no target', async () => {
    await queue(1);
    current = null;
    const error = await run(outbox().drain).then(
      () => null,
      (e: unknown) => e as { kind?: string },
    );
    expect(error).to.have.property('kind', 'unavailable');
    expect(cloud.sent).to.deep.equal([]);
    expect(await rows()).to.have.length(1);
  });
});
