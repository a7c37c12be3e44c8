import { expect } from 'chai';
import fc from 'fast-check';
import { backoffDelay } from '../../src/domain/backoff.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 5_000, jitter: 0 };

  it('doubles from baseMs and stops at maxMs without jitter', () => {
    expect([0, 1, 2, 3, 5, 6, 100].map((a) => backoffDelay(a, policy))).to.deep.equal([100, 200, 400, 800, 3_200, 5_000, 5_000]);
  });

  it('full jitter spreads over [0, ceiling]; partial jitter keeps the lower part', () => {
    expect(backoffDelay(3, { ...policy, jitter: 1 }, () => 0)).to.equal(800);
    expect(backoffDelay(3, { ...policy, jitter: 1 }, () => 0.999999)).to.equal(0);
    expect(backoffDelay(3, { ...policy, jitter: 0.5 }, () => 0.999999)).to.equal(400);
    expect(backoffDelay(3, { ...policy, jitter: 0.5 }, () => 0.5)).to.equal(600);
  });

  it('never returns NaN, a negative or an over-cap delay, even for odd inputs', () => {
    expect(backoffDelay(10_000, policy)).to.equal(5_000);
    expect(backoffDelay(10_000, { baseMs: 0, maxMs: 1_000, jitter: 0 })).to.equal(0);
    expect(backoffDelay(-3, policy)).to.equal(100);
    expect(backoffDelay(2, { ...policy, jitter: 7 }, () => 2)).to.equal(0);
    expect(backoffDelay(2, { ...policy, jitter: -1 }, () => -5)).to.equal(400);
  });

  it('property: within [ceiling * (1 - jitter), ceiling] and non-decreasing in attempt for a fixed draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempt, baseMs, maxMs, jitter, r) => {
          const p = { baseMs, maxMs, jitter };
          const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 52));
          const d = backoffDelay(attempt, p, () => r);
          expect(d).to.be.within(Math.floor(ceiling * (1 - jitter)), Math.ceil(ceiling));
          expect(backoffDelay(attempt + 1, p, () => r)).to.be.at.least(d);
        },
      ),
    );
  });
});
