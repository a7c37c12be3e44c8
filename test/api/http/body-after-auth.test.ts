import { expect } from 'chai';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import type { JsonRequester } from '../../support/http-request.js';

interface Service {
  request: JsonRequester;
  /** A route that needs a user token and reads a JSON body. */
  protectedRoute: [string, string];
  userToken: string;
  /** The service's body limit, in bytes. */
  limitBytes: number;
}

function bodyAfterAuthSuite(name: string, start: () => Promise<{ service: Service; stop: () => Promise<void> }>) {
  describe(`${name}: a body is read only after the request is authenticated`, () => {
    let s: Service;
    let stop: () => Promise<void>;
    before(async () => {
      ({ service: s, stop } = await start());
    });
    after(async () => {
      await stop?.();
    });

    it('a body over the limit without a token is refused with 401 (authentication first), not 413', async () => {
      const [method, path] = s.protectedRoute;
      const res = await s.request(method, path, { rawBody: JSON.stringify({ pad: 'x'.repeat(s.limitBytes + 1024) }) });
      expect(res.status, JSON.stringify(res.body)).to.equal(401);
      expect(res.body.error.code).to.equal('UNAUTHORIZED');
    });

    it('malformed JSON without a token is refused with 401, not 400 (never parsed)', async () => {
      const [method, path] = s.protectedRoute;
      const res = await s.request(method, path, { rawBody: '{"not json' });
      expect(res.status, JSON.stringify(res.body)).to.equal(401);
    });

    it('malformed JSON with a forged token is refused with 401, not 400', async () => {
      const [method, path] = s.protectedRoute;
      const forged = `${s.userToken.slice(0, -4)}AAAA`;
      const res = await s.request(method, path, { token: forged, rawBody: '{"not json' });
      expect(res.status, JSON.stringify(res.body)).to.equal(401);
    });

    it('with a valid token the body is parsed: malformed JSON is 400, oversized is 413', async () => {
      const [method, path] = s.protectedRoute;
      const malformed = await s.request(method, path, { token: s.userToken, rawBody: '{"not json' });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error.code).to.equal('VALIDATION_ERROR');
      const oversized = await s.request(method, path, { token: s.userToken, rawBody: JSON.stringify({ pad: 'x'.repeat(s.limitBytes + 1024) }) });
      expect(oversized.status).to.equal(413);
      expect(oversized.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('the login takes at most 4 KB: a bigger body gets 413 with the envelope', async () => {
      const res = await s.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'x'.repeat(5000) } });
      expect(res.status).to.equal(413);
      expect(res.body).to.deep.equal({ success: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' } });
    });

    it('the login still parses its (small) body: malformed JSON is 400, a normal login 200', async () => {
      const malformed = await s.request('POST', '/api/v1/auth/login', { rawBody: '{"username":' });
      expect(malformed.status).to.equal(400);
      const ok = await s.request('POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'operator123' } });
      expect(ok.status).to.equal(200);
    });
  });
}

bodyAfterAuthSuite('edge', async () => {
  const t: TestEdge = await startTestEdge({ server: { port: 0, host: '127.0.0.1', bodyLimitKb: 16 } });
  return { service: { request: t.request, protectedRoute: ['POST', '/api/v1/bottles'], userToken: t.tokens.operator, limitBytes: 16 * 1024 }, stop: () => t.stop() };
});

bodyAfterAuthSuite('factory (SQLite)', async () => {
  const t: TestFactory = await startTestFactory('sqlite', { server: { port: 0, host: '127.0.0.1', bodyLimitKb: 16 } });
  return { service: { request: t.request, protectedRoute: ['POST', '/api/v1/devices'], userToken: t.tokens.manager, limitBytes: 16 * 1024 }, stop: () => t.stop() };
});

describe('factory: device bodies are parsed after the device token is checked', () => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory('sqlite');
  });
  after(async () => {
    await t?.stop();
  });

  it('a device token gets its malformed sync body parsed (400); no token gets 401', async () => {
    const token = await t.enrol('line-body-1');
    const parsed = await t.request('POST', '/api/v1/sync', { token, rawBody: '{"not json' });
    expect(parsed.status, JSON.stringify(parsed.body)).to.equal(400);
    const anonymous = await t.request('POST', '/api/v1/sync', { rawBody: '{"not json' });
    expect(anonymous.status).to.equal(401);
  });
});
