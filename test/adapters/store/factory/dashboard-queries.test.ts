import { expect } from 'chai';
import { createDashboardQueries } from '../../../../adapters/store/factory/dashboard-queries.js';
import { createSyncIngestStore } from '../../../../adapters/store/factory/sync-ingest-store.js';
import { describeOnFactoryDbs } from '../../../support/factory-db.js';

describeOnFactoryDbs('factory dashboard queries', (ctx) => {
  beforeEach(() => ctx.reset());

  it('reads zeros from an empty factory', async () => {
    expect(await createDashboardQueries(ctx.db, { timeZone: 'UTC' }).overview('2025-03-10')).to.deep.equal({ bottlesToday: 0, batchesToday: 0, batchesCompletedToday: 0, palletsToday: 0, forwardQueue: 0 });
  });

  it("counts the day's new bottles, batches and pallets, and the unparked forward queue", async () => {
    const at = '2025-03-10T08:00:00.000Z';
    const items = [
      { id: 'b1', kind: 'bottle.created', payload: { createdAt: at } },
      { id: 'b2', kind: 'bottle.created', payload: { createdAt: at } },
      { id: 'b0', kind: 'bottle.created', payload: { createdAt: '2025-03-09T08:00:00.000Z' } },
      { id: 'k1', kind: 'batch.created', payload: { createdAt: at } },
      { id: 'k1-add', kind: 'batch.bottles_added', payload: { at } },
      { id: 'k1-done', kind: 'batch.completed', payload: { batchId: 'k1', completedAt: at } },
      { id: 'p1', kind: 'pallet.created', payload: { createdAt: at } },
      { id: 'p1-add', kind: 'pallet.bottles_added', payload: { at } },
    ];
    await createSyncIngestStore(ctx.db).ingest({ deviceId: 'edge-1', lineId: 'line-1', items, forward: true, timeZone: 'UTC' });
    await ctx.db('outbox').where({ item_id: 'b0' }).update({ parked_at: at, parked_reason: 'refused' });
    const dashboard = createDashboardQueries(ctx.db, { timeZone: 'UTC' });
    expect(await dashboard.overview('2025-03-10')).to.deep.equal({ bottlesToday: 2, batchesToday: 1, batchesCompletedToday: 1, palletsToday: 1, forwardQueue: 7 });
    expect(await dashboard.overview('2025-03-09')).to.deep.include({ bottlesToday: 1, batchesToday: 0 });
    // An instant means its day in the company's zone: 2025-03-09T22:00Z is already the 10th in Moscow.
    expect(await dashboard.overview(new Date('2025-03-09T22:00:00.000Z'))).to.deep.include({ bottlesToday: 1 });
    expect(await createDashboardQueries(ctx.db, { timeZone: 'Europe/Moscow' }).overview(new Date('2025-03-09T22:00:00.000Z'))).to.deep.include({ bottlesToday: 2 });
  });

  it('production by hour: bottles per device and local hour, with the device’s line and name while it is registered', async () => {
    const now = '2025-03-10T09:00:00.000Z';
    await ctx.db('devices').insert([
      { id: 'edge-a', name: 'Cabinet A', line_id: 'L1', created_at: now, updated_at: now },
      { id: 'edge-b', name: 'Cabinet B', line_id: null, created_at: now, updated_at: now },
    ]);
    const store = createSyncIngestStore(ctx.db);
    const bottle = (id: string, createdAt: string) => ({ id, kind: 'bottle.created', payload: { createdAt } });
    await store.ingest({ deviceId: 'edge-a', lineId: 'L1', items: [bottle('a1', '2025-03-10T05:10:00Z'), bottle('a2', '2025-03-10T05:20:00Z'), bottle('a3', '2025-03-10T20:59:00Z')], forward: false, timeZone: 'Europe/Moscow' });
    await store.ingest({ deviceId: 'edge-b', lineId: null, items: [bottle('b1', '2025-03-10T06:00:00Z'), { id: 'k1', kind: 'batch.created', payload: { createdAt: '2025-03-10T06:00:00Z' } }], forward: false, timeZone: 'Europe/Moscow' });
    // A device removed since: its production stays, without line or name.
    await store.ingest({ deviceId: 'edge-gone', lineId: null, items: [bottle('g1', '2025-03-09T21:00:00Z')], forward: false, timeZone: 'Europe/Moscow' });
    const hours = (counts: Record<number, number>) => Array.from({ length: 24 }, (_, h) => counts[h] ?? 0);
    const dashboard = createDashboardQueries(ctx.db, { timeZone: 'Europe/Moscow' });
    expect(await dashboard.productionByHour('2025-03-10')).to.deep.equal([
      { deviceId: 'edge-a', productionLineId: 'L1', name: 'Cabinet A', total: 3, hours: hours({ 8: 2, 23: 1 }) },
      { deviceId: 'edge-b', name: 'Cabinet B', total: 1, hours: hours({ 9: 1 }) },
      { deviceId: 'edge-gone', total: 1, hours: hours({ 0: 1 }) },
    ]);
    expect(await dashboard.productionByHour('2025-03-11')).to.deep.equal([]);
    expect(dashboard.today(new Date('2025-03-10T21:00:00Z'))).to.equal('2025-03-11');
  });
});
