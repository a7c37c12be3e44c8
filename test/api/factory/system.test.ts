import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { heartbeat, UNAUTHORIZED } from '../../support/factory-api-fixtures.js';

describeOnBothDatabases('factory API: /health, /api/v1/auth/login, /api/v1/debug/actors', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db);
  });
  after(async () => {
    await t?.stop();
  });

  describe('GET /health', () => {
    it('is public: status, service, storage in use, device counts', async () => {
      const data = expectData(await t.request('GET', '/health'));
      expect(data).to.include({ status: 'ok', service: 'okto-factory', database: db === 'pg' ? 'postgresql' : 'sqlite' });
      expect(data.uptimeSeconds).to.be.a('number').and.at.least(0);
      expect(data.devices).to.have.all.keys('online', 'stale', 'offline');
    });

    it('reports its database as writable and its forwarder, with no reasons; live and ready answer 200', async () => {
      const data = expectData(await t.request('GET', '/health'));
      expect(data).to.include({ databaseWritable: true });
      expect(data.reasons).to.deep.equal([]);
      expect(data.forwarder).to.include.keys('state', 'enabled', 'reason', 'queueSize', 'oldestItem', 'parked');
      expect(expectData(await t.request('GET', '/health/live')).status).to.equal('ok');
      expect(expectData(await t.request('GET', '/health/ready')).ready).to.equal(true);
    });

    // SQLite only: a connection there can be made read-only on the spot (PRAGMA query_only); a
    // PostgreSQL pool has no such switch for connections already open.
    if (db === 'sqlite') it('is down (503) and not ready while the SQLite database refuses writes', async function () {
      this.timeout(20_000);
      const knex = t.factory.system.db;
      await knex.raw('PRAGMA query_only = ON');
      try {
        await new Promise((resolve) => setTimeout(resolve, 5100)); // past the probe's cache
        const res = await t.request('GET', '/health');
        expect(res.status).to.equal(503);
        expect(res.body.data).to.include({ status: 'down', databaseWritable: false });
        expect(res.body.data.reasons[0].code).to.equal('DATABASE_UNWRITABLE');
        expect((await t.request('GET', '/health/ready')).status).to.equal(503);
      } finally {
        await knex.raw('PRAGMA query_only = OFF');
      }
    });

    it('device counts follow the sessions', async () => {
      const before = expectData(await t.request('GET', '/health')).devices;
      const token = await t.enrol('health-edge');
      expect(expectData(await t.request('GET', '/health')).devices).to.deep.equal({ ...before, offline: before.offline + 1 });
      expectData(await heartbeat(t, 'health-edge', token));
      expect(expectData(await t.request('GET', '/health')).devices).to.deep.equal({ ...before, online: before.online + 1 });
    });

    it('ignores any token, good, bad, user or device', async () => {
      const device = await t.enrol('health-any-token');
      for (const token of ['garbage', t.tokens.operator, device]) expect(expectData(await t.request('GET', '/health', { token })).status).to.equal('ok');
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('200 {token, user} for each seeded user; the token works on a user route', async () => {
      for (const [username, password, role] of [
        ['operator', 'operator123', 'OPERATOR'],
        ['manager', 'manager123', 'MANAGER'],
        ['admin', 'admin123', 'ADMIN'],
      ] as const) {
        const data = expectData(await t.request('POST', '/api/v1/auth/login', { body: { username, password } }));
        expect(data.token).to.be.a('string').and.not.empty;
        expect(data.user).to.include({ username, role });
        expect(data.user).to.not.have.any.keys('password', 'passwordHash', 'password_hash');
        expectData(await t.request('GET', '/api/v1/devices', { token: data.token }));
      }
    });

    it('401 for a wrong password or an unknown user, the same message for both', async () => {
      const wrong = expectError(await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'nope-nope' } }), 401, 'UNAUTHORIZED');
      const unknown = expectError(await t.request('POST', '/api/v1/auth/login', { body: { username: 'ghost', password: 'nope-nope' } }), 401, 'UNAUTHORIZED');
      expect(wrong.message).to.equal(unknown.message);
    });

    it('a user token from login is refused on the device endpoints (401)', async () => {
      const data = expectData(await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'admin123' } }));
      await t.enrol('login-edge');
      UNAUTHORIZED(await heartbeat(t, 'login-edge', data.token));
      UNAUTHORIZED(await t.request('POST', '/api/v1/sync', { token: data.token, body: { items: [] } }));
    });

    it('400 VALIDATION_ERROR for missing, empty, wrong-typed or unknown fields and malformed JSON', async () => {
      const cases: Array<[unknown, string]> = [
        [{}, 'username'],
        [{ username: 'admin' }, 'password'],
        [{ username: '', password: 'x' }, 'username'],
        [{ username: 'admin', password: 123 }, 'password'],
        [{ username: 'admin', password: 'admin123', role: 'ADMIN' }, 'role'],
        [{ username: 'u'.repeat(65), password: 'x' }, 'username'],
      ];
      for (const [body, field] of cases) expectValidationError(await t.request('POST', '/api/v1/auth/login', { body }), field);
      for (const rawBody of ['{"username":', 'null', '[]']) expectError(await t.request('POST', '/api/v1/auth/login', { rawBody }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('GET /api/v1/debug/actors', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: '/api/v1/debug/actors', role: 'ADMIN' }]);

    it("lists the factory's live actors: root, the workers, the forwarder, a session per device", async () => {
      await t.enrol('actors-edge');
      const actors = expectData(await t.request('GET', '/api/v1/debug/actors', { token: t.tokens.admin }));
      expect(actors).to.be.an('array').that.is.not.empty;
      for (const actor of actors) expect(actor).to.include.keys('id', 'path', 'status', 'state');
      const systemIds = new Set(actors.map((a: { systemId?: string }) => a.systemId).filter(Boolean));
      for (const id of ['root', 'devices', 'ingest.0', 'connectionSettings', 'forwarder', 'device.actors-edge']) expect(systemIds.has(id), id).to.equal(true);
      for (const actor of actors) expect(actor.status, actor.path).to.equal('active');
    });

    it('a device token is refused (401)', async () => {
      const token = await t.enrol('actors-device-token');
      UNAUTHORIZED(await t.request('GET', '/api/v1/debug/actors', { token }));
    });
  });
});
