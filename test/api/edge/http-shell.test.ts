import http from 'node:http';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { expectData, expectError, expectValidationError } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes } from '../../support/edge-fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every route that reads a JSON body, with a placeholder id where the path needs one. */
const BODY_ROUTES: Array<[string, string]> = [
  ['POST', '/api/v1/auth/login'],
  ['POST', '/api/v1/bottles'],
  ['PATCH', '/api/v1/bottles/some-id/status'],
  ['POST', '/api/v1/batches'],
  ['POST', '/api/v1/batches/some-id/bottles'],
  ['POST', '/api/v1/scanner/scan'],
  ['POST', '/api/v1/scanner/validate'],
  ['POST', '/api/v1/mock/scan'],
];

const ALL_ROUTES: Array<[string, string]> = [
  ...BODY_ROUTES,
  ['GET', '/health'],
  ['GET', '/api/v1/bottles'],
  ['GET', '/api/v1/bottles/count'],
  ['GET', '/api/v1/bottles/some-id'],
  ['GET', '/api/v1/batches'],
  ['GET', '/api/v1/batches/some-id'],
  ['GET', '/api/v1/scanner/status'],
  ['GET', '/api/v1/scanner/recent'],
  ['POST', '/api/v1/mock/generate-code'],
  ['GET', '/api/v1/debug/actors'],
];

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A request fetch() would refuse to send (TRACE, custom methods, raw bytes, any Content-Encoding). */
function rawRequest(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep the text */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function expectRawError(res: RawResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.headers['content-type']).to.match(/application\/json/);
  expect(res.body.success).to.equal(false);
  expect(res.body.error.code).to.equal(code);
  return res.body.error;
}

