import http from 'node:http';
import { expect } from 'chai';
import { expectData, expectError, expectValidationError } from '../../support/api-expect.js';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { bottleItems, wsBase } from '../../support/factory-api-fixtures.js';
import { refusalStatus } from '../../support/ws-client.js';

const LIMIT_KB = 64;

/** Every factory route that reads a JSON body, and whose token it needs. */
type Who = 'none' | 'manager' | 'device';
const BODY_ROUTES: Array<[string, string, Who]> = [
  ['POST', '/api/v1/auth/login', 'none'],
  ['POST', '/api/v1/devices', 'manager'],
  ['PUT', '/api/v1/devices/shell-edge', 'manager'],
  ['POST', '/api/v1/devices/shell-edge/heartbeat', 'device'],
  ['POST', '/api/v1/sync', 'device'],
  ['PUT', '/api/v1/connection/settings', 'manager'],
];

const ALL_ROUTES: Array<[string, string]> = [
  ...BODY_ROUTES.map(([m, p]) => [m, p] as [string, string]),
  ['GET', '/health'],
  ['GET', '/api/v1/devices'],
  ['GET', '/api/v1/devices/connected'],
  ['GET', '/api/v1/devices/shell-edge'],
  ['DELETE', '/api/v1/devices/not-there'],
  ['POST', '/api/v1/devices/not-there/token'],
  ['GET', '/api/v1/connection/settings'],
  ['GET', '/api/v1/dashboard/overview'],
  ['GET', '/api/v1/debug/actors'],
];

