import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { UNAUTHORIZED } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';

const AUDIT = '/api/v1/audit-log';

describeOnBothDatabases('factory API: /api/v1/audit-log', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db);
  });
  after(async () => {
    await t?.stop();
  });

  const entries = async (query = '') => expectData(await t.request('GET', `${AUDIT}${query}`, { token: t.tokens.manager })) as any[];

  describe('authentication and roles', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: AUDIT, role: 'MANAGER' }]);

    it('a device token is refused (401)', async () => {
      UNAUTHORIZED(await t.request('GET', AUDIT, { token: await t.enrol('audit-device-token') }));
    });
  });

  describe('what is recorded', () => {
    it('a device registration: who, what, the device after, success', async () => {
      expectData(await t.request('POST', '/api/v1/devices', { token: t.tokens.manager, body: { id: 'audit-a', name: 'Line A' } }), 201);
      const [entry] = await entries('?entityId=audit-a');
      expect(entry).to.include({ action: 'device.create', entityType: 'device', entityId: 'audit-a', outcome: 'success', username: 'manager' });
      expect(entry.userId).to.be.a('string');
      expect(entry.after).to.deep.include({ id: 'audit-a', name: 'Line A' });
      expect(entry.before).to.equal(null);
      expect(Date.parse(entry.at)).to.be.closeTo(Date.now(), 60_000);
    });

    it('an update keeps before and after; a refused change is a failure entry and changes nothing', async () => {
      expectData(await t.request('POST', '/api/v1/devices', { token: t.tokens.manager, body: { id: 'audit-b', name: 'Old name' } }), 201);
      expectData(await t.request('PUT', '/api/v1/devices/audit-b', { token: t.tokens.admin, body: { name: 'New name' } }));
      expectError(await t.request('POST', '/api/v1/devices', { token: t.tokens.manager, body: { id: 'audit-b', name: 'Again' } }), 409, 'CONFLICT');

      const [refused, updated] = await entries('?entityId=audit-b');
      expect(refused).to.include({ action: 'device.create', outcome: 'failure', username: 'manager' });
      expect(refused.detail).to.match(/CONFLICT/);
      expect(updated).to.include({ action: 'device.update', outcome: 'success', username: 'admin' });
      expect(updated.before).to.include({ name: 'Old name' });
      expect(updated.after).to.include({ name: 'New name' });
    });

    it('issuing a token records its id, never the token itself', async () => {
      const token = await t.enrol('audit-c');
      const [issued] = await entries('?entityId=audit-c');
      expect(issued).to.include({ action: 'device.token.issue', outcome: 'success' });
      expect(JSON.stringify(issued)).to.not.include(token);
      expect(issued.after.tokenId).to.be.a('string');
    });

    it('connection settings changes, deletions, logins and failed logins', async () => {
      expectData(await t.request('PUT', '/api/v1/connection/settings', { token: t.tokens.manager, body: { cloudSyncEnabled: false } }));
      expectData(await t.request('PUT', '/api/v1/connection/settings', { token: t.tokens.manager, body: { cloudSyncEnabled: true } }));
      const [enabled, disabled] = await entries('?entityId=connection.settings');
      expect(disabled).to.include({ action: 'connection.settings.update', outcome: 'success' });
      expect(disabled.before.cloudSyncEnabled).to.equal(true);
      expect(disabled.after.cloudSyncEnabled).to.equal(false);
      expect(enabled.after.cloudSyncEnabled).to.equal(true);

      expectData(await t.request('POST', '/api/v1/devices', { token: t.tokens.manager, body: { id: 'audit-d', name: 'Gone soon' } }), 201);
      expectData(await t.request('DELETE', '/api/v1/devices/audit-d', { token: t.tokens.manager }));
      expect((await entries('?entityId=audit-d'))[0]).to.include({ action: 'device.delete', outcome: 'success' });

      expectError(await t.request('POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'wrong-password' } }), 401, 'UNAUTHORIZED');
      expectData(await t.request('POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'operator123' } }));
      const logins = (await entries()).filter((e) => e.action === 'auth.login');
      expect(logins[0]).to.include({ outcome: 'success', username: 'operator' });
      expect(logins[1]).to.include({ outcome: 'failure', userId: null });
      expect(logins[1].detail).to.include('"operator"');
    });
  });

  describe('filters', () => {
    it('by user, by entity, since, limit; newest first', async () => {
      const all = await entries('?limit=1000');
      expect(all.map((e) => e.id)).to.deep.equal([...all.map((e) => e.id)].sort((a, b) => b - a));
      const admin = all.find((e) => e.username === 'admin')!;
      const byAdmin = await entries(`?userId=${admin.userId}`);
      expect(byAdmin.length).to.be.greaterThan(0);
      expect(byAdmin.every((e) => e.userId === admin.userId)).to.equal(true);
      expect(await entries('?limit=2')).to.have.length(2);
      expect(await entries(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).to.deep.equal([]);
      expect((await entries(`?since=${encodeURIComponent(all[all.length - 1].at)}&limit=1000`)).length).to.equal(all.length);
    });

    it('bad filters are 400 naming the parameter', async () => {
      expectValidationError(await t.request('GET', `${AUDIT}?limit=0`, { token: t.tokens.manager }), 'limit');
      expectValidationError(await t.request('GET', `${AUDIT}?limit=5000`, { token: t.tokens.manager }), 'limit');
      expectValidationError(await t.request('GET', `${AUDIT}?since=yesterday`, { token: t.tokens.manager }), 'since');
      expectValidationError(await t.request('GET', `${AUDIT}?colour=red`, { token: t.tokens.manager }), 'colour');
    });
  });
});
