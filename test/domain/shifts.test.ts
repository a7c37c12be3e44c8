import { expect } from 'chai';
import { currentShift, dayStart } from '../../src/domain/shifts.js';

describe('shift schedule', () => {
  const shifts = [
    { name: 'night', start: '22:00' },
    { name: 'day', start: '06:00' },
    { name: 'evening', start: '14:00' },
  ];

  it('finds the running shift and when it began, in the given time zone', () => {
    // 10:30 in Moscow (UTC+3) is 07:30Z.
    expect(currentShift(new Date('2026-12-07T07:30:00Z'), shifts, 'Europe/Moscow')).to.deep.equal({ name: 'day', startedAt: new Date('2026-12-07T03:00:00Z') });
    expect(currentShift(new Date('2026-12-07T12:00:00Z'), shifts, 'Europe/Moscow')).to.deep.equal({ name: 'evening', startedAt: new Date('2026-12-07T11:00:00Z') });
  });

  it('the last shift runs past midnight: before the first start it began yesterday', () => {
    // 02:00 Moscow on the 8th (23:00Z on the 7th): the night shift that began at 22:00 on the 7th.
    expect(currentShift(new Date('2026-12-07T23:00:00Z'), shifts, 'Europe/Moscow')).to.deep.equal({ name: 'night', startedAt: new Date('2026-12-07T19:00:00Z') });
    expect(currentShift(new Date('2026-12-07T20:00:00Z'), shifts, 'Europe/Moscow')).to.deep.equal({ name: 'night', startedAt: new Date('2026-12-07T19:00:00Z') });
  });

  it('a single shift starting at midnight is the day; the day starts at local midnight', () => {
    expect(currentShift(new Date('2026-12-07T07:30:00Z'), [{ name: 'all', start: '00:00' }], 'UTC')).to.deep.equal({ name: 'all', startedAt: new Date('2026-12-07T00:00:00Z') });
    expect(dayStart(new Date('2026-12-07T22:30:00Z'), 'Europe/Moscow')).to.deep.equal(new Date('2026-12-07T21:00:00Z'));
    expect(dayStart(new Date('2026-12-07T20:59:59.500Z'), 'Europe/Moscow')).to.deep.equal(new Date('2026-12-06T21:00:00Z'));
  });
});
