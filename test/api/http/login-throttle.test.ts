import { expect } from 'chai';
import { expectData, expectError } from '../../support/api-expect.js';
import { startTestEdge } from '../../support/edge-harness.js';
import { FACTORY_TEST_PG_URL } from '../../support/factory-db.js';
import { startTestFactory } from '../../support/factory-harness.js';
import type { JsonRequester } from '../../support/http-request.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Throttling as a client sees it, on a fresh service each (the throttle's state is per process). */
function throttleSuite(title: string, start: () => Promise<{ request: JsonRequester; stop(): Promise<void> }>) {
  describe(title, function () {
    this.timeout(60_000);
    let s: { request: JsonRequester; stop(): Promise<void> };
    beforeEach(async () => {
      s = await start();
    });
    afterEach(() => s?.stop());
    const login = (username: string, password: string, headers: Record<string, string> = {}) =>
      s.request('POST', '/api/v1/auth/login', { body: { username, password }, headers });

    it('per username: after 5 free failures each further one waits longer (429 + Retry-After), even with the right password', async () => {
      for (let i = 0; i < 6; i++) expectError(await login('operator', `wrong-${i}`), 401, 'UNAUTHORIZED');
      const refused = await login('operator', 'operator123');
      const error = expectError(refused, 429, 'TOO_MANY_REQUESTS');
      expect(refused.headers.get('retry-after')).to.equal('1');
      expect(error.details).to.deep.equal({ retryAfterSeconds: 1 });
      await sleep(1_100);
      expectError(await login('operator', 'wrong-again'), 401, 'UNAUTHORIZED');
      const longer = await login('operator', 'operator123');
      expectError(longer, 429, 'TOO_MANY_REQUESTS');
      expect(longer.headers.get('retry-after')).to.equal('2');
      // Another username from the same address is not held up.
      expectData(await login('manager', 'manager123'));
      await sleep(2_100);
      expectData(await login('operator', 'operator123'));
    });

    it('a success resets the username: the free failures are free again', async () => {
      for (let i = 0; i < 4; i++) expectError(await login('operator', `wrong-${i}`), 401, 'UNAUTHORIZED');
      expectData(await login('operator', 'operator123'));
      for (let i = 0; i < 5; i++) expectError(await login('operator', `wrong-${i}`), 401, 'UNAUTHORIZED');
      expectData(await login('operator', 'operator123'));
    });

    it('per address: 20 failures over many usernames, then 429 for everyone from that address', async () => {
      for (let i = 0; i < 21; i++) expectError(await login(`nobody${i}`, 'wrong-password'), 401, 'UNAUTHORIZED');
      const refused = await login('admin', 'admin123');
      expectError(refused, 429, 'TOO_MANY_REQUESTS');
      expect(Number(refused.headers.get('retry-after'))).to.be.at.least(1);
    });

    it('300 wrong passwords are not 300 × 401: almost all are 429 at once', async () => {
      const statuses = new Map<number, number>();
      for (let i = 0; i < 300; i++) {
        const res = await login('admin', `guess-${i}`);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
      expect(statuses.get(401)).to.be.at.most(10); // 6, plus one per wait that ran out meanwhile (1 s, 2 s, 4 s …)
      expect(statuses.get(429)).to.be.at.least(290);
    });
  });
}

describe('login throttling', () => {
  it('a burst beyond the hasher queue is refused at once with 503 and Retry-After: 1, not queued', async function () {
    this.timeout(60_000);
    const t = await startTestEdge({ auth: { scryptLogN: 14 } });
    try {
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, i) => t.request('POST', '/api/v1/auth/login', { body: { username: `burst${i}`, password: 'wrong-password' } })),
      );
      const busy = burst.filter((r) => r.status === 503);
      const statuses = burst.map((r) => r.status);
      // One hashing and eight waiting get their answer (a slot may free up while the burst still
      // arrives on a loaded machine); the rest are refused at once.
      expect(statuses.filter((x) => x === 401).length, statuses.join()).to.be.within(8, 12);
      expect(busy.length + statuses.filter((x) => x === 401).length, statuses.join()).to.equal(20);
      expect(busy.length, statuses.join()).to.be.at.least(8);
      for (const r of busy) {
        expectError(r, 503, 'SERVICE_UNAVAILABLE');
        expect(r.headers.get('retry-after')).to.equal('1');
      }
      // The refused attempts were given back to the throttle: the address is not held up by them.
      expectData(await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'admin123' } }));
    } finally {
      await t.stop();
    }
  });

  throttleSuite('edge', async () => startTestEdge());
  throttleSuite('factory (SQLite)', async () => startTestFactory('sqlite'));
  if (FACTORY_TEST_PG_URL) throttleSuite('factory (PostgreSQL)', async () => startTestFactory('pg'));
});