describe('edge HTTP shell: envelope, request ids, 404/405, malformed and oversized bodies', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  describe('x-request-id', () => {
    it('echoes the caller id', async () => {
      const res = await t.request('GET', '/health', { headers: { 'x-request-id': 'line-7-req-42' } });
      expect(res.headers.get('x-request-id')).to.equal('line-7-req-42');
    });

    it('generates a UUID when there is none, a different one per request', async () => {
      const a = (await t.request('GET', '/health')).headers.get('x-request-id');
      const b = (await t.request('GET', '/health')).headers.get('x-request-id');
      expect(a).to.match(UUID);
      expect(b).to.match(UUID);
      expect(a).to.not.equal(b);
    });

    it('caps a long id at 64 characters', async () => {
      const res = await t.request('GET', '/health', { headers: { 'x-request-id': 'r'.repeat(200) } });
      expect(res.headers.get('x-request-id')).to.equal('r'.repeat(64));
    });

    it('is on error responses too', async () => {
      for (const res of [
        await t.request('GET', '/api/v1/bottles', { headers: { 'x-request-id': 'err-401' } }),
        await t.request('GET', '/no/such/route', { headers: { 'x-request-id': 'err-404' } }),
        await t.request('POST', '/api/v1/auth/login', { rawBody: '{', headers: { 'x-request-id': 'err-400' } }),
      ]) {
        expect(res.headers.get('x-request-id')).to.match(/^err-40[014]$/);
        expect(res.body.success).to.equal(false);
      }
    });
  });

  describe('unknown routes', () => {
    it('404 NOT_FOUND JSON envelope, with or without a token', async () => {
      for (const [method, path] of [
        // GET / is the operator HMI (test/ui/ui-serving.test.ts); other pages are not.
        ['GET', '/index.htm'],
        ['GET', '/nope'],
        ['GET', '/api/v1/nope'],
        ['POST', '/api/v1/nope'],
        ['GET', '/api/v1/bottles/some-id/extra'],
        ['GET', '/api/v2/bottles'],
        ['GET', '/api/v1/ws'],
        ['DELETE', '/api/v1/no-such-resource/1'],
      ]) {
        expectError(await t.request(method!, path!), 404, 'NOT_FOUND');
        expectError(await t.request(method!, path!, { token: t.tokens.admin }), 404, 'NOT_FOUND');
      }
    });

    it('404 for an undecodable path', async () => {
      const res = await rawRequest(t.url, 'GET', '/%E0%A4%A');
      expect(res.status).to.equal(404);
      expect(res.body.success).to.equal(false);
    });
  });

  describe('wrong method on an existing route', () => {
    it('405 METHOD_NOT_ALLOWED envelope with the Allow header', async () => {
      const cases: Array<[string, string, string[]]> = [
        ['DELETE', '/api/v1/bottles', ['GET', 'POST']],
        ['PUT', '/health', ['GET']],
        ['GET', '/api/v1/auth/login', ['POST']],
        ['DELETE', '/api/v1/bottles/some-id', ['GET']],
        ['PUT', '/api/v1/bottles/some-id/status', ['PATCH']],
        ['GET', '/api/v1/scanner/scan', ['POST']],
      ];
      for (const [method, path, allowed] of cases) {
        for (const token of [undefined, t.tokens.admin]) {
          const res = await t.request(method, path, token ? { token } : {});
          const error = expectError(res, 405, 'METHOD_NOT_ALLOWED');
          const allow = (res.headers.get('allow') ?? '').split(/\s*,\s*/);
          expect(allow, `${method} ${path}`).to.include.members(allowed);
          expect(error.details.allowed).to.include.members(allowed);
        }
      }
    });

    it('methods the router does not implement (PROPFIND, TRACE, PURGE) are 405 too, never a 500', async () => {
      for (const method of ['PROPFIND', 'TRACE', 'PURGE', 'SEARCH']) {
        const res = await rawRequest(t.url, method, '/health');
        expectRawError(res, 405, 'METHOD_NOT_ALLOWED');
        expect(res.headers.allow).to.include('GET');
      }
    });

    it('an unknown method on an unknown path is a 404', async () => {
      expectRawError(await rawRequest(t.url, 'PROPFIND', '/no/such/route'), 404, 'NOT_FOUND');
    });

    it('OPTIONS and HEAD are answered without a 5xx', async () => {
      const options = await t.request('OPTIONS', '/api/v1/bottles');
      expect(options.status).to.be.below(500);
      expect(options.headers.get('allow') ?? '').to.include('POST');
      const head = await t.request('HEAD', '/health');
      expect(head.status).to.equal(200);
      expect(head.body).to.equal('');
    });
  });

  describe('malformed bodies', () => {
    it('400 VALIDATION_ERROR for malformed JSON on every route that reads a body', async () => {
      for (const [method, path] of BODY_ROUTES) {
        for (const rawBody of ['{"a":', '{', '{"a":1,}', "{'a':1}", 'undefined']) {
          const res = await t.request(method, path, { token: t.tokens.admin, rawBody });
          expectValidationError(res);
        }
      }
    });

    it('400 for JSON that is not an object (null, a string, a number, an array)', async () => {
      for (const [method, path] of BODY_ROUTES) {
        for (const rawBody of ['null', '"text"', '42', 'true', '[]', '[{"code":"x"}]']) {
          const res = await t.request(method, path, { token: t.tokens.admin, rawBody });
          expect(res.status, `${method} ${path} ${rawBody}: ${JSON.stringify(res.body)}`).to.equal(400);
          expect(res.body.error.code).to.equal('VALIDATION_ERROR');
        }
      }
    });

    it('400 for a __proto__ key and for very deep nesting', async () => {
      expectValidationError(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, rawBody: '{"__proto__":{"admin":true},"code":"x"}' }));
      expectValidationError(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, rawBody: `${'['.repeat(10_000)}${']'.repeat(10_000)}` }));
      expectValidationError(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, rawBody: `{"code":${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}}` }), 'code');
    });

    it('a body that is not JSON is not parsed: 400 for the missing fields, never a 500', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream']) {
        const res = await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, rawBody: 'code=abc', headers: { 'content-type': type } });
        expect(res.status, `${type}: ${JSON.stringify(res.body)}`).to.be.within(400, 499);
        expect(res.body.success).to.equal(false);
      }
    });

    it('a gzip-encoded JSON body is read', async () => {
      const body = zlib.gzipSync(JSON.stringify({ username: 'operator', password: 'operator123' }));
      const res = await rawRequest(t.url, 'POST', '/api/v1/auth/login', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body);
      expect(res.status).to.equal(200);
      expect(res.body.data.user.username).to.equal('operator');
    });

    it('400 for a body that does not match its Content-Encoding; 415 for an unknown encoding', async () => {
      const json = JSON.stringify({ username: 'operator', password: 'operator123' });
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const res = await rawRequest(t.url, 'POST', '/api/v1/auth/login', { 'content-type': 'application/json', 'content-encoding': encoding }, json);
        expectRawError(res, 400, 'VALIDATION_ERROR');
      }
      const res = await rawRequest(t.url, 'POST', '/api/v1/auth/login', { 'content-type': 'application/json', 'content-encoding': 'x-bogus' }, json);
      expectRawError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('body size (default limit 512 KB)', () => {
    it('413 PAYLOAD_TOO_LARGE over the limit', async () => {
      const rawBody = JSON.stringify({ code: 'x'.repeat(600 * 1024) });
      expectError(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, rawBody }), 413, 'PAYLOAD_TOO_LARGE');
      expectError(await t.request('POST', '/api/v1/auth/login', { rawBody }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('a body under the limit is parsed and validated (400, not 413)', async () => {
      const rawBody = JSON.stringify({ code: 'x'.repeat(400 * 1024) });
      expectValidationError(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, rawBody }), 'code');
    });
  });

  describe('never a 500', () => {
    it('every route answers odd input with an envelope and a status below 500', async () => {
      const bodies: Array<string | undefined> = [undefined, '', '{}', '{"code":null}', '{"bottles":[{}]}', '{"status":1e309}', '{"batch":{"name":"x","batchSize":1e308}}', '\u0000', '{"code":"\\u0000"}'];
      for (const [method, path] of ALL_ROUTES) {
        for (const rawBody of method === 'GET' ? [undefined] : bodies) {
          for (const token of [undefined, t.tokens.admin]) {
            const res = await t.request(method, path, { ...(token ? { token } : {}), ...(rawBody !== undefined ? { rawBody } : {}) });
            const label = `${method} ${path} ${JSON.stringify(rawBody)} ${token ? 'admin' : 'anonymous'}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
            expect(res.status, label).to.be.below(500);
            expect(res.body, label).to.be.an('object');
            expect(res.body.success, label).to.be.a('boolean');
          }
        }
      }
    });

    it('odd query strings are a 400 or ignored, not a 500', async () => {
      for (const query of ['?limit=%', '?limit[]=1', '?status[a]=1', '?limit=1e3', '?limit=0x10', '?status=%00', '?lineId=%00']) {
        const res = await t.request('GET', `/api/v1/bottles${query}`, { token: t.tokens.operator });
        expect(res.status, `${query}: ${JSON.stringify(res.body)}`).to.be.below(500);
        expect(res.body.success).to.be.a('boolean');
      }
    });

    it('the API keeps working after all of the above', async () => {
      const data = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: codes(1)[0] } }));
      expect(data.outcome).to.equal('accepted');
    });
  });
});

describe('edge HTTP shell: a small body limit (server.bodyLimitKb: 1)', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge({ server: { port: 0, host: '127.0.0.1', bodyLimitKb: 1 } });
  });
  after(async () => {
    await t?.stop();
  });

  it('413 PAYLOAD_TOO_LARGE just over 1 KB, on public and protected routes', async () => {
    const rawBody = JSON.stringify({ username: 'u'.repeat(1100), password: 'p' });
    expectError(await t.request('POST', '/api/v1/auth/login', { rawBody }), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: 'x'.repeat(1100) } }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a small body still works', async () => {
    expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: codes(1)[0] } }));
  });

  it('the limit applies to the inflated body: a small gzip that inflates past it is a 413', async () => {
    const body = zlib.gzipSync(JSON.stringify({ username: 'u'.repeat(100_000), password: 'p' }));
    expect(body.length).to.be.below(1024);
    const res = await rawRequest(t.url, 'POST', '/api/v1/auth/login', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body);
    expectRawError(res, 413, 'PAYLOAD_TOO_LARGE');
  });
});
