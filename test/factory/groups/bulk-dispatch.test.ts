import { expect } from 'chai';
import { queryAudit } from '../../../adapters/store/factory/audit-log.js';
import { DomainError } from '../../../src/domain/domain-error.js';
import type { DispatchRequest } from '../../../src/domain/ports/command-port.js';
import type { FactoryEvent } from '../../../src/factory/factory-events.js';
import { type BulkDispatcher, createBulkDispatcher } from '../../../src/factory/groups/bulk-dispatch.js';
import { createEventBus } from '../../../src/runtime/event-bus.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { describeOnFactoryDbs } from '../../support/factory-db.js';
import { createFakeCommandPort, type FakeBehaviour, type FakeCommandPort } from '../../support/fake-command-port.js';
import { waitFor } from '../../support/wait-for.js';

const actor = { userId: 'u-manager', username: 'manager' };

describeOnFactoryDbs('bulk dispatch to a device group', (ctx) => {
  let bus: ReturnType<typeof createEventBus<FactoryEvent>>;
  let fake: FakeCommandPort;
  let dispatcher: BulkDispatcher;
  let progress: any[];
  let offline: Set<string>;
  let script: (request: DispatchRequest) => FakeBehaviour;

  const start = (options: { concurrency?: number; withPort?: boolean } = {}) => {
    bus = createEventBus<FactoryEvent>();
    progress = [];
    offline = new Set();
    fake = createFakeCommandPort((command) => bus.publish({ type: 'command.changed', command }), (request) => script(request));
    dispatcher = createBulkDispatcher({
      db: ctx.db,
      bus,
      logger: silentLogger,
      commands: () => (options.withPort === false ? undefined : fake.port),
      isConnected: (deviceId) => !offline.has(deviceId),
      progressIntervalMs: 20,
      graceMs: 0,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    bus.subscribe('command.changed', ({ command }) => dispatcher.onCommandChanged(command));
    bus.subscribe('dashboard.push', ({ message }) => {
      if (message.type === 'command_progress') progress.push(message.data);
    });
  };

  beforeEach(() => ctx.reset());
  afterEach(() => dispatcher?.stop());

  const bulk = (deviceIds: string[], extra: Record<string, unknown> = {}) =>
    dispatcher.dispatch({ groupId: 'g-1', deviceIds, type: 'force_sync', params: {}, wait: true, actor, ...extra });

  it('one command per member; per-device results and a summary of every outcome', async () => {
    start();
    const behaviours: Record<string, FakeBehaviour> = {
      'ok-1': { kind: 'succeed', result: { synced: 3 } },
      'ok-2': { kind: 'instant', result: { synced: 0 } },
      'bad-1': { kind: 'fail', error: { code: 'SYNC_FAILED', message: 'cloud down' } },
      'off-1': { kind: 'queue' },
      'mute-1': { kind: 'silent' },
      'gone-1': { kind: 'refuse' },
    };
    offline.add('off-1');
    script = (request) => behaviours[request.deviceId]!;
    const outcome = await bulk(Object.keys(behaviours), { timeoutMs: 300 });

    expect(outcome.bulkId).to.be.a('string');
    expect(outcome.summary).to.deep.equal({ total: 6, succeeded: 2, failed: 2, timedOut: 0, expired: 0, pending: 2 });
    const by = Object.fromEntries(outcome.results.map((r) => [r.deviceId, r]));
    expect(outcome.results.map((r) => r.deviceId)).to.deep.equal(Object.keys(behaviours));
    expect(by['ok-1']).to.deep.include({ status: 'SUCCEEDED', result: { synced: 3 } });
    expect(by['ok-2']).to.deep.include({ status: 'SUCCEEDED', result: { synced: 0 } });
    expect(by['bad-1']).to.deep.include({ status: 'FAILED', error: { code: 'SYNC_FAILED', message: 'cloud down' } });
    expect(by['off-1']!.status).to.equal('QUEUED');
    expect(by['mute-1']!.status).to.equal('SENT');
    expect(by['gone-1']).to.deep.include({ commandId: null, status: 'FAILED' });
    expect(by['gone-1']!.error!.code).to.equal('NOT_FOUND');
    for (const r of outcome.results.filter((r) => r.commandId)) expect(fake.commands.get(r.commandId!)!.deviceId).to.equal(r.deviceId);
    expect(fake.dispatched.every((d) => d.type === 'force_sync' && d.actor === actor && d.idempotencyKey === undefined && d.timeoutMs === 300)).to.equal(true);

    const [entry] = await queryAudit(ctx.db, { entityId: 'g-1', limit: 5 });
    expect(entry).to.include({ action: 'group.command.dispatch', entityType: 'device_group', outcome: 'success', username: 'manager' });
    expect(entry!.after).to.deep.include({ bulkId: outcome.bulkId, type: 'force_sync' });
    expect((entry!.after as any).summary).to.deep.equal(outcome.summary);
  });

  it('progress as results arrive; the offline member is still counted when its command finishes later', async () => {
    start();
    offline.add('late');
    script = (request) => (request.deviceId === 'late' ? { kind: 'queue' } : { kind: 'succeed', afterMs: 5 });
    const outcome = await bulk(['a', 'b', 'c', 'late']);
    expect(outcome.summary).to.include({ succeeded: 3, pending: 1 });
    expect(progress.at(-1)).to.deep.include({ bulkId: outcome.bulkId, groupId: 'g-1', total: 4, done: 3, succeeded: 3, failed: 0 });
    expect(dispatcher.activeCount()).to.equal(1);

    fake.finish(outcome.results.find((r) => r.deviceId === 'late')!.commandId!, 'FAILED');
    await waitFor(() => progress.at(-1)?.done === 4);
    expect(progress.at(-1)).to.deep.include({ total: 4, done: 4, succeeded: 3, failed: 1 });
    expect(dispatcher.activeCount()).to.equal(0);
    // Done counts only ever grow.
    const dones = progress.map((p) => p.done);
    expect(dones).to.deep.equal([...dones].sort((x, y) => x - y));
  });

  it('wait: false answers with the commands as dispatched; an idempotency key becomes one per device', async () => {
    start();
    script = () => ({ kind: 'succeed', afterMs: 30 });
    const outcome = await bulk(['k-1', 'k-2'], { wait: false, idempotencyKey: 'restart-42' });
    expect(outcome.results.map((r) => r.status)).to.deep.equal(['SENT', 'SENT']);
    expect(outcome.summary).to.include({ total: 2, pending: 2 });
    expect(fake.dispatched.map((d) => d.idempotencyKey).sort()).to.deep.equal(['restart-42:k-1', 'restart-42:k-2']);
    await waitFor(() => progress.at(-1)?.done === 2);
    expect(progress.at(-1)).to.include({ succeeded: 2 });

    // The same key again runs nothing new: the port answers with the first commands.
    const again = await bulk(['k-1', 'k-2'], { idempotencyKey: 'restart-42' });
    expect(again.results.map((r) => r.commandId)).to.deep.equal(outcome.results.map((r) => r.commandId));
    expect(again.summary).to.include({ succeeded: 2 });
  });

  it('timed-out and expired commands are counted as such; an empty group is an empty answer', async () => {
    start();
    script = () => ({ kind: 'queue' });
    const outcome = await bulk(['t-1', 't-2'], { wait: false });
    fake.finish(outcome.results[0]!.commandId!, 'EXPIRED');
    fake.finish(outcome.results[1]!.commandId!, 'TIMED_OUT');
    await waitFor(() => progress.at(-1)?.done === 2);
    expect(progress.at(-1)).to.include({ expired: 1, timedOut: 1, succeeded: 0, failed: 0 });

    const empty = await bulk([]);
    expect(empty.summary).to.deep.equal({ total: 0, succeeded: 0, failed: 0, timedOut: 0, expired: 0, pending: 0 });
    expect(empty.results).to.deep.equal([]);
  });

  it('without a command service the dispatch is refused as UNAVAILABLE', async () => {
    start({ withPort: false });
    const refused = await bulk(['x']).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(DomainError);
    expect((refused as DomainError).kind).to.equal('UNAVAILABLE');
  });

  it('1,000 members: dispatched concurrently (bounded), every result and a final progress of 1,000', async function () {
    this.timeout(30_000);
    start({ concurrency: 50 });
    script = (request) => (Number(request.deviceId.slice(4)) % 2 === 0 ? { kind: 'instant' } : { kind: 'succeed', afterMs: 1 });
    const ids = Array.from({ length: 1000 }, (_, i) => `dev-${String(i).padStart(4, '0')}`);
    const outcome = await bulk(ids, { timeoutMs: 20_000 });
    expect(outcome.summary).to.deep.equal({ total: 1000, succeeded: 1000, failed: 0, timedOut: 0, expired: 0, pending: 0 });
    expect(new Set(outcome.results.map((r) => r.commandId)).size).to.equal(1000);
    expect(fake.maxInFlight()).to.be.within(2, 50);
    expect(progress.at(-1)).to.deep.include({ total: 1000, done: 1000, succeeded: 1000 });
    // Coalesced: far fewer messages than results.
    expect(progress.length).to.be.below(500);
    expect(dispatcher.activeCount()).to.equal(0);
  });
});
