import { expect } from 'chai';
import { createLoginAudit, type LoginAuditEntry } from '../../src/auth/login-audit.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('login audit (failed logins aggregated)', () => {
  it('writes a success at once, the first failure at once, and one summary per window for the rest', async () => {
    const written: LoginAuditEntry[] = [];
    const audit = createLoginAudit({ write: async (e) => void written.push(...e), onError: () => undefined, windowMs: 80, batchMs: 1 });
    audit.succeeded({ id: 'u1', username: 'ivanov' }, '10.0.0.1');
    for (let i = 0; i < 300; i++) audit.failed('ivanov', '10.0.0.9');
    await tick(5);
    expect(written.map((e) => e.kind)).to.deep.equal(['success', 'failure']);
    await tick(120);
    expect(written).to.have.length(3);
    expect(written[2]).to.deep.include({ kind: 'failure-summary', username: 'ivanov', ip: '10.0.0.9', count: 299 });
    // The flood goes on: one more summary per window; a quiet window writes nothing.
    for (let i = 0; i < 10; i++) audit.failed('ivanov', '10.0.0.9');
    await tick(200);
    expect(written.filter((e) => e.kind === 'failure-summary').map((e) => (e as { count: number }).count)).to.deep.equal([299, 10]);
    await audit.flush();
    expect(written).to.have.length(4);
  });

  it('bounds the open windows: a spray of usernames shares one overflow window', async () => {
    const written: LoginAuditEntry[] = [];
    const audit = createLoginAudit({ write: async (e) => void written.push(...e), onError: () => undefined, windowMs: 10_000, maxWindows: 5 });
    for (let i = 0; i < 1_000; i++) audit.failed(`spray${i}`, '10.0.0.9');
    await audit.flush();
    expect(written.filter((e) => e.kind === 'failure')).to.have.length(5);
    expect(written.filter((e) => e.kind === 'failure-summary')).to.deep.equal([
      { kind: 'failure-summary', username: '*', ip: '*', count: 995, from: (written.at(-1) as { from: string }).from, to: (written.at(-1) as { to: string }).to },
    ]);
  });

  it('attempts the throttle refused share one window per address, whatever the username', async () => {
    const written: LoginAuditEntry[] = [];
    const audit = createLoginAudit({ write: async (e) => void written.push(...e), onError: () => undefined });
    for (let i = 0; i < 500; i++) audit.failed(`spray${i}`, '10.0.0.9', true);
    await audit.flush();
    expect(written.map((e) => [e.kind, e.username, e.ip])).to.deep.equal([
      ['failure', '*', '10.0.0.9'],
      ['failure-summary', '*', '10.0.0.9'],
    ]);
  });

  it('writes a lone entry at once and resolves when it is stored; in a flood, one write for many entries', async () => {
    const batches: LoginAuditEntry[][] = [];
    const seen: LoginAuditEntry[] = [];
    const audit = createLoginAudit({ write: async (e) => void batches.push(e), onEntry: (e) => seen.push(e), onError: () => undefined, batchMs: 20 });
    await audit.succeeded({ id: 'u', username: 'first' }, '10.0.0.1');
    expect(batches.map((b) => b.length)).to.deep.equal([1]);
    const all = Array.from({ length: 50 }, (_, i) => audit.succeeded({ id: `u${i}`, username: `user${i}` }, '10.0.0.1'));
    expect(seen).to.have.length(51); // told at once
    expect(batches).to.have.length(1); // the rest wait for the batch
    await Promise.all(all);
    expect(batches.map((b) => b.length)).to.deep.equal([1, 50]);
    await audit.flush();
  });

  it('a write that fails is reported, not thrown', async () => {
    const errors: unknown[] = [];
    const audit = createLoginAudit({ write: async () => Promise.reject(new Error('disk full')), onError: (e) => errors.push(e) });
    audit.failed('x', 'y');
    await audit.flush();
    expect(errors).to.have.length(1);
  });
});
