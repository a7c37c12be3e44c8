import { expect } from 'chai';
import { createSyncIngestStore } from '../../../../adapters/store/factory/sync-ingest-store.js';
import { describeOnFactoryDbs } from '../../../support/factory-db.js';

const GTIN = '04600000000017';
const unit = (itemId: string, serial: string) => ({ id: itemId, kind: 'bottle.created', payload: { bottleId: itemId, identificationCode: `01${GTIN}21${serial}`, gtin: GTIN, createdAt: '2026-12-07T10:00:00.000Z' } });

describeOnFactoryDbs('unit identity index (inside the sync ingest)', (ctx) => {
  beforeEach(() => ctx.reset());
  const ingest = (deviceId: string, lineId: string | null, items: unknown[]) =>
    createSyncIngestStore(ctx.db).ingestBatch({ deviceId, lineId, items, forward: false, timeZone: 'UTC', now: new Date('2026-12-07T10:00:01.000Z') });
  const count = async (table: string) => Number(((await ctx.db(table).count({ n: '*' })) as Array<{ n: number | string }>)[0]!.n);

  it('indexes each identity once with its first device, line, item and time; gtin + serial also name an identity', async () => {
    await ingest('d1', 'l1', [unit('i1', 'A'), { id: 'i2', kind: 'bottle.created', payload: { gtin: GTIN, serial: 'B' } }, { id: 'i3', kind: 'batch.created', payload: { id: 'k' } }]);
    const rows = await ctx.db('unit_identities').orderBy('identity_key');
    expect(rows.map((r: Record<string, unknown>) => [r.identity_key, r.first_device_id, r.first_line_id, r.first_item_id])).to.deep.equal([
      [`01${GTIN}21A`, 'd1', 'l1', 'i1'],
      [`01${GTIN}21B`, 'd1', 'l1', 'i2'],
    ]);
  });

  it('another device, or the same device on another line, is a duplicate; the same device and line is not', async () => {
    await ingest('d1', 'l1', [unit('i1', 'A')]);
    expect((await ingest('d1', 'l1', [unit('i1-re', 'A')])).crossLineDuplicates).to.deep.equal([]);
    expect((await ingest('d1', 'l2', [unit('i1-moved', 'A')])).crossLineDuplicates.map((d) => d.itemId)).to.deep.equal(['i1-moved']);
    expect((await ingest('d2', 'l1', [unit('i2', 'A')])).crossLineDuplicates.map((d) => [d.itemId, d.firstDeviceId])).to.deep.equal([['i2', 'd1']]);
    expect(await count('unit_duplicates')).to.equal(2);
  });

  it('a failed transaction leaves neither the index nor the duplicates behind', async () => {
    await ingest('d1', 'l1', [unit('i1', 'A')]);
    await ctx.db.schema.renameTable('audit_log', 'audit_log_away');
    try {
      await ingest('d2', 'l2', [unit('i2', 'A'), unit('i3', 'C')]).then(
        () => expect.fail('the ingest should have failed'),
        () => undefined,
      );
    } finally {
      await ctx.db.schema.renameTable('audit_log_away', 'audit_log');
    }
    expect(await count('unit_duplicates')).to.equal(0);
    expect(await count('unit_identities')).to.equal(1);
    expect(await count('sync_items')).to.equal(1);
  });

  it('concurrent ingests of the same codes from two lines: each identity indexed once, each later arrival flagged once', async () => {
    const serials = Array.from({ length: 300 }, (_, i) => `S${i}`);
    const [a, b] = await Promise.all([ingest('d1', 'l1', serials.map((s) => unit(`a-${s}`, s))), ingest('d2', 'l2', serials.map((s) => unit(`b-${s}`, s)))]);
    expect(await count('unit_identities')).to.equal(300);
    expect(a.crossLineDuplicates.length + b.crossLineDuplicates.length).to.equal(300);
    expect(await count('unit_duplicates')).to.equal(300);
  });
});
