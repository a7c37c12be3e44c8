import { randomBytes, scryptSync } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createUserStore, type UserChange } from '../../../adapters/store/user-store.js';
import { createPasswordHasher, type PasswordHasher } from '../../../src/auth/password-hasher.js';
import { UserSessions } from '../../../src/auth/user-sessions.js';
import { DEMO_USERS } from '../../../src/edge/demo-users.js';
import { openTestEdgeDb, type TestEdgeDb } from '../../support/edge-db.js';
import { describeOnFactoryDbs } from '../../support/factory-db.js';

const SYSTEM = { system: 'test' } as const;
const ADMIN_ACTOR = { userId: 'user-x', username: 'root-admin', ip: '10.0.0.9' };

/** The store's behaviour on one database; `db()` is the users table's database, `reset()` empties it. */
function userStoreSuite(db: () => Knex, reset: () => Promise<void>) {
  let hasher: PasswordHasher;
  let audits: UserChange[];
  let sessions: UserSessions;
  before(() => {
    hasher = createPasswordHasher({ params: { logN: 10, r: 8, p: 1 } });
  });
  after(() => hasher.close());
  beforeEach(async () => {
    await reset();
    audits = [];
    sessions = new UserSessions();
  });
  const store = () =>
    createUserStore(db(), {
      hasher,
      sessions,
      audit: async (trx, change) => {
        // Written inside the change's transaction: the row is visible to the transaction, not yet to others.
        expect((await trx('users').where({ id: change.userId })).length).to.equal(change.after ? 1 : 0);
        audits.push(change);
      },
    });

  it('demo users: all three with their well-known passwords, self-describing hashes', async () => {
    const result = await store().provision(DEMO_USERS({}), { demoUsers: true });
    expect(result).to.deep.equal({ generated: [], onDemoPassword: ['admin', 'manager', 'operator'] });
    const rows = await db()('users').orderBy('username');
    expect(rows.map((r) => [r.username, r.role])).to.deep.equal([
      ['admin', 'ADMIN'],
      ['manager', 'MANAGER'],
      ['operator', 'OPERATOR'],
    ]);
    for (const row of rows) expect(row.password_hash).to.match(/^scrypt\$ln=10,r=8,p=1\$[^$]+\$[^$]+$/);
    expect(await store().authenticate('operator', 'operator123')).to.deep.include({ username: 'operator', role: 'OPERATOR', mustChangePassword: false });
    expect(await store().authenticate('operator', 'operator124')).to.equal(null);
    expect(await store().authenticate('nobody', 'operator123')).to.equal(null);
  });

  it('production: only the admin, with a random one-time password that must be changed; no well-known password works', async () => {
    const result = await store().provision(DEMO_USERS({}), { demoUsers: false });
    expect(result.onDemoPassword).to.deep.equal([]);
    expect(result.generated.map((g) => g.username)).to.deep.equal(['admin']);
    const password = result.generated[0]!.password;
    expect(password).to.have.length(16);
    expect(await db()('users')).to.have.length(1);
    expect(await store().authenticate('admin', 'admin123')).to.equal(null);
    expect(await store().authenticate('admin', password)).to.deep.include({ username: 'admin', mustChangePassword: true });
    // A second start creates nothing and changes nothing.
    expect(await store().provision(DEMO_USERS({}), { demoUsers: false })).to.deep.equal({ generated: [], onDemoPassword: [] });
    expect(await store().authenticate('admin', password)).to.not.equal(null);
  });

  it('production: passwords from environment win, and an account left on its demo password gets a one-time one', async () => {
    await store().provision(DEMO_USERS({}), { demoUsers: true });
    const result = await store().provision(DEMO_USERS({ operatorPassword: 'line-7-operator!' }), { demoUsers: false });
    expect(result.generated.map((g) => g.username)).to.deep.equal(['admin', 'manager']);
    expect(await store().authenticate('operator', 'line-7-operator!')).to.deep.include({ mustChangePassword: false });
    for (const [name, pw] of [['admin', 'admin123'], ['manager', 'manager123'], ['operator', 'operator123']]) {
      expect(await store().authenticate(name!, pw!), name).to.equal(null);
    }
  });

  it('upgrades a hash made with weaker parameters (the old scrypt$salt$key form) at the next successful login', async () => {
    // As stored before the parameters were part of the hash: N=2^14, r=8, p=1.
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString('base64')}$${scryptSync('old-line-password', salt, 32).toString('base64')}`;
    expect(legacy).to.match(/^scrypt\$[^$]+\$[^$]+$/);
    await db()('users').insert({ id: 'user-old', username: 'veteran', display_name: 'V', role: 'OPERATOR', password_hash: legacy, created_at: 'x', updated_at: 'x' });
    await store().load();
    expect(await store().authenticate('veteran', 'wrong-password-1')).to.equal(null);
    expect((await db()('users').where({ id: 'user-old' }).first()).password_hash).to.equal(legacy);
    // Stronger than the stored N=2^14: the hasher of this test makes ln=15.
    const strong = createPasswordHasher({ params: { logN: 15, r: 8, p: 1 } });
    try {
      const upgrading = createUserStore(db(), { hasher: strong, sessions });
      expect(await upgrading.authenticate('veteran', 'old-line-password')).to.deep.include({ username: 'veteran' });
      const after = (await db()('users').where({ id: 'user-old' }).first()).password_hash as string;
      expect(after).to.match(/^scrypt\$ln=15,r=8,p=1\$/);
      expect(await upgrading.authenticate('veteran', 'old-line-password')).to.not.equal(null);
      expect(sessions.get('user-old')!.tokenVersion).to.equal(0); // not a password change: sessions stay
    } finally {
      await strong.close();
    }
  });

  it('create, update, password, logout: each audited in its transaction, each revocation raises the token version', async () => {
    const users = store();
    const created = await users.create({ username: 'ivanov', displayName: 'I. Ivanov', role: 'OPERATOR', password: 'Lin3-seven-Shift', mustChangePassword: true }, ADMIN_ACTOR);
    expect(created).to.deep.include({ username: 'ivanov', role: 'OPERATOR', disabled: false, mustChangePassword: true });
    expect(sessions.get(created.id)).to.deep.equal({ username: 'ivanov', role: 'OPERATOR', tokenVersion: 0, disabled: false, mustChangePassword: true });
    const revoked: string[] = [];
    sessions.onRevoked((id) => revoked.push(id));

    await users.update(created.id, { displayName: 'Ivan Ivanov' }, ADMIN_ACTOR);
    expect(sessions.get(created.id)!.tokenVersion).to.equal(0); // a new name ends no session
    await users.update(created.id, { role: 'MANAGER' }, ADMIN_ACTOR);
    expect(sessions.get(created.id)).to.deep.include({ role: 'MANAGER', tokenVersion: 1 });
    await users.setPassword(created.id, 'another-Line-pass', { mustChangePassword: false, action: 'auth.password_change' }, ADMIN_ACTOR);
    expect(sessions.get(created.id)).to.deep.include({ tokenVersion: 2, mustChangePassword: false });
    await users.revokeTokens(created.id, ADMIN_ACTOR);
    await users.update(created.id, { disabled: true }, ADMIN_ACTOR);
    expect(sessions.get(created.id)).to.deep.include({ tokenVersion: 4, disabled: true });
    expect(revoked).to.deep.equal([created.id, created.id, created.id, created.id]);
    expect(await users.authenticate('ivanov', 'another-Line-pass')).to.equal(null); // disabled

    expect(audits.map((a) => a.action)).to.deep.equal(['user.create', 'user.update', 'user.update', 'auth.password_change', 'auth.logout', 'user.update']);
    expect(audits[0]).to.deep.include({ actor: ADMIN_ACTOR, before: null });
    expect(audits[2]!.before).to.deep.include({ role: 'OPERATOR' });
    expect(audits[2]!.after).to.deep.include({ role: 'MANAGER' });
    expect(JSON.stringify(audits)).to.not.include('password_hash');
  });

  it('refuses a duplicate username (any case) and unknown ids; nothing is audited for a refusal', async () => {
    const users = store();
    await users.create({ username: 'petrov', displayName: 'P', role: 'OPERATOR', password: 'Lin3-seven-Shift', mustChangePassword: false }, ADMIN_ACTOR);
    audits = [];
    await expectDomain(users.create({ username: 'PETROV', displayName: 'P2', role: 'OPERATOR', password: 'Lin3-seven-Shift', mustChangePassword: false }, ADMIN_ACTOR), 'CONFLICT');
    await expectDomain(users.update('user-none', { role: 'ADMIN' }, ADMIN_ACTOR), 'NOT_FOUND');
    await expectDomain(users.setPassword('user-none', 'Lin3-seven-Shift', { mustChangePassword: true, action: 'user.password_reset' }, ADMIN_ACTOR), 'NOT_FOUND');
    expect(audits).to.deep.equal([]);
  });

  it('the last active ADMIN can be neither disabled nor demoted; with a second one, either can', async () => {
    const users = store();
    const first = await users.create({ username: 'admin-one', displayName: 'A1', role: 'ADMIN', password: 'Lin3-seven-Shift', mustChangePassword: false }, SYSTEM);
    await expectDomain(users.update(first.id, { disabled: true }, ADMIN_ACTOR), 'CONFLICT');
    await expectDomain(users.update(first.id, { role: 'MANAGER' }, ADMIN_ACTOR), 'CONFLICT');
    const second = await users.create({ username: 'admin-two', displayName: 'A2', role: 'ADMIN', password: 'Lin3-seven-Shift', mustChangePassword: false }, SYSTEM);
    await users.update(second.id, { disabled: true }, ADMIN_ACTOR);
    await expectDomain(users.update(first.id, { role: 'OPERATOR' }, ADMIN_ACTOR), 'CONFLICT'); // the disabled one does not count
    await users.update(second.id, { disabled: false }, ADMIN_ACTOR);
    expect(await users.update(first.id, { role: 'OPERATOR' }, ADMIN_ACTOR)).to.deep.include({ role: 'OPERATOR' });
  });
}

async function expectDomain(promise: Promise<unknown>, kind: string) {
  try {
    await promise;
  } catch (error) {
    expect((error as { kind?: string }).kind).to.equal(kind);
    return;
  }
  expect.fail(`expected a ${kind} refusal`);
}

describe('user store (edge SQLite)', () => {
  let store: TestEdgeDb;
  before(async () => {
    store = await openTestEdgeDb();
  });
  after(() => store.close());
  userStoreSuite(
    () => store.db.writer,
    async () => {
      await store.db.writer('users').delete();
    },
  );
});

describeOnFactoryDbs('user store (factory)', (ctx) => {
  userStoreSuite(
    () => ctx.db,
    async () => {
      await ctx.db('audit_log').delete();
      await ctx.db('users').delete();
    },
  );
});
