import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import type { TestEdge } from './edge-harness.js';

export type ApiResponse = Awaited<ReturnType<TestEdge['request']>>;

/** Asserts the success envelope and the status; returns `data`. */
export function expectData(res: ApiResponse, status = 200): any {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.body).to.be.an('object');
  expect(res.body.success).to.equal(true);
  expect(res.body).to.have.property('data');
  return res.body.data;
}

/** Asserts the error envelope `{success:false, error:{code, message, details?}}`; returns `error`. */
export function expectError(res: ApiResponse, status: number, code: string): { code: string; message: string; details?: any } {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.headers.get('content-type') ?? '').to.match(/application\/json/);
  expect(res.body).to.be.an('object');
  expect(res.body.success).to.equal(false);
  expect(res.body.error.code).to.equal(code);
  expect(res.body.error.message).to.be.a('string').and.not.empty;
  const keys = Object.keys(res.body.error);
  expect(keys.every((k) => ['code', 'message', 'details'].includes(k)), keys.join(',')).to.equal(true);
  return res.body.error;
}

/** A VALIDATION_ERROR naming `field` (the first failing field, or any of the listed issues). */
export function expectValidationError(res: ApiResponse, field?: string): any {
  const error = expectError(res, 400, 'VALIDATION_ERROR');
  if (field !== undefined) {
    expect(error.details, JSON.stringify(res.body)).to.be.an('object');
    const fields = [error.details.field, ...(error.details.issues ?? []).map((i: { field: string }) => i.field)];
    expect(fields, JSON.stringify(error.details)).to.include(field);
    expect(error.details.reason).to.be.a('string').and.not.empty;
  }
  return error;
}

/** A service under test (edge or factory): how to call it, its users' tokens, its signing secret. */
export type ApiTarget = Pick<TestEdge, 'request' | 'tokens'> & { config: { auth: { jwtSecret?: string | undefined }; dataDir: string } };

/** The signing secret of a test service (generated into its data dir unless configured). */
export function edgeSecret(t: ApiTarget | TestEdge): string {
  const config = 'config' in t ? t.config : t.edge.system.config;
  return config.auth.jwtSecret ?? fs.readFileSync(path.join(config.dataDir, 'jwt-secret'), 'utf8').trim();
}

export interface TokenClaims {
  sub?: string;
  username?: string;
  role?: string;
  typ?: string;
}

/** Signs a user token like the edge does, with any claims, secret and expiry. */
export function signToken(secret: string, claims: TokenClaims = {}, options: jwt.SignOptions = {}): string {
  return jwt.sign({ sub: 'user-test', username: 'tester', role: 'ADMIN', typ: 'user', ...claims }, secret, { algorithm: 'HS256', expiresIn: 600, ...options });
}

/** An already expired token with a valid signature. */
export function expiredToken(secret: string, claims: TokenClaims = {}): string {
  const past = Math.floor(Date.now() / 1000) - 3600;
  return jwt.sign({ sub: 'user-test', username: 'tester', role: 'ADMIN', typ: 'user', iat: past - 60, exp: past, ...claims }, secret, { algorithm: 'HS256' });
}

export type RoleName = 'OPERATOR' | 'MANAGER' | 'ADMIN';

export interface ProtectedRoute {
  method: string;
  path: string;
  /** Lowest role admitted; default OPERATOR. */
  role?: RoleName;
  body?: unknown;
}

const ROLE_ORDER: RoleName[] = ['OPERATOR', 'MANAGER', 'ADMIN'];
const tokenFor = (t: Pick<TestEdge, 'tokens'>, role: RoleName) => ({ OPERATOR: t.tokens.operator, MANAGER: t.tokens.manager, ADMIN: t.tokens.admin })[role];

/**
 * The authentication matrix for protected routes, as `it` blocks: no token, a garbage token, a
 * token signed with another secret, an expired one, one of another kind (`typ: device`) and one
 * with an unknown role are 401; roles below the route's are 403; its own role and above get past
 * authentication (whatever the route then answers, it is neither 401 nor 403 nor a 500).
 */
export function itRequiresAuth(edge: () => TestEdge | ApiTarget, routes: ProtectedRoute[]): void {
  for (const route of routes) {
    const label = `${route.method} ${route.path}`;
    const minimum = route.role ?? 'OPERATOR';
    const send = (options: { token?: string; headers?: Record<string, string> }) =>
      edge().request(route.method, route.path, { ...options, ...(route.body !== undefined ? { body: route.body } : {}) });

    it(`${label}: 401 UNAUTHORIZED without a token`, async () => {
      expectError(await send({}), 401, 'UNAUTHORIZED');
    });

    it(`${label}: 401 for a garbage token, a non-Bearer scheme, another secret, an expired token`, async () => {
      const t = edge();
      const secret = edgeSecret(t);
      const bad: Array<{ token?: string; headers?: Record<string, string> }> = [
        { token: 'not-a-jwt' },
        { token: 'a.b.c' },
        { headers: { authorization: `Basic ${Buffer.from('admin:admin123').toString('base64')}` } },
        { headers: { authorization: 'Bearer' } },
        { token: signToken('another-secret-that-is-long-enough-000000') },
        { token: expiredToken(secret) },
      ];
      for (const options of bad) {
        const res = await send(options);
        expectError(res, 401, 'UNAUTHORIZED');
      }
    });

    it(`${label}: 401 for a validly signed token of another kind, an unknown role, or alg none`, async () => {
      const t = edge();
      const secret = edgeSecret(t);
      const unsigned = jwt.sign({ sub: 'u', username: 'x', role: 'ADMIN', typ: 'user' }, '', { algorithm: 'none' });
      // A token for the other service (or none named) is refused even with this service's secret.
      const otherService = [
        signToken(secret, {}, { issuer: 'okto-edge', audience: 'okto-factory' }),
        signToken(secret, {}, { issuer: 'okto-factory', audience: 'okto-edge' }),
        signToken(secret),
      ];
      for (const token of [signToken(secret, { typ: 'device' }), signToken(secret, { role: 'ROOT' }), unsigned, ...otherService]) {
        expectError(await send({ token }), 401, 'UNAUTHORIZED');
      }
    });

    for (const role of ROLE_ORDER) {
      const allowed = ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(minimum);
      it(`${label}: ${role} is ${allowed ? 'admitted' : '403 FORBIDDEN'}`, async () => {
        const res = await send({ token: tokenFor(edge(), role) });
        if (allowed) {
          expect(res.status, JSON.stringify(res.body)).to.not.be.oneOf([401, 403]);
          expect(res.status, JSON.stringify(res.body)).to.be.below(500);
        } else {
          const error = expectError(res, 403, 'FORBIDDEN');
          expect(error.details).to.deep.equal({ required: minimum, actual: role });
        }
      });
    }
  }
}
