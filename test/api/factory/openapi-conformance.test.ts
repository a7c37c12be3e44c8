import { expect } from 'chai';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import type { JsonRequester } from '../../support/http-request.js';
import { conformingRequester } from '../../support/openapi-conformance.js';

/** Real answers of the factory, checked against its own OpenAPI document. */
describe('factory answers fit the OpenAPI document', () => {
  let factory: TestFactory;
  let request: JsonRequester;
  before(async () => {
    factory = await startTestFactory();
    const document = await (await fetch(`${factory.url}/openapi.json`)).json();
    request = conformingRequester(factory.request, document);
  });
  after(async () => factory.stop());

  it('health, login, users and the signed-in user', async () => {
    expect((await request('GET', '/health/live')).status).to.equal(200);
    expect((await request('GET', '/health/ready')).status).to.be.oneOf([200, 503]);
    expect((await request('GET', '/health')).status).to.be.oneOf([200, 503]);
    const login = await request('POST', '/api/v1/auth/login', { body: { username: 'manager', password: 'manager123' } });
    expect(login.status).to.equal(200);
    expect((await request('GET', '/api/v1/auth/me', { token: login.body.data.token })).status).to.equal(200);
    expect((await request('GET', '/api/v1/users', { token: factory.tokens.admin })).status).to.equal(200);
  });

  it('a device registered, listed, read and given a token', async () => {
    const created = await request('POST', '/api/v1/devices', { token: factory.tokens.manager, body: { id: 'openapi-line', name: 'OpenAPI line' } });
    expect(created.status).to.equal(201);
    expect((await request('GET', '/api/v1/devices', { token: factory.tokens.operator })).body.data).to.have.length.greaterThan(0);
    expect((await request('GET', '/api/v1/devices/openapi-line', { token: factory.tokens.operator })).status).to.equal(200);
    expect((await request('POST', '/api/v1/devices/openapi-line/token', { token: factory.tokens.manager })).status).to.equal(201);
    expect((await request('GET', '/api/v1/devices/connected', { token: factory.tokens.operator })).status).to.equal(200);
  });

  it('the error envelope on every refusal: 400, 401, 403, 404, 409', async () => {
    expect((await request('POST', '/api/v1/devices', { token: factory.tokens.manager, body: { id: 42 } })).status).to.equal(400);
    expect((await request('GET', '/api/v1/devices')).status).to.equal(401);
    expect((await request('POST', '/api/v1/devices', { token: factory.tokens.operator, body: { id: 'x', name: 'x' } })).status).to.equal(403);
    expect((await request('GET', '/api/v1/devices/no-such-device', { token: factory.tokens.operator })).status).to.equal(404);
    await request('POST', '/api/v1/devices', { token: factory.tokens.manager, body: { id: 'twice', name: 'Twice' } });
    expect((await request('POST', '/api/v1/devices', { token: factory.tokens.manager, body: { id: 'twice', name: 'Twice' } })).status).to.equal(409);
  });

  it('fleet, firmware, groups and catalogs lists', async () => {
    for (const path of ['/api/v1/firmware/releases', '/api/v1/firmware/deployments', '/api/v1/device-groups', '/api/v1/catalog/sites', '/api/v1/audit-log', '/api/v1/connection/settings']) {
      const answer = await request('GET', path, { token: factory.tokens.admin });
      expect(answer.status, path).to.be.oneOf([200, 503]);
    }
  });

  // Last: signing out ends every session of the user, the harness's tokens too.
  it('signing out', async () => {
    const login = await request('POST', '/api/v1/auth/login', { body: { username: 'manager', password: 'manager123' } });
    expect((await request('POST', '/api/v1/auth/logout', { token: login.body.data.token })).status).to.equal(200);
  });
});
