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
});
