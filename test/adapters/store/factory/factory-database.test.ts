import { expect } from 'chai';
import { factoryMigrations } from '../../../../migrations/factory/index.js';
import { createSettingsStore } from '../../../../adapters/store/settings-store.js';
import { createUserStore } from '../../../../adapters/store/user-store.js';
import { DEMO_USERS } from '../../../../src/edge/demo-users.js';
import { createPasswordHasher } from '../../../../src/auth/password-hasher.js';
import { describeOnFactoryDbs } from '../../../support/factory-db.js';

describeOnFactoryDbs('factory database', (ctx) => {
  it('creates every factory table', async () => {
    for (const table of ['users', 'settings', 'devices', 'sync_items', 'daily_counts', 'outbox']) {
      expect(await ctx.db.schema.hasTable(table), table).to.equal(true);
    }
  });

  it('migrates harmlessly again: on a reopen and when asked twice, data kept', async () => {
    await ctx.db('settings').insert({ key: 'kept', value: '1', updated_at: '2025-01-01T00:00:00.000Z' });
    await ctx.reopen();
    const [, pending] = (await ctx.db.migrate.list({ migrationSource: factoryMigrations })) as [unknown[], unknown[]];
    expect(pending).to.deep.equal([]);
    await ctx.db.migrate.latest({ migrationSource: factoryMigrations });
    expect(await ctx.db('settings').where({ key: 'kept' }).first('value')).to.deep.equal({ value: '1' });
    await ctx.reset();
  });

  it("serves the edge's user store unchanged", async () => {
    const hasher = createPasswordHasher({ params: { logN: 10, r: 8, p: 1 } });
    try {
      const users = createUserStore(ctx.db, { hasher });
      expect((await users.provision(DEMO_USERS({}), { demoUsers: true })).onDemoPassword).to.deep.equal(['admin', 'manager', 'operator']);
      expect(await users.authenticate('admin', 'admin123')).to.deep.include({ username: 'admin', role: 'ADMIN' });
      expect(await users.authenticate('admin', 'wrong')).to.equal(null);
    } finally {
      await hasher.close();
      await ctx.reset();
    }
  });

  it("serves the edge's settings store unchanged (insert, replace, delete)", async () => {
    const settings = createSettingsStore(ctx.db);
    await settings.set('connection', { defaultMode: 'VIA_LOCAL_SERVER', allowDeviceOverride: false }, '2025-01-01T00:00:00.000Z');
    await settings.set('connection', { defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: true }, '2025-01-02T00:00:00.000Z');
    expect(await settings.get('connection')).to.deep.equal({ value: { defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: true }, updatedAt: '2025-01-02T00:00:00.000Z' });
    await settings.delete('connection');
    expect(await settings.get('connection')).to.equal(null);
  });
});
