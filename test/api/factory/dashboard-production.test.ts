import { expect } from 'chai';
import { expectData, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { syncOk, type TestSyncItem, UNAUTHORIZED } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';

const PRODUCTION = '/api/v1/dashboard/production';

const bottle = (id: string, createdAt: string): TestSyncItem => ({ id, kind: 'bottle.created', payload: { id, createdAt } });
const hoursWith = (counts: Record<number, number>) => Array.from({ length: 24 }, (_, hour) => counts[hour] ?? 0);

/**
 * `GET /api/v1/dashboard/production?date=` (issue 13): bottles per device (line) and hour of a
 * day in the company's time zone, from the hourly counters kept at sync ingest.
 */
describeOnBothDatabases('factory API: GET /api/v1/dashboard/production', (db) => {
  let t: TestFactory;
  before(async () => {
    // Moscow is UTC+3 all year: 06:15Z is 09:15 there, and 22:30Z the evening before is 01:30.
    t = await startTestFactory(db, { company: { timeZone: 'Europe/Moscow' } });
  });
  after(async () => {
    await t?.stop();
  });
  const production = async (query = '') => expectData(await t.request('GET', `${PRODUCTION}${query}`, { token: t.tokens.operator }));

  it('counts each device’s new bottles by local hour, once whatever is re-sent; other kinds and days stay out', async () => {
    const a = await t.enrol('prod-a', { lineId: 'line-1' });
    const b = await t.enrol('prod-b');
    const batchA = [bottle('pa-1', '2026-03-10T06:15:00Z'), bottle('pa-2', '2026-03-10T06:59:59.999Z'), bottle('pa-3', '2026-03-10T07:40:00+00:00'), bottle('pa-4', '2026-03-09T22:30:00Z')];
    const batchB = [bottle('pb-1', '2026-03-10T10:00:00+03:00'), bottle('pb-2', '2026-03-10T07:05:00Z'), { id: 'pb-batch', kind: 'batch.created', payload: { createdAt: '2026-03-10T07:00:00Z' } }];
    await syncOk(t, a, batchA);
    await syncOk(t, b, batchB);
    // Re-sent: the whole batch, and a batch mixing an old item with a new one.
    await syncOk(t, a, batchA);
    await syncOk(t, b, [batchB[0]!, bottle('pb-3', '2026-03-10T06:30:00Z')]);
    // The day before and the day after in Moscow.
    await syncOk(t, a, [bottle('pa-old', '2026-03-09T20:59:00Z'), bottle('pa-next', '2026-03-10T21:00:00Z')]);

    const data = await production('?date=2026-03-10');
    expect(data).to.deep.equal({
      date: '2026-03-10',
      timeZone: 'Europe/Moscow',
      lines: [
        { deviceId: 'prod-a', productionLineId: 'line-1', name: 'Line cabinet prod-a', total: 4, hours: hoursWith({ 1: 1, 9: 2, 10: 1 }) },
        { deviceId: 'prod-b', name: 'Line cabinet prod-b', total: 3, hours: hoursWith({ 9: 1, 10: 2 }) },
      ],
    });
    expect((await production('?date=2026-03-09')).lines).to.deep.equal([{ deviceId: 'prod-a', productionLineId: 'line-1', name: 'Line cabinet prod-a', total: 1, hours: hoursWith({ 23: 1 }) }]);
    expect((await production('?date=2026-03-11')).lines[0]).to.include({ deviceId: 'prod-a', total: 1 });
    expect((await production('?date=2026-03-12')).lines).to.deep.equal([]);
  });

  it('without a date: today in the company’s zone, with what was made this hour', async () => {
    const token = await t.enrol('prod-now');
    const now = new Date();
    await syncOk(t, token, [bottle('pn-1', now.toISOString())]);
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(now).map((p) => [p.type, p.value]));
    const data = await production();
    // The item is dated `now`, so its hour is known; only a Moscow midnight between the sync and the read could move "today".
    expect(data.date).to.equal(`${parts.year}-${parts.month}-${parts.day}`);
    expect(data.timeZone).to.equal('Europe/Moscow');
    const line = data.lines.find((l: { deviceId: string }) => l.deviceId === 'prod-now');
    expect(line.total).to.equal(1);
    expect(line.hours[Number(parts.hour)]).to.equal(1);
  });

  it('a bad date is 400 naming it; unknown parameters too', async () => {
    for (const date of ['2026-3-10', '10.03.2026', '2026-02-30', '2026-13-01', 'today', '2026-03-10T00:00:00Z', '']) {
      expectValidationError(await t.request('GET', `${PRODUCTION}?date=${encodeURIComponent(date)}`, { token: t.tokens.operator }), 'date');
    }
    expectValidationError(await t.request('GET', `${PRODUCTION}?date=2026-03-10&date=2026-03-11`, { token: t.tokens.operator }), 'date');
    expectValidationError(await t.request('GET', `${PRODUCTION}?line=1`, { token: t.tokens.operator }), 'line');
  });

  describe('auth', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: `${PRODUCTION}?date=2026-03-10` }]);

    it('a device token is refused: 401', async () => {
      UNAUTHORIZED(await t.request('GET', PRODUCTION, { token: await t.enrol('prod-device-token') }));
    });
  });
});