function rawRequest(base: string, method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* keep the text */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('factory HTTP shell: malformed and oversized bodies, unknown routes, 405, never a 500', () => {
  let t: TestFactory;
  let deviceToken: string;
  before(async () => {
    t = await startTestFactory('sqlite', { server: { port: 0, host: '127.0.0.1', bodyLimitKb: LIMIT_KB } });
    deviceToken = await t.enrol('shell-edge');
  });
  after(async () => {
    await t?.stop();
  });

  const tokenFor = (who: Who) => (who === 'manager' ? t.tokens.manager : who === 'device' ? deviceToken : undefined);
  const send = (method: string, path: string, who: Who, options: { rawBody?: string; body?: unknown; headers?: Record<string, string> }) => {
    const token = tokenFor(who);
    return t.request(method, path, { ...(token ? { token } : {}), ...options });
  };

  describe('malformed bodies', () => {
    it('400 VALIDATION_ERROR for malformed JSON on every route that reads a body', async () => {
      for (const [method, path, who] of BODY_ROUTES) {
        for (const rawBody of ['{"a":', '{', '{"a":1,}', "{'a':1}", 'undefined']) {
          const res = await send(method, path, who, { rawBody });
          expect(res.status, `${method} ${path} ${rawBody}`).to.equal(400);
          expectValidationError(res);
        }
      }
    });

    it('400 for JSON that is not an object (null, a string, a number, an array)', async () => {
      for (const [method, path, who] of BODY_ROUTES) {
        for (const rawBody of ['null', '"text"', '42', 'true', '[]', '[{"id":"x"}]']) {
          const res = await send(method, path, who, { rawBody });
          expect(res.status, `${method} ${path} ${rawBody}: ${JSON.stringify(res.body)}`).to.equal(400);
          expect(res.body.error.code).to.equal('VALIDATION_ERROR');
        }
      }
    });

    it('a body that is not JSON is not parsed (as if there were none): a 4xx where fields are required, never a 500', async () => {
      for (const [method, path, who] of BODY_ROUTES) {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
          const res = await send(method, path, who, { rawBody: 'items=1', headers: { 'content-type': type } });
          const label = `${method} ${path} ${type}: ${JSON.stringify(res.body)}`;
          // A heartbeat needs no body at all: it is a heartbeat without a status.
          if (path.endsWith('/heartbeat')) expect(expectData(res).deviceId, label).to.equal('shell-edge');
          else {
            expect(res.status, label).to.be.within(400, 499);
            expect(res.body.success).to.equal(false);
          }
        }
      }
    });
  });

  describe(`body size (server.bodyLimitKb = ${LIMIT_KB})`, () => {
    it('413 PAYLOAD_TOO_LARGE over the limit on every body route', async () => {
      const rawBody = JSON.stringify({ items: [{ id: 'big', kind: 'bottle.created', payload: { blob: 'x'.repeat((LIMIT_KB + 8) * 1024) } }] });
      for (const [method, path, who] of BODY_ROUTES) expectError(await send(method, path, who, { rawBody }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('a sync batch under the limit is taken', async () => {
      const items = bottleItems('shell', 50);
      expect(JSON.stringify({ items }).length).to.be.below(LIMIT_KB * 1024);
      expect(expectData(await send('POST', '/api/v1/sync', 'device', { body: { items } })).accepted).to.equal(50);
    });
  });

  describe('unknown routes and methods', () => {
    it('404 NOT_FOUND envelope for unknown paths, with or without a token', async () => {
      for (const [method, path] of [
        // GET / is the factory console (test/ui/ui-serving.test.ts); other pages are not.
        ['GET', '/console'],
        ['GET', '/api/v1/nope'],
        ['POST', '/api/v1/nope'],
        ['GET', '/api/v1/devices/shell-edge/extra'],
        ['GET', '/api/v2/devices'],
        ['GET', '/api/v1/bottles'],
        ['POST', '/api/v1/device/sync'],
        ['GET', '/ws/device'],
      ]) {
        expectError(await t.request(method!, path!), 404, 'NOT_FOUND');
        expectError(await t.request(method!, path!, { token: t.tokens.admin }), 404, 'NOT_FOUND');
      }
    });

    it('405 METHOD_NOT_ALLOWED with the Allow header on a known path', async () => {
      const cases: Array<[string, string, string[]]> = [
        ['DELETE', '/api/v1/devices', ['GET', 'POST']],
        ['PATCH', '/api/v1/devices/shell-edge', ['GET', 'PUT', 'DELETE']],
        ['GET', '/api/v1/devices/shell-edge/heartbeat', ['POST']],
        ['GET', '/api/v1/devices/shell-edge/token', ['POST']],
        ['GET', '/api/v1/sync', ['POST']],
        ['POST', '/api/v1/connection/settings', ['GET', 'PUT']],
        ['POST', '/api/v1/dashboard/overview', ['GET']],
        ['PUT', '/health', ['GET']],
      ];
      for (const [method, path, allowed] of cases) {
        for (const token of [undefined, t.tokens.admin, deviceToken]) {
          const res = await t.request(method, path, token ? { token } : {});
          const error = expectError(res, 405, 'METHOD_NOT_ALLOWED');
          const allow = (res.headers.get('allow') ?? '').split(/\s*,\s*/);
          expect(allow, `${method} ${path}`).to.include.members(allowed);
          expect(error.details.allowed).to.include.members(allowed);
        }
      }
    });

    it('a method the router does not know (PROPFIND) is a 405 too', async () => {
      const res = await rawRequest(t.url, 'PROPFIND', '/api/v1/sync');
      expect(res.status).to.equal(405);
      expect(res.body.error.code).to.equal('METHOD_NOT_ALLOWED');
    });

    it('a WebSocket upgrade on an unknown path is refused with 404', async () => {
      expect(await refusalStatus(`${wsBase(t)}/ws`)).to.equal(404);
      expect(await refusalStatus(`${wsBase(t)}/ws/devices?token=${deviceToken}`)).to.equal(404);
    });
  });

  describe('never a 500', () => {
    it('every route answers odd input with an envelope and a status below 500', async () => {
      const bodies: Array<string | undefined> = [undefined, '', '{}', '{"items":[{}]}', '{"items":[{"id":"z","kind":"bottle.created","payload":{"createdAt":"not a date"}}]}', '{"status":1e309}', '\u0000', '{"id":"\\u0000","name":"\\u0000"}', '{"items":null,"lineId":{}}'];
      for (const [method, path] of ALL_ROUTES) {
        for (const rawBody of method === 'GET' ? [undefined] : bodies) {
          for (const token of [undefined, t.tokens.admin, deviceToken]) {
            const res = await t.request(method, path, { ...(token ? { token } : {}), ...(rawBody !== undefined ? { rawBody } : {}) });
            const label = `${method} ${path} ${JSON.stringify(rawBody)}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
            expect(res.status, label).to.be.below(500);
            expect(res.body, label).to.be.an('object');
            expect(res.body.success, label).to.be.a('boolean');
          }
        }
      }
    });
  });
});
