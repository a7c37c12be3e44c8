import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';

const CATALOG = '/api/v1/catalog';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describeOnBothDatabases('factory API: /api/v1/catalog (self-service catalogs)', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db);
  });
  after(async () => {
    await t?.stop();
  });

  const post = (path: string, body: unknown, token = t.tokens.manager) => t.request('POST', `${CATALOG}${path}`, { token, body });
  const del = (path: string, token = t.tokens.manager) => t.request('DELETE', `${CATALOG}${path}`, { token });
  const list = async (path: string) => expectData(await t.request('GET', `${CATALOG}${path}`)) as any[];
  const audit = async (entityId: string) => expectData(await t.request('GET', `/api/v1/audit-log?entityId=${encodeURIComponent(entityId)}`, { token: t.tokens.admin })) as any[];

  describe('authentication and roles', () => {
    itRequiresAuth(() => t, [
      { method: 'POST', path: `${CATALOG}/cloud-endpoints`, role: 'MANAGER', body: { name: 'auth-probe', url: 'https://probe.example' } },
      { method: 'DELETE', path: `${CATALOG}/cloud-endpoints/no-such-endpoint`, role: 'MANAGER' },
      { method: 'POST', path: `${CATALOG}/sites`, role: 'MANAGER', body: { code: 'AUTH-PROBE', name: 'x' } },
      { method: 'DELETE', path: `${CATALOG}/sites/NO-SUCH-SITE`, role: 'MANAGER' },
      { method: 'POST', path: `${CATALOG}/variants`, role: 'MANAGER', body: { code: 'AUTH-PROBE', name: 'x', cabinetType: 'WET' } },
      { method: 'DELETE', path: `${CATALOG}/variants/NO-SUCH-VARIANT`, role: 'MANAGER' },
    ]);

    it('reads are public: no token, and any user token, may list every catalog', async () => {
      for (const path of ['/cloud-endpoints', '/sites', '/variants']) {
        expect(expectData(await t.request('GET', `${CATALOG}${path}`))).to.be.an('array');
        expect(expectData(await t.request('GET', `${CATALOG}${path}`, { token: t.tokens.operator }))).to.be.an('array');
      }
    });

    it('a device token may not write (401); an OPERATOR may not (403) and nothing is stored', async () => {
      const deviceToken = await t.enrol('catalog-device');
      expectError(await post('/sites', { code: 'BY-DEVICE', name: 'x' }, deviceToken), 401, 'UNAUTHORIZED');
      expectError(await post('/sites', { code: 'BY-OPERATOR', name: 'x' }, t.tokens.operator), 403, 'FORBIDDEN');
      const codes = (await list('/sites')).map((s) => s.code);
      expect(codes).to.not.include.members(['BY-DEVICE', 'BY-OPERATOR']);
    });
  });

  describe('cloud endpoints', () => {
    it('create (201), list, delete; ADMIN may write too', async () => {
      const created = expectData(await post('/cloud-endpoints', { name: 'OKTO Cloud EU', url: 'https://eu.okto.cloud/api', description: 'Production' }), 201);
      expect(created).to.include({ name: 'OKTO Cloud EU', url: 'https://eu.okto.cloud/api', description: 'Production' });
      expect(created.id).to.be.a('string').and.not.empty;
      expect(created.createdAt).to.match(ISO);
      const other = expectData(await post('/cloud-endpoints', { name: 'Staging', url: 'http://10.0.0.5:8090' }, t.tokens.admin), 201);
      expect(other.description).to.equal(null);

      expect((await list('/cloud-endpoints')).map((e) => e.id)).to.include.members([created.id, other.id]);
      expect(expectData(await del(`/cloud-endpoints/${created.id}`))).to.deep.equal({ id: created.id });
      expect((await list('/cloud-endpoints')).map((e) => e.id)).to.not.include(created.id);
      expectError(await del(`/cloud-endpoints/${created.id}`), 404, 'NOT_FOUND');
    });

    it('a duplicate name is 409 CONFLICT', async () => {
      expectData(await post('/cloud-endpoints', { name: 'Dup endpoint', url: 'https://a.example' }), 201);
      const error = expectError(await post('/cloud-endpoints', { name: 'Dup endpoint', url: 'https://b.example' }), 409, 'CONFLICT');
      expect(error.details).to.deep.equal({ field: 'name' });
      expect((await list('/cloud-endpoints')).filter((e) => e.name === 'Dup endpoint')).to.have.length(1);
    });

    it('the url must be an absolute http(s) URL', async () => {
      for (const url of ['ftp://files.example', 'javascript:alert(1)', 'eu.okto.cloud', '/relative', '', 'http://', 42, null]) {
        expectValidationError(await post('/cloud-endpoints', { name: `bad-url-${String(url)}`, url }), 'url');
      }
    });
  });

  describe('sites', () => {
    it('create (201) with and without optional fields, list ordered by code, delete', async () => {
      const site = expectData(await post('/sites', { code: 'PLANT-02', name: 'Plant 2', timeZone: 'Europe/Moscow', address: 'Moscow, Lenina 1' }), 201);
      expect(site).to.include({ code: 'PLANT-02', name: 'Plant 2', timeZone: 'Europe/Moscow', address: 'Moscow, Lenina 1' });
      expect(site.createdAt).to.match(ISO);
      const bare = expectData(await post('/sites', { code: 'PLANT-01', name: 'Plant 1' }), 201);
      expect(bare).to.include({ timeZone: null, address: null });
      expectData(await post('/sites', { code: 'PLANT-03', name: 'Plant 3', timeZone: 'UTC' }), 201);

      const codes = (await list('/sites')).map((s) => s.code).filter((c: string) => c.startsWith('PLANT-'));
      expect(codes).to.deep.equal(['PLANT-01', 'PLANT-02', 'PLANT-03']);
      expect(expectData(await del('/sites/PLANT-02'))).to.deep.equal({ code: 'PLANT-02' });
      expectError(await del('/sites/PLANT-02'), 404, 'NOT_FOUND');
    });

    it('a duplicate code is 409 CONFLICT', async () => {
      expectData(await post('/sites', { code: 'DUP-SITE', name: 'First' }), 201);
      const error = expectError(await post('/sites', { code: 'DUP-SITE', name: 'Second' }), 409, 'CONFLICT');
      expect(error.details).to.deep.equal({ field: 'code' });
      expect((await list('/sites')).find((s) => s.code === 'DUP-SITE').name).to.equal('First');
    });

    it('the code must match its pattern; the time zone must be an IANA zone', async () => {
      for (const code of ['', 'has space', '-leading-dash', 'x'.repeat(65), 'slash/code', 7]) {
        expectValidationError(await post('/sites', { code, name: 'x' }), 'code');
      }
      for (const timeZone of ['Mars/Olympus', 'GMT+3', '+03:00', 'not a zone', '', 3]) {
        expectValidationError(await post('/sites', { code: 'TZ-BAD', name: 'x', timeZone }), 'timeZone');
      }
      expectError(await del('/sites/bad%20code'), 400, 'VALIDATION_ERROR');
    });
  });

  describe('variants', () => {
    it('create (201), list, delete', async () => {
      const wet = expectData(await post('/variants', { code: 'WET-V1', name: 'Wet cabinet v1', cabinetType: 'WET', description: 'with UPS' }), 201);
      expect(wet).to.include({ code: 'WET-V1', name: 'Wet cabinet v1', cabinetType: 'WET', description: 'with UPS' });
      expectData(await post('/variants', { code: 'DRY-V1', name: 'Dry cabinet v1', cabinetType: 'DRY' }), 201);
      const found = await list('/variants');
      expect(found.find((v) => v.code === 'DRY-V1')).to.include({ cabinetType: 'DRY', description: null });
      expectData(await del('/variants/WET-V1'));
      expect((await list('/variants')).map((v) => v.code)).to.not.include('WET-V1');
      expectError(await del('/variants/WET-V1'), 404, 'NOT_FOUND');
    });

    it('duplicate code → 409; the cabinet type must be WET or DRY', async () => {
      expectData(await post('/variants', { code: 'DUP-V', name: 'x', cabinetType: 'DRY' }), 201);
      expectError(await post('/variants', { code: 'DUP-V', name: 'y', cabinetType: 'WET' }), 409, 'CONFLICT');
      for (const cabinetType of ['wet', 'HUMID', '', null, 1, undefined]) {
        expectValidationError(await post('/variants', { code: 'TYPE-BAD', name: 'x', ...(cabinetType === undefined ? {} : { cabinetType }) }), 'cabinetType');
      }
    });
  });

  describe('bad input', () => {
    it('malformed JSON, a non-object body, unknown and missing fields, wrong types, oversized values', async () => {
      const raw = (path: string, rawBody: string) => t.request('POST', `${CATALOG}${path}`, { token: t.tokens.manager, rawBody });
      expectError(await raw('/sites', '{"code": "X",'), 400, 'VALIDATION_ERROR');
      expectError(await raw('/sites', '[1,2]'), 400, 'VALIDATION_ERROR');
      expectValidationError(await post('/sites', { code: 'EXTRA', name: 'x', colour: 'red' }), 'colour');
      expectValidationError(await post('/sites', { code: 'NO-NAME' }), 'name');
      expectValidationError(await post('/sites', { code: 'WS-NAME', name: '   ' }), 'name');
      expectValidationError(await post('/variants', { code: 'LONG', name: 'x'.repeat(201), cabinetType: 'WET' }), 'name');
      expectValidationError(await post('/variants', { code: 'LONG', name: 'x', cabinetType: 'WET', description: 'x'.repeat(1001) }), 'description');
      expectValidationError(await post('/cloud-endpoints', { name: 'long-url', url: `https://example.com/${'a'.repeat(2000)}` }), 'url');
      expectValidationError(await post('/cloud-endpoints', { name: ['not', 'a', 'string'], url: 'https://x.example' }), 'name');
      expectValidationError(await post('/cloud-endpoints', {}), 'name');
      expectError(await raw('/cloud-endpoints', JSON.stringify({ name: 'huge', url: 'https://x.example', description: 'x'.repeat(9 * 1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('unknown routes and methods are JSON errors', async () => {
      expectError(await t.request('GET', `${CATALOG}/printers`), 404, 'NOT_FOUND');
      expectError(await t.request('PUT', `${CATALOG}/sites`, { token: t.tokens.manager, body: {} }), 405, 'METHOD_NOT_ALLOWED');
    });
  });

  describe('audit log', () => {
    it('every write is audited with who, before/after; a refused write is a failure entry', async () => {
      expectData(await post('/sites', { code: 'AUDIT-SITE', name: 'Audited' }), 201);
      expectError(await post('/sites', { code: 'AUDIT-SITE', name: 'Again' }, t.tokens.admin), 409, 'CONFLICT');
      expectData(await del('/sites/AUDIT-SITE'));
      const [deleted, refused, created] = await audit('AUDIT-SITE');
      expect(created).to.include({ action: 'catalog.site.create', entityType: 'catalog.site', outcome: 'success', username: 'manager' });
      expect(created.after).to.include({ code: 'AUDIT-SITE', name: 'Audited' });
      expect(refused).to.include({ action: 'catalog.site.create', outcome: 'failure', username: 'admin' });
      expect(refused.detail).to.match(/CONFLICT/);
      expect(deleted).to.include({ action: 'catalog.site.delete', outcome: 'success' });
      expect(deleted.before).to.include({ code: 'AUDIT-SITE', name: 'Audited' });

      const endpoint = expectData(await post('/cloud-endpoints', { name: 'Audited endpoint', url: 'https://audit.example' }), 201);
      expectData(await post('/variants', { code: 'AUDIT-V', name: 'x', cabinetType: 'DRY' }), 201);
      expect((await audit(endpoint.id))[0]).to.include({ action: 'catalog.cloud_endpoint.create', outcome: 'success' });
      expect((await audit('AUDIT-V'))[0]).to.include({ action: 'catalog.variant.create', outcome: 'success' });
      expectError(await del('/variants/NOT-THERE'), 404, 'NOT_FOUND');
      expect((await audit('NOT-THERE'))[0]).to.include({ action: 'catalog.variant.delete', outcome: 'failure' });
    });
  });
});
