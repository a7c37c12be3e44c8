import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { deleteDevice, getDevice, UNAUTHORIZED } from '../../support/factory-api-fixtures.js';

const DEVICES = '/api/v1/devices';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describeOnBothDatabases('factory API: /api/v1/devices (registry)', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db);
  });
  after(async () => {
    await t?.stop();
  });

  const create = (body: unknown, token = t.tokens.manager) => t.request('POST', DEVICES, { token, body });
  const update = (id: string, body: unknown, token = t.tokens.manager) => t.request('PUT', `${DEVICES}/${id}`, { token, body });
  const list = async () => expectData(await t.request('GET', DEVICES, { token: t.tokens.operator })) as any[];

  describe('authentication and roles', () => {
    // The probes need a device to exist (PUT, token), so that admitted roles get a 2xx.
    before(async () => {
      await t.enrol('auth-probe');
    });

    itRequiresAuth(() => t, [
      { method: 'GET', path: DEVICES },
      { method: 'GET', path: `${DEVICES}/connected` },
      { method: 'GET', path: `${DEVICES}/auth-probe` },
      { method: 'POST', path: DEVICES, role: 'MANAGER', body: { id: 'auth-probe-new', name: 'x' } },
      { method: 'PUT', path: `${DEVICES}/auth-probe`, role: 'MANAGER', body: { name: 'renamed' } },
      { method: 'DELETE', path: `${DEVICES}/auth-probe-gone`, role: 'MANAGER' },
      { method: 'POST', path: `${DEVICES}/auth-probe/token`, role: 'MANAGER' },
    ]);

    it("a device's own (current) token is refused on every user route: 401", async () => {
      const token = await t.enrol('dev-token-on-user-routes');
      for (const [method, path, body] of [
        ['GET', DEVICES],
        ['GET', `${DEVICES}/connected`],
        ['GET', `${DEVICES}/dev-token-on-user-routes`],
        ['POST', DEVICES, { id: 'via-device-token', name: 'x' }],
        ['PUT', `${DEVICES}/dev-token-on-user-routes`, { name: 'x' }],
        ['DELETE', `${DEVICES}/dev-token-on-user-routes`],
        ['POST', `${DEVICES}/dev-token-on-user-routes/token`],
        ['GET', '/api/v1/connection/settings'],
        ['PUT', '/api/v1/connection/settings', { cloudSyncEnabled: false }],
        ['GET', '/api/v1/dashboard/overview'],
        ['GET', '/api/v1/debug/actors'],
      ] as Array<[string, string, unknown?]>) {
        const res = await t.request(method, path, { token, ...(body !== undefined ? { body } : {}) });
        const error = UNAUTHORIZED(res);
        expect(error.message, `${method} ${path}`).to.match(/device token/i);
      }
      // Nothing was done with it.
      expect((await getDevice(t, 'dev-token-on-user-routes')).name).to.equal('Line cabinet dev-token-on-user-routes');
      expectError(await t.request('GET', `${DEVICES}/via-device-token`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
    });
  });

  describe('POST (register)', () => {
    it('201 with the device view: offline, never seen, no token yet', async () => {
      const data = expectData(await create({ id: 'edge-101', name: 'Line 1 cabinet', lineId: 'line-1', connectionMode: 'VIA_LOCAL_SERVER', description: 'hall A' }), 201);
      expect(data).to.include({
        id: 'edge-101',
        name: 'Line 1 cabinet',
        lineId: 'line-1',
        connectionMode: 'VIA_LOCAL_SERVER',
        description: 'hall A',
        status: 'offline',
        lastHeartbeat: null,
        connected: false,
        reported: null,
        tokenIssued: false,
      });
      expect(data.createdAt).to.match(ISO);
      expect(data.updatedAt).to.match(ISO);
      expect(data).to.not.have.any.keys('token', 'tokenId');
    });

    it('optional fields default to null; GET /{id} and the list show it', async () => {
      expectData(await create({ id: 'edge-minimal', name: 'Minimal' }), 201);
      const device = await getDevice(t, 'edge-minimal');
      expect(device).to.include({ id: 'edge-minimal', name: 'Minimal', lineId: null, connectionMode: null, description: null, status: 'offline' });
      expect((await list()).map((d) => d.id)).to.include('edge-minimal');
    });

    it('409 CONFLICT for an id that exists; the first registration is unchanged', async () => {
      expectData(await create({ id: 'edge-dup', name: 'First' }), 201);
      expectError(await create({ id: 'edge-dup', name: 'Second' }), 409, 'CONFLICT');
      expect((await getDevice(t, 'edge-dup')).name).to.equal('First');
    });

    it('concurrent registrations of one id: exactly one 201, the rest 409, never a 500', async () => {
      const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => create({ id: 'edge-race', name: `Racer ${i}` })));
      expect(responses.map((r) => r.status).sort()).to.deep.equal([201, 409, 409, 409, 409]);
    });

    it('400 VALIDATION_ERROR naming the field: missing, wrong type, bad format, unknown field, too long', async () => {
      const cases: Array<[unknown, string]> = [
        [{}, 'id'],
        [{ name: 'x' }, 'id'],
        [{ id: 'edge-x' }, 'name'],
        [{ id: 42, name: 'x' }, 'id'],
        [{ id: 'edge x', name: 'x' }, 'id'],
        [{ id: 'edge/x', name: 'x' }, 'id'],
        [{ id: '', name: 'x' }, 'id'],
        [{ id: 'e'.repeat(65), name: 'x' }, 'id'],
        [{ id: 'edge-x', name: '' }, 'name'],
        [{ id: 'edge-x', name: '   ' }, 'name'],
        [{ id: 'edge-x', name: 7 }, 'name'],
        [{ id: 'edge-x', name: 'n'.repeat(201) }, 'name'],
        [{ id: 'edge-x', name: 'x', lineId: 5 }, 'lineId'],
        [{ id: 'edge-x', name: 'x', lineId: 'l'.repeat(65) }, 'lineId'],
        [{ id: 'edge-x', name: 'x', connectionMode: 'SOMETIMES' }, 'connectionMode'],
        [{ id: 'edge-x', name: 'x', description: 'd'.repeat(1001) }, 'description'],
        [{ id: 'edge-x', name: 'x', status: 'online' }, 'status'],
        [{ id: 'edge-x', name: 'x', tokenId: 'mine' }, 'tokenId'],
      ];
      for (const [body, field] of cases) expectValidationError(await create(body), field);
      expectError(await t.request('GET', `${DEVICES}/edge-x`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
    });

    it('400 for malformed JSON and for JSON that is not an object', async () => {
      for (const rawBody of ['{"id":', '{', 'null', '[]', '"edge"', '42']) {
        const res = await t.request('POST', DEVICES, { token: t.tokens.manager, rawBody });
        expectError(res, 400, 'VALIDATION_ERROR');
      }
    });
  });

  describe('GET (list and one)', () => {
    it('lists every registered device in id order, each with its live status', async () => {
      await create({ id: 'list-b', name: 'B' });
      await create({ id: 'list-a', name: 'A' });
      const ids = (await list()).map((d) => d.id);
      expect(ids.indexOf('list-a')).to.be.greaterThan(-1).and.lessThan(ids.indexOf('list-b'));
      expect([...ids].sort()).to.deep.equal(ids);
      for (const device of await list()) expect(device.status).to.be.oneOf(['online', 'stale', 'offline']);
    });

    it('404 NOT_FOUND for an unknown id; 400 for an id that cannot be one', async () => {
      expectError(await t.request('GET', `${DEVICES}/no-such-device`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('GET', `${DEVICES}/${'x'.repeat(65)}`, { token: t.tokens.operator }), 'id');
      expectValidationError(await t.request('GET', `${DEVICES}/bad%20id`, { token: t.tokens.operator }), 'id');
    });

    it('/connected is its own route (not a device id): an array of live channels', async () => {
      const data = expectData(await t.request('GET', `${DEVICES}/connected`, { token: t.tokens.operator }));
      expect(data).to.be.an('array');
    });
  });

  describe('PUT (update)', () => {
    it('changes only the given fields; null clears a nullable one; updatedAt moves', async () => {
      const created = expectData(await create({ id: 'edge-upd', name: 'Old', lineId: 'line-1', description: 'keep' }), 201);
      const updated = expectData(await update('edge-upd', { name: 'New', lineId: null, connectionMode: 'DIRECT_CLOUD' }));
      expect(updated).to.include({ id: 'edge-upd', name: 'New', lineId: null, connectionMode: 'DIRECT_CLOUD', description: 'keep' });
      expect(updated.createdAt).to.equal(created.createdAt);
      expect(updated.updatedAt >= created.updatedAt).to.equal(true);
      expect(await getDevice(t, 'edge-upd')).to.include({ name: 'New', lineId: null, connectionMode: 'DIRECT_CLOUD', description: 'keep' });
    });

    it('404 for an unknown device', async () => {
      expectError(await update('no-such-device', { name: 'x' }), 404, 'NOT_FOUND');
    });

    it('400 for an empty patch, an unknown field, wrong types, the id itself', async () => {
      await create({ id: 'edge-upd-bad', name: 'Keep' });
      expectValidationError(await update('edge-upd-bad', {}));
      const cases: Array<[unknown, string]> = [
        [{ name: '' }, 'name'],
        [{ name: null }, 'name'],
        [{ name: 1 }, 'name'],
        [{ lineId: 3 }, 'lineId'],
        [{ connectionMode: 'ALWAYS' }, 'connectionMode'],
        [{ description: false }, 'description'],
        [{ id: 'renamed' }, 'id'],
        [{ name: 'x', colour: 'red' }, 'colour'],
      ];
      for (const [body, field] of cases) expectValidationError(await update('edge-upd-bad', body), field);
      for (const rawBody of ['{', 'null', '[]']) expectError(await t.request('PUT', `${DEVICES}/edge-upd-bad`, { token: t.tokens.manager, rawBody }), 400, 'VALIDATION_ERROR');
      expect((await getDevice(t, 'edge-upd-bad')).name).to.equal('Keep');
    });
  });

  describe('DELETE', () => {
    it('200 {id}; then it is gone from GET, the list and its session', async () => {
      await create({ id: 'edge-del', name: 'Doomed' });
      expect(expectData(await t.request('DELETE', `${DEVICES}/edge-del`, { token: t.tokens.manager }))).to.deep.equal({ id: 'edge-del' });
      expectError(await t.request('GET', `${DEVICES}/edge-del`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expect((await list()).map((d) => d.id)).to.not.include('edge-del');
      expect(t.factory.system.fleet.has('edge-del')).to.equal(false);
    });

    it('404 for an unknown or already deleted device; 400 for an invalid id', async () => {
      await create({ id: 'edge-del-twice', name: 'x' });
      await deleteDevice(t, 'edge-del-twice');
      expectError(await t.request('DELETE', `${DEVICES}/edge-del-twice`, { token: t.tokens.manager }), 404, 'NOT_FOUND');
      expectError(await t.request('DELETE', `${DEVICES}/never-was`, { token: t.tokens.manager }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('DELETE', `${DEVICES}/${'z'.repeat(70)}`, { token: t.tokens.manager }), 'id');
    });

    it('the id can be registered again afterwards, as a new device without a token', async () => {
      await t.enrol('edge-reuse');
      await deleteDevice(t, 'edge-reuse');
      const again = expectData(await create({ id: 'edge-reuse', name: 'Second life' }), 201);
      expect(again).to.include({ id: 'edge-reuse', name: 'Second life', tokenIssued: false, status: 'offline' });
    });
  });

  describe('persistence', () => {
    it('registrations and edits survive a restart', async () => {
      await create({ id: 'edge-kept', name: 'Kept', lineId: 'line-9' });
      await update('edge-kept', { description: 'after edit' });
      await t.restart();
      expect(await getDevice(t, 'edge-kept')).to.include({ name: 'Kept', lineId: 'line-9', description: 'after edit', status: 'offline' });
    });
  });
});
