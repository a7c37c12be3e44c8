import { expect } from 'chai';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import type { JsonRequester } from '../../support/http-request.js';
import { conformingRequester } from '../../support/openapi-conformance.js';

/** Real answers of the edge, checked against its own OpenAPI document. */
describe('edge answers fit the OpenAPI document', () => {
  let edge: TestEdge;
  let request: JsonRequester;
  before(async () => {
    edge = await startTestEdge();
    const document = await (await fetch(`${edge.url}/openapi.json`)).json();
    request = conformingRequester(edge.request, document);
  });
  after(async () => edge.stop());

  it('health, login and the signed-in user', async () => {
    expect((await request('GET', '/health/live')).status).to.equal(200);
    expect((await request('GET', '/health')).status).to.be.oneOf([200, 503]);
    expect((await request('GET', '/health/ready')).status).to.be.oneOf([200, 503]);
    const login = await request('POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'operator123' } });
    expect(login.status).to.equal(200);
    expect((await request('GET', '/api/v1/auth/me', { token: login.body.data.token })).status).to.equal(200);
    expect((await request('GET', '/api/v1/users', { token: edge.tokens.admin })).status).to.equal(200);
  });

  it('a batch created, listed, read, and refused a close while empty', async () => {
    const created = await request('POST', '/api/v1/batches', { token: edge.tokens.operator, body: { batch: { name: 'OpenAPI batch' } } });
    expect(created.status).to.equal(201);
    const id = created.body.data.batch.id as string;
    expect((await request('GET', '/api/v1/batches?limit=5', { token: edge.tokens.operator })).body.data.batches).to.not.be.empty;
    expect((await request('GET', `/api/v1/batches/${id}`, { token: edge.tokens.operator })).status).to.equal(200);
    // Empty: closing it is refused, in the error envelope the document lists for 409.
    expect((await request('POST', `/api/v1/batches/${id}/close`, { token: edge.tokens.operator, body: {} })).status).to.equal(409);
  });

  it('the error envelope on every refusal: 400, 401, 403, 404', async () => {
    expect((await request('POST', '/api/v1/batches', { token: edge.tokens.operator, body: { batch: {} } })).status).to.equal(400);
    expect((await request('POST', '/api/v1/batches', { token: edge.tokens.operator, rawBody: '{"batch":' })).status).to.equal(400);
    expect((await request('GET', '/api/v1/batches')).status).to.equal(401);
    expect((await request('GET', '/api/v1/users', { token: edge.tokens.operator })).status).to.equal(403);
    expect((await request('GET', '/api/v1/batches/no-such-batch', { token: edge.tokens.operator })).status).to.equal(404);
  });

  it('lists, statuses and configuration of the line and its devices', async () => {
    for (const path of ['/api/v1/bottles', '/api/v1/events', '/api/v1/line/status', '/api/v1/scanner/status', '/api/v1/sync/status', '/api/v1/audit-log']) {
      const answer = await request('GET', path, { token: edge.tokens.admin });
      expect(answer.status, path).to.be.oneOf([200, 503]);
    }
  });

  it('a check that can fail: an answer that does not fit is named', async () => {
    const lying: JsonRequester = async (method, path, options) => {
      const real = await edge.request(method, path, options);
      return { ...real, body: { success: true, data: { status: 'ok', uptimeSeconds: -1 } } };
    };
    const document = await (await fetch(`${edge.url}/openapi.json`)).json();
    let failure: Error | undefined;
    await conformingRequester(lying, document)('GET', '/health/live').catch((error: Error) => (failure = error));
    expect(failure?.message).to.include('$.data.uptimeSeconds: below 0');
  });

  // Last: signing out ends every session of the user, the harness's tokens too.
  it('signing out', async () => {
    const login = await request('POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'operator123' } });
    expect((await request('POST', '/api/v1/auth/logout', { token: login.body.data.token })).status).to.equal(200);
  });
});
