import { expect } from 'chai';
import { cronMatches, maintenanceWindowSchema, nextOpening, parseCron, windowOpen } from '../../src/domain/maintenance-window.js';

describe('maintenance windows (cron in the site time zone)', () => {
  it('parses the five fields: *, numbers, ranges, lists, steps; Sunday is 0 or 7', () => {
    const cron = parseCron('*/15 2-4 1,15 * 7');
    expect([...cron.sets[0]!]).to.deep.equal([0, 15, 30, 45]);
    expect([...cron.sets[1]!]).to.deep.equal([2, 3, 4]);
    expect([...cron.sets[2]!]).to.deep.equal([1, 15]);
    expect(cron.sets[4]!.has(0)).to.equal(true);
    expect(parseCron('0 22-23/1 * * 1-5').sets[1]!.size).to.equal(2);
  });

  it('refuses what is not cron, naming the field', () => {
    expect(() => parseCron('0 2 * *')).to.throw('5 fields');
    expect(() => parseCron('60 2 * * *')).to.throw('minute');
    expect(() => parseCron('0 25 * * *')).to.throw('hour');
    expect(() => parseCron('0 2 * 13 *')).to.throw('month');
    expect(() => parseCron('0 2 * * mon')).to.throw('day of week');
    expect(() => parseCron('0 5-2 * * *')).to.throw('hour');
  });

  it('reads the wall clock of the time zone: 02:00 in Moscow is 23:00 UTC the day before', () => {
    const cron = parseCron('0 2 * * *');
    expect(cronMatches(cron, new Date('2026-12-07T23:00:00Z'), 'Europe/Moscow')).to.equal(true);
    expect(cronMatches(cron, new Date('2026-12-07T23:00:00Z'), 'UTC')).to.equal(false);
    expect(cronMatches(cron, new Date('2026-12-08T02:00:30Z'), 'UTC')).to.equal(true);
  });

  it('both day fields restricted: either matches (cron); one restricted: it must', () => {
    const either = parseCron('0 0 1 * 1'); // the 1st, or any Monday
    expect(cronMatches(either, new Date('2026-12-07T00:00:00Z'), 'UTC')).to.equal(true); // a Monday
    expect(cronMatches(either, new Date('2026-12-01T00:00:00Z'), 'UTC')).to.equal(true); // the 1st (a Tuesday)
    expect(cronMatches(either, new Date('2026-12-08T00:00:00Z'), 'UTC')).to.equal(false);
    expect(cronMatches(parseCron('0 0 * * 1'), new Date('2026-12-08T00:00:00Z'), 'UTC')).to.equal(false);
  });

  it('a window is open from its cron minute for durationMinutes', () => {
    const window = { cron: '0 2 * * *', durationMinutes: 120, timeZone: 'Europe/Moscow' };
    expect(windowOpen(window, new Date('2026-12-07T22:59:59Z'))).to.equal(false); // 01:59 in Moscow
    expect(windowOpen(window, new Date('2026-12-07T23:00:00Z'))).to.equal(true);
    expect(windowOpen(window, new Date('2026-12-08T00:59:59Z'))).to.equal(true); // 03:59
    expect(windowOpen(window, new Date('2026-12-08T01:00:00Z'))).to.equal(false); // 04:00
    expect(windowOpen({ cron: '* * * * *', durationMinutes: 1 }, new Date())).to.equal(true);
  });

  it('next opening', () => {
    const window = { cron: '30 3 * * 6', durationMinutes: 60, timeZone: 'UTC' };
    expect(nextOpening(window, new Date('2026-12-07T10:00:00Z'))!.toISOString()).to.equal('2026-12-12T03:30:00.000Z'); // Saturday
    expect(nextOpening({ cron: '0 0 31 2 *', durationMinutes: 1 }, new Date('2026-12-07T10:00:00Z'), 3)).to.equal(null);
  });

  it('the wire schema refuses bad cron, durations and time zones', () => {
    expect(maintenanceWindowSchema.safeParse({ cron: '0 2 * * *', durationMinutes: 60, timeZone: 'Europe/Moscow' }).success).to.equal(true);
    expect(maintenanceWindowSchema.safeParse({ cron: 'every night', durationMinutes: 60 }).success).to.equal(false);
    expect(maintenanceWindowSchema.safeParse({ cron: '0 2 * * *', durationMinutes: 0 }).success).to.equal(false);
    expect(maintenanceWindowSchema.safeParse({ cron: '0 2 * * *', durationMinutes: 60, timeZone: 'Mars/Olympus' }).success).to.equal(false);
    expect(maintenanceWindowSchema.safeParse({ cron: '0 2 * * *', durationMinutes: 60, extra: 1 }).success).to.equal(false);
  });
});
