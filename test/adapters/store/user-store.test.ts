import { expect } from 'chai';
import { createUserStore } from '../../../adapters/store/user-store.js';
import { DEMO_USERS } from '../../../src/edge/demo-users.js';
import { openTestEdgeDb, type TestEdgeDb } from '../../support/edge-db.js';

describe('user store (SQLite)', () => {
  let store: TestEdgeDb;
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    await store.close();
  });
  const users = () => createUserStore(store.db.writer);

  it('seeds the demo users with hashed passwords and reports them all on their defaults', async () => {
    const onDefault = await users().seed(DEMO_USERS({}));
    expect(onDefault).to.deep.equal(['admin', 'manager', 'operator']);
    const rows = await store.db.reader('users').orderBy('username');
    expect(rows.map((r) => [r.username, r.role])).to.deep.equal([
      ['admin', 'ADMIN'],
      ['manager', 'MANAGER'],
      ['operator', 'OPERATOR'],
    ]);
    for (const row of rows) {
      expect(row.password_hash).to.match(/^scrypt\$/);
      expect(row.password_hash).to.not.include('123');
    }
  });

  it('authenticates the right password, and answers null for a wrong password or an unknown user', async () => {
    await users().seed(DEMO_USERS({}));
    const operator = await users().authenticate('operator', 'operator123');
    expect(operator).to.deep.include({ username: 'operator', displayName: 'John Operator', role: 'OPERATOR' });
    expect(operator!.id).to.be.a('string');
    expect(operator).to.not.have.property('password_hash');
    expect(await users().authenticate('operator', 'operator124')).to.equal(null);
    expect(await users().authenticate('operator', '')).to.equal(null);
    expect(await users().authenticate('nobody', 'operator123')).to.equal(null);
  });

  it('lets a password given by environment replace the default, also for users seeded earlier', async () => {
    await users().seed(DEMO_USERS({}));
    const onDefault = await users().seed(DEMO_USERS({ operatorPassword: 'line-7-operator!' }));
    expect(onDefault).to.deep.equal(['admin', 'manager']);
    expect(await users().authenticate('operator', 'line-7-operator!')).to.not.equal(null);
    expect(await users().authenticate('operator', 'operator123')).to.equal(null);
    expect(await store.db.reader('users')).to.have.length(3);
  });

  it('creates users with the environment password on a fresh database', async () => {
    const onDefault = await users().seed(DEMO_USERS({ adminPassword: 'a-long-admin-secret', managerPassword: 'manager-secret-1', operatorPassword: 'operator-secret-1' }));
    expect(onDefault).to.deep.equal([]);
    expect(await users().authenticate('admin', 'a-long-admin-secret')).to.deep.include({ role: 'ADMIN' });
    expect(await users().authenticate('admin', 'admin123')).to.equal(null);
  });

  it('keeps a changed password when the environment no longer sets one, and survives a reopen', async () => {
    await users().seed(DEMO_USERS({ managerPassword: 'manager-secret-1' }));
    await store.reopen();
    const onDefault = await users().seed(DEMO_USERS({}));
    expect(onDefault).to.deep.equal(['admin', 'operator']);
    expect(await users().authenticate('manager', 'manager-secret-1')).to.deep.include({ role: 'MANAGER' });
  });
});
