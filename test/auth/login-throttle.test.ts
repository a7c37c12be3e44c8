import { expect } from 'chai';
import { createLoginThrottle, type ThrottleDecision } from '../../src/auth/login-throttle.js';

describe('login throttle', () => {
  let clock: number;
  const throttle = (options = {}) => createLoginThrottle({ now: () => clock, ...options });
  beforeEach(() => {
    clock = 1_000_000;
  });
  const fail = (decision: ThrottleDecision) => {
    expect(decision.allowed, JSON.stringify(decision)).to.equal(true);
    if (decision.allowed) decision.attempt.failed();
  };
  const refused = (decision: ThrottleDecision) => {
    expect(decision.allowed).to.equal(false);
    return decision as Extract<ThrottleDecision, { allowed: false }>;
  };

  it('per username: free failures, then each further one doubles the wait (1 s, 2 s, 4 s …), up to the ceiling', () => {
    const t = throttle({ username: { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 } });
    for (let i = 0; i < 4; i++) fail(t.begin('ivanov', '10.0.0.1'));
    expect(refused(t.begin('ivanov', '10.0.0.2'))).to.include({ retryAfterSeconds: 1, by: 'username' });
    expect(refused(t.begin('IVANOV', '10.0.0.3')).by).to.equal('username'); // case does not matter
    clock += 1_000;
    fail(t.begin('ivanov', '10.0.0.1'));
    expect(refused(t.begin('ivanov', '10.0.0.1')).retryAfterSeconds).to.equal(2);
    clock += 2_000;
    fail(t.begin('ivanov', '10.0.0.1'));
    expect(refused(t.begin('ivanov', '10.0.0.1')).retryAfterSeconds).to.equal(4);
    clock += 4_000;
    fail(t.begin('ivanov', '10.0.0.1'));
    expect(refused(t.begin('ivanov', '10.0.0.1')).retryAfterSeconds).to.equal(5); // the ceiling
    // Other usernames are not affected.
    fail(t.begin('petrov', '10.0.0.1'));
  });

  it('a success clears the username and gives the attempt back to the address', () => {
    const t = throttle({ username: { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 }, address: { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 } });
    for (let i = 0; i < 3; i++) fail(t.begin('ivanov', '10.0.0.1'));
    const ok = t.begin('ivanov', '10.0.0.1');
    if (!ok.allowed) throw new Error('refused');
    ok.attempt.succeeded();
    for (let i = 0; i < 2; i++) fail(t.begin('ivanov', '10.0.0.1')); // 3 + 2 = 5 on the address: still free
    fail(t.begin('ivanov', '10.0.0.1')); // the 6th failure on the address: now it waits
    expect(refused(t.begin('someone-else', '10.0.0.1')).by).to.equal('address');
  });

  it('per address: many usernames from one address are throttled together', () => {
    const t = throttle({ address: { freeFailures: 10, baseDelayMs: 1_000, maxDelayMs: 60_000 } });
    for (let i = 0; i < 11; i++) fail(t.begin(`user${i}`, '10.0.0.7'));
    expect(refused(t.begin('user99', '10.0.0.7'))).to.include({ by: 'address', retryAfterSeconds: 1 });
    fail(t.begin('user99', '10.0.0.8')); // another address is not
  });

  it('counts an attempt when it starts: concurrent guesses cannot all pass before the first fails', () => {
    const t = throttle({ username: { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 } });
    const started = Array.from({ length: 10 }, () => t.begin('ivanov', '10.0.0.1'));
    expect(started.filter((d) => d.allowed)).to.have.length(4);
  });

  it('a cancelled attempt (hasher busy) is given back; the key is forgotten after the quiet period', () => {
    const t = throttle({ username: { freeFailures: 1, baseDelayMs: 1_000, maxDelayMs: 60_000 }, forgetAfterMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      const d = t.begin('ivanov', '10.0.0.1');
      if (d.allowed) d.attempt.cancelled();
    }
    fail(t.begin('ivanov', '10.0.0.1'));
    fail(t.begin('ivanov', '10.0.0.1'));
    refused(t.begin('ivanov', '10.0.0.1'));
    clock += 61_000;
    fail(t.begin('ivanov', '10.0.0.1'));
  });

  it('keeps at most maxKeys entries (a spray of usernames cannot grow memory without bound)', () => {
    const t = throttle({ maxKeys: 100, username: { freeFailures: 0, baseDelayMs: 60_000, maxDelayMs: 60_000 }, address: { freeFailures: 1e9, baseDelayMs: 1, maxDelayMs: 1 } });
    for (let i = 0; i < 1_000; i++) fail(t.begin(`spray${i}`, '10.0.0.1'));
    refused(t.begin('spray999', '10.0.0.1'));
    fail(t.begin('spray0', '10.0.0.1')); // dropped long ago: starts afresh
  });
});
