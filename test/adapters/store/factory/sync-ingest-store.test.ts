import { expect } from 'chai';
import type { SyncItem } from '../../../../adapters/cloud/cloud-types.js';
import { createDayOf, createLocalHourOf, createSyncIngestStore } from '../../../../adapters/store/factory/sync-ingest-store.js';
import { describeOnFactoryDbs } from '../../../support/factory-db.js';

const NOW = new Date('2025-03-10T09:00:00.000Z');
const bottle = (n: number, createdAt = '2025-03-10T08:00:00.000Z'): SyncItem => ({
  id: `bottle.created:b-${n}`,
  kind: 'bottle.created',
  payload: { bottleId: `b-${n}`, identifier: `code-${n}`, gtin: '04600000000001', createdAt },
});
const batch = (n: number): SyncItem => ({ id: `batch.created:k-${n}`, kind: 'batch.created', payload: { id: `k-${n}`, identifier: `K${n}`, status: 'in_progress', createdAt: '2025-03-10T08:30:00.000Z' } });

describe('event day in a time zone', () => {
  it('formats the instant as YYYY-MM-DD in the given zone, across midnight and DST', () => {
    const moscow = createDayOf('Europe/Moscow'); // UTC+3, no DST
    expect(moscow(Date.parse('2025-03-10T20:59:59.999Z'))).to.equal('2025-03-10');
    expect(moscow(Date.parse('2025-03-10T21:00:00.000Z'))).to.equal('2025-03-11');
    const kolkata = createDayOf('Asia/Kolkata'); // UTC+5:30: the day starts on a half hour
    expect(kolkata(Date.parse('2025-03-10T18:29:59.000Z'))).to.equal('2025-03-10');
    expect(kolkata(Date.parse('2025-03-10T18:30:00.000Z'))).to.equal('2025-03-11');
    const newYork = createDayOf('America/New_York'); // DST starts 2025-03-09: UTC-4 after
    expect(newYork(Date.parse('2025-03-10T03:59:00.000Z'))).to.equal('2025-03-09');
    expect(newYork(Date.parse('2025-03-10T04:00:00.000Z'))).to.equal('2025-03-10');
  });

  it('gives the local hour 0..23 with the day, on half-hour zones and across DST', () => {
    const moscow = createLocalHourOf('Europe/Moscow');
    expect(moscow(Date.parse('2025-03-10T20:59:59.999Z'))).to.deep.equal({ day: '2025-03-10', hour: 23 });
    expect(moscow(Date.parse('2025-03-10T21:00:00.000Z'))).to.deep.equal({ day: '2025-03-11', hour: 0 });
    const kolkata = createLocalHourOf('Asia/Kolkata');
    expect(kolkata(Date.parse('2025-03-10T04:29:00.000Z'))).to.deep.equal({ day: '2025-03-10', hour: 9 });
    expect(kolkata(Date.parse('2025-03-10T04:30:00.000Z'))).to.deep.equal({ day: '2025-03-10', hour: 10 });
    // New York skips 02:00–03:00 on 2025-03-09: 06:59Z is 01:59 EST, 07:00Z is 03:00 EDT.
    const newYork = createLocalHourOf('America/New_York');
    expect(newYork(Date.parse('2025-03-09T06:59:00.000Z'))).to.deep.equal({ day: '2025-03-09', hour: 1 });
    expect(newYork(Date.parse('2025-03-09T07:00:00.000Z'))).to.deep.equal({ day: '2025-03-09', hour: 3 });
  });
});

describeOnFactoryDbs('sync ingest store', (ctx) => {
  beforeEach(() => ctx.reset());
  const store = () => createSyncIngestStore(ctx.db);
  const ingest = (items: unknown[], options: { forward?: boolean; timeZone?: string; deviceId?: string } = {}) =>
    store().ingest({ deviceId: options.deviceId ?? 'edge-1', lineId: 'line-1', items, forward: options.forward ?? false, timeZone: options.timeZone ?? 'UTC', now: NOW });
  const countRows = async (table: string) => Number(((await ctx.db(table).count({ n: '*' })) as Array<{ n: number | string }>)[0]!.n);
  const dailyCounts = async () =>
    ((await ctx.db('daily_counts').orderBy(['day', 'kind'])) as Array<{ day: string; kind: string; count: number | string }>).map((r) => [r.day, r.kind, Number(r.count)]);
  const hourlyCounts = async () =>
    ((await ctx.db('hourly_counts').orderBy(['day', 'device_id', 'hour', 'kind'])) as Array<{ day: string; device_id: string; hour: number | string; kind: string; count: number | string }>).map((r) => [
      r.day,
      r.device_id,
      Number(r.hour),
      r.kind,
      Number(r.count),
    ]);
  const snapshot = async () => ({
    items: await ctx.db('sync_items').orderBy('id'),
    counts: await dailyCounts(),
    hourly: await hourlyCounts(),
    outbox: (await ctx.db('outbox').orderBy('seq')).map((r: Record<string, unknown>) => ({ ...r, seq: Number(r.seq) })),
  });

  it('accepts new items and stores them with their device, line, day and received time', async () => {
    const results = await ingest([bottle(1), bottle(2), batch(1)]);
    expect(results).to.deep.equal([
      { id: 'bottle.created:b-1', status: 'accepted' },
      { id: 'bottle.created:b-2', status: 'accepted' },
      { id: 'batch.created:k-1', status: 'accepted' },
    ]);
    const row = await ctx.db('sync_items').where({ id: 'bottle.created:b-1' }).first();
    expect(row).to.deep.include({ device_id: 'edge-1', line_id: 'line-1', kind: 'bottle.created', day: '2025-03-10', received_at: NOW.toISOString() });
    expect(JSON.parse(row.payload)).to.deep.equal(bottle(1).payload);
    expect(await dailyCounts()).to.deep.equal([
      ['2025-03-10', 'batch.created', 1],
      ['2025-03-10', 'bottle.created', 2],
    ]);
  });

  it('answers a resent batch with duplicate and changes nothing', async () => {
    const items = [bottle(1), bottle(2), batch(1)];
    await ingest(items, { forward: true });
    const before = await snapshot();
    const again = await ingest(items, { forward: true, deviceId: 'edge-2' });
    expect(again.map((r) => r.status)).to.deep.equal(['duplicate', 'duplicate', 'duplicate']);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('answers a mixed batch item by item, in order: new, seen before, repeated in the batch, invalid', async () => {
    await ingest([bottle(1)]);
    const results = await ingest([
      bottle(2),
      bottle(1),
      bottle(2),
      { id: 'x-1', kind: 'bottle.teleported', payload: {} },
      { id: 'x-2', kind: 'bottle.created', payload: 'text' },
      { id: 'x-3', kind: 'bottle.created', payload: [1] },
      { id: '', kind: 'bottle.created', payload: {} },
      { id: 'x'.repeat(201), kind: 'bottle.created', payload: {} },
      { id: 42, kind: 'bottle.created', payload: {} },
      null,
      'not an item',
      { id: 'pallet.created:p-1', kind: 'pallet.created', payload: { id: 'p-1' } },
      { id: 'pallet.bottles_added:p-1', kind: 'pallet.bottles_added', payload: { palletId: 'p-1' } },
    ]);
    expect(results.map((r) => [r.id, r.status])).to.deep.equal([
      ['bottle.created:b-2', 'accepted'],
      ['bottle.created:b-1', 'duplicate'],
      ['bottle.created:b-2', 'duplicate'],
      ['x-1', 'rejected'],
      ['x-2', 'rejected'],
      ['x-3', 'rejected'],
      ['', 'rejected'],
      ['x'.repeat(201), 'rejected'],
      ['42', 'rejected'],
      ['', 'rejected'],
      ['', 'rejected'],
      ['pallet.created:p-1', 'accepted'],
      ['pallet.bottles_added:p-1', 'accepted'],
    ]);
    expect(results[3]!.reason).to.match(/unknown kind/);
    expect(results[4]!.reason).to.match(/payload/);
    for (const r of results.filter((r) => r.status === 'rejected')) expect(r.reason).to.be.a('string').and.not.empty;
    expect(await countRows('sync_items')).to.equal(4);
    expect(await dailyCounts()).to.deep.equal([
      ['2025-03-10', 'bottle.created', 2],
      ['2025-03-10', 'pallet.bottles_added', 1],
      ['2025-03-10', 'pallet.created', 1],
    ]);
  });

  it('counts each item on its event day in the company zone, falling back to the received time', async () => {
    await ingest(
      [
        bottle(1, '2025-03-10T20:59:00.000Z'), // 23:59 in Moscow
        bottle(2, '2025-03-10T21:00:00.000Z'), // 00:00 the next day
        { id: 'bottle.status:1', kind: 'bottle.status', payload: { at: '2025-03-09T12:00:00+03:00' } },
        bottle(3, 'yesterday'), // not an ISO time: the received time (12:00 Moscow) counts
        bottle(4, '2025-03-01T10:00:00'), // no zone: ambiguous, the received time counts
      ],
      { timeZone: 'Europe/Moscow' },
    );
    expect(await dailyCounts()).to.deep.equal([
      ['2025-03-09', 'bottle.status', 1],
      ['2025-03-10', 'bottle.created', 3],
      ['2025-03-11', 'bottle.created', 1],
    ]);
  });

  it('adds to the day counters across ingests and counts only new items', async () => {
    await ingest([bottle(1), bottle(2)]);
    await ingest([bottle(2), bottle(3), batch(1)]);
    expect(await store().countFor('2025-03-10', 'bottle.created')).to.equal(3);
    expect(await store().countFor('2025-03-10', 'batch.created')).to.equal(1);
    expect(await store().countFor('2025-03-11', 'bottle.created')).to.equal(0);
  });

  it('counts new items per device and local hour, in the same ingest; a re-sent item is not counted again', async () => {
    const at = (hhmm: string) => `2025-03-10T${hhmm}:00.000Z`;
    await ingest([bottle(1, at('06:10')), bottle(2, at('06:50')), bottle(3, at('07:05')), batch(1)], { timeZone: 'Europe/Moscow', deviceId: 'edge-a' });
    await ingest([bottle(2, at('06:50')), bottle(4, at('07:30')), bottle(4, at('07:30'))], { timeZone: 'Europe/Moscow', deviceId: 'edge-a' });
    await ingest([bottle(10, at('07:59')), bottle(1, at('06:10'))], { timeZone: 'Europe/Moscow', deviceId: 'edge-b' });
    expect(await hourlyCounts()).to.deep.equal([
      ['2025-03-10', 'edge-a', 9, 'bottle.created', 2],
      ['2025-03-10', 'edge-a', 10, 'bottle.created', 2],
      ['2025-03-10', 'edge-a', 11, 'batch.created', 1], // the batch is dated 08:30Z
      ['2025-03-10', 'edge-b', 10, 'bottle.created', 1],
    ]);
  });

  it('queues an outbox row per new item, in arrival order, only when forwarding is on', async () => {
    await ingest([bottle(1)], { forward: false });
    expect(await countRows('outbox')).to.equal(0);
    await ingest([bottle(3), bottle(1), batch(1), bottle(2), { id: 'bad', kind: 'nope', payload: {} }], { forward: true });
    const rows: Array<{ item_id: string; kind: string; payload: string; attempts: number; parked_at: string | null }> = await ctx.db('outbox').orderBy('seq');
    expect(rows.map((r) => r.item_id)).to.deep.equal(['bottle.created:b-3', 'batch.created:k-1', 'bottle.created:b-2']);
    expect(JSON.parse(rows[1]!.payload)).to.deep.equal(batch(1).payload);
    expect(rows.every((r) => Number(r.attempts) === 0 && r.parked_at === null)).to.equal(true);
  });

  it('answers an all-invalid or empty batch without touching the database', async () => {
    expect(await ingest([])).to.deep.equal([]);
    expect(await ingest([{ id: 'a', kind: 'nope', payload: {} }], { forward: true })).to.have.length(1);
    expect(await snapshot()).to.deep.equal({ items: [], counts: [], hourly: [], outbox: [] });
  });

  it('stores a batch larger than one INSERT chunk, and then knows all of it', async () => {
    const items = Array.from({ length: 1234 }, (_, i) => bottle(i));
    const first = await ingest(items, { forward: true });
    expect(first.every((r) => r.status === 'accepted')).to.equal(true);
    expect(first.map((r) => r.id)).to.deep.equal(items.map((i) => i.id));
    const second = await ingest([...items.slice(600, 700), bottle(5000)], { forward: true });
    expect(second.filter((r) => r.status === 'duplicate')).to.have.length(100);
    expect(second[100]).to.deep.equal({ id: 'bottle.created:b-5000', status: 'accepted' });
    expect(await countRows('sync_items')).to.equal(1235);
    expect(await countRows('outbox')).to.equal(1235);
    expect(await store().countFor('2025-03-10', 'bottle.created')).to.equal(1235);
  });

  it('leaves nothing behind when a write fails mid-ingest, and the same batch then stores normally', async () => {
    await ingest([bottle(1)], { forward: true });
    const before = await snapshot();
    // The outbox insert comes after the items and before the counters: make it fail.
    await ctx.db.schema.renameTable('outbox', 'outbox_away');
    try {
      let failed: unknown = null;
      await ingest([bottle(2), bottle(3), batch(1)], { forward: true }).catch((error: unknown) => (failed = error));
      expect(failed).to.be.instanceOf(Error);
    } finally {
      await ctx.db.schema.renameTable('outbox_away', 'outbox');
    }
    expect(await snapshot()).to.deep.equal(before);
    const results = await ingest([bottle(2), bottle(3), batch(1)], { forward: true });
    expect(results.map((r) => r.status)).to.deep.equal(['accepted', 'accepted', 'accepted']);
    expect(await countRows('outbox')).to.equal(4);
  });

  it('keeps each item once when two devices send overlapping batches at the same time', async () => {
    const a = Array.from({ length: 300 }, (_, i) => bottle(i));
    const b = Array.from({ length: 300 }, (_, i) => bottle(i + 150)).reverse();
    const [ra, rb] = await Promise.all([ingest(a, { forward: true }), ingest(b, { forward: true, deviceId: 'edge-2' })]);
    const accepted = [...ra, ...rb].filter((r) => r.status === 'accepted').length;
    expect(accepted).to.equal(450);
    expect([...ra, ...rb].filter((r) => r.status === 'duplicate')).to.have.length(150);
    expect(await countRows('sync_items')).to.equal(450);
    expect(await countRows('outbox')).to.equal(450);
    expect(await store().countFor('2025-03-10', 'bottle.created')).to.equal(450);
  });
});
