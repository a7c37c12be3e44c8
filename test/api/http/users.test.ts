import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { edgeSecret, expectData, expectError, expectValidationError, itRequiresAuth, type ApiTarget } from '../../support/api-expect.js';
import { startTestEdge } from '../../support/edge-harness.js';
import { FACTORY_TEST_PG_URL } from '../../support/factory-db.js';
import { startTestFactory } from '../../support/factory-harness.js';
import type { JsonRequester } from '../../support/http-request.js';
import { openWs } from '../../support/ws-client.js';

/** One service under test, edge or factory, as this file needs it. */
interface Service extends ApiTarget {
  request: JsonRequester;
  url: string;
  /** An OPERATOR route of the service (to see a token work or not). */
  operatorPath: string;
  /** Its user WebSocket path. */
  wsPath: string;
  audience: string;
  bodyLimitBytes: number;
  /** The audit entries about `userId`, newest first, as the service's audit log has them. */
  auditFor(userId: string): Promise<Array<{ action: string; outcome: string; username: string | null }>>;
  stop(): Promise<void>;
}

async function startEdgeService(overrides: Record<string, unknown> = {}): Promise<Service> {
  const t = await startTestEdge(overrides);
  return {
    request: t.request,
    tokens: t.tokens,
    url: t.url,
    config: t.edge.system.config,
    operatorPath: '/api/v1/bottles/count',
    wsPath: '/ws',
    audience: 'okto-edge',
    bodyLimitBytes: t.edge.system.config.server.bodyLimitKb * 1024,
    auditFor: async (userId) => expectData(await t.request('GET', `/api/v1/audit-log?limit=500`, { token: t.tokens.admin })).items.filter((e: { entityId: string }) => e.entityId === userId),
    stop: () => t.stop(),
  };
}

async function startFactoryService(db: 'sqlite' | 'pg', overrides: Record<string, unknown> = {}): Promise<Service> {
  const t = await startTestFactory(db, overrides);
  return {
    request: t.request,
    tokens: t.tokens,
    url: t.url,
    config: t.config,
    operatorPath: '/api/v1/devices',
    wsPath: '/ws/dashboard',
    audience: 'okto-factory',
    bodyLimitBytes: t.config.server.bodyLimitKb * 1024,
    auditFor: async (userId) => expectData(await t.request('GET', `/api/v1/audit-log?entityId=${userId}&limit=1000`, { token: t.tokens.admin })),
    stop: () => t.stop(),
  };
}

const GOOD_PASSWORD = 'Shift-7-Line-pass';

function usersApiSuite(title: string, start: () => Promise<Service>) {
  describe(title, () => {
    let s: Service;
    let counter = 0;
    before(async () => {
      s = await start();
    });
    after(() => s?.stop());

    const login = (username: string, password: string) => s.request('POST', '/api/v1/auth/login', { body: { username, password } });
    /** A fresh user (created by the admin) and a token of theirs, password already changed unless asked. */
    const freshUser = async (role = 'OPERATOR', options: { keepMustChange?: boolean } = {}) => {
      const username = `user${++counter}x`;
      const created = expectData(await s.request('POST', '/api/v1/users', { token: s.tokens.admin, body: { username, displayName: `User ${counter}`, role, password: GOOD_PASSWORD } }), 201);
      let token = expectData(await login(username, GOOD_PASSWORD)).token as string;
      let password = GOOD_PASSWORD;
      if (!options.keepMustChange) {
        password = `${GOOD_PASSWORD}-new`;
        token = expectData(await s.request('POST', '/api/v1/auth/password', { token, body: { currentPassword: GOOD_PASSWORD, newPassword: password } })).token;
      }
      return { id: created.id as string, username, token, password };
    };

    describe('authentication and roles', () => {
      itRequiresAuth(() => s, [
        { method: 'GET', path: '/api/v1/users', role: 'ADMIN' },
        { method: 'POST', path: '/api/v1/users', role: 'ADMIN', body: {} },
        { method: 'PATCH', path: '/api/v1/users/user-none', role: 'ADMIN', body: {} },
        { method: 'POST', path: '/api/v1/users/user-none/password', role: 'ADMIN', body: {} },
        { method: 'GET', path: '/api/v1/auth/me' },
        { method: 'POST', path: '/api/v1/auth/password', body: {} },
      ]);

      it('POST /api/v1/auth/logout: 401 without a token and for a bad one', async () => {
        expectError(await s.request('POST', '/api/v1/auth/logout'), 401, 'UNAUTHORIZED');
        expectError(await s.request('POST', '/api/v1/auth/logout', { token: 'a.b.c' }), 401, 'UNAUTHORIZED');
      });

      it('tokens name the service as issuer and audience; one for the other service is refused', async () => {
        const { iat: _iat, exp: _exp, ...claims } = jwt.decode(s.tokens.operator) as jwt.JwtPayload;
        expect(claims).to.include({ iss: s.audience, aud: s.audience, ver: 0 });
        const other = s.audience === 'okto-edge' ? 'okto-factory' : 'okto-edge';
        const forged = jwt.sign({ ...claims, iss: other, aud: other }, edgeSecret(s), { algorithm: 'HS256', expiresIn: 600 });
        const error = expectError(await s.request('GET', s.operatorPath, { token: forged }), 401, 'UNAUTHORIZED');
        expect(error.message).to.include(s.audience);
      });
    });

    describe('users (ADMIN)', () => {
      it('creates a user (201, no hash in the answer), lists it, and the user signs in', async () => {
        const created = expectData(
          await s.request('POST', '/api/v1/users', { token: s.tokens.admin, body: { username: 'sidorova', displayName: 'A. Sidorova', role: 'MANAGER', password: GOOD_PASSWORD, mustChangePassword: false } }),
          201,
        );
        expect(created).to.include({ username: 'sidorova', displayName: 'A. Sidorova', role: 'MANAGER', disabled: false, mustChangePassword: false });
        expect(JSON.stringify(created)).to.not.match(/hash|scrypt|Shift-7/);
        const list = expectData(await s.request('GET', '/api/v1/users', { token: s.tokens.admin }));
        expect(list.map((u: { username: string }) => u.username)).to.include.members(['admin', 'sidorova']);
        expect(JSON.stringify(list)).to.not.match(/hash|scrypt/);
        const session = expectData(await login('sidorova', GOOD_PASSWORD));
        expect(session.user).to.include({ role: 'MANAGER', mustChangePassword: false });
        expectData(await s.request('GET', s.operatorPath, { token: session.token }));
        const audit = await s.auditFor(created.id);
        expect(audit.map((e) => e.action)).to.include('user.create');
      });

      it('400 for bad input: malformed JSON, wrong types, missing and unknown fields, bad usernames; 413 oversized', async () => {
        const post = (body: unknown) => s.request('POST', '/api/v1/users', { token: s.tokens.admin, body });
        expectError(await s.request('POST', '/api/v1/users', { token: s.tokens.admin, rawBody: '{"username": "x",' }), 400, 'VALIDATION_ERROR');
        const valid = { username: 'newuser', displayName: 'N', role: 'OPERATOR', password: GOOD_PASSWORD };
        expectValidationError(await post({ ...valid, username: 42 }), 'username');
        expectValidationError(await post({ ...valid, role: 'ROOT' }), 'role');
        expectValidationError(await post({ ...valid, mustChangePassword: 'yes' }), 'mustChangePassword');
        expectValidationError(await post({ ...valid, password: undefined }), 'password');
        expectValidationError(await post({ ...valid, displayName: '' }), 'displayName');
        expectValidationError(await post({ ...valid, extra: 1 }), 'extra');
        for (const username of ['a', 'has space', '../etc', 'x'.repeat(65), '-dash-first']) expectValidationError(await post({ ...valid, username }), 'username');
        expectValidationError(await post({ ...valid, password: 'p'.repeat(257) }), 'password');
        expectValidationError(await post([valid]));
        const huge = await s.request('POST', '/api/v1/users', { token: s.tokens.admin, rawBody: JSON.stringify({ ...valid, displayName: 'x'.repeat(s.bodyLimitBytes + 1024) }) });
        expect(huge.status).to.equal(413);
      });

      it('applies the password policy: at least 10 characters, not the username, not a common password', async () => {
        const post = (username: string, password: string) => s.request('POST', '/api/v1/users', { token: s.tokens.admin, body: { username, displayName: 'P', role: 'OPERATOR', password } });
        for (const [username, password, why] of [
          ['policy1', 'Short-1', /at least 10/],
          ['policy2', 'xxpolicy2xx-9', /username/],
          ['policy3', 'password123', /common/],
          ['policy4', 'Qwerty123456!', /common/],
          ['policy5', 'aaaaaaaaaaaa', /common/],
        ] as const) {
          const error = expectValidationError(await post(username, password), 'password');
          expect(error.message).to.match(why);
        }
        expect((await s.request('GET', '/api/v1/users', { token: s.tokens.admin })).body.data.map((u: { username: string }) => u.username)).to.not.include('policy1');
      });

      it('409 for a username that exists (in any case)', async () => {
        const error = expectError(
          await s.request('POST', '/api/v1/users', { token: s.tokens.admin, body: { username: 'ADMIN', displayName: 'Again', role: 'ADMIN', password: GOOD_PASSWORD } }),
          409,
          'CONFLICT',
        );
        expect(error.message).to.include('ADMIN');
      });

      it('PATCH: display name keeps sessions; a role change and disabling revoke them at once; a disabled user cannot sign in', async () => {
        const user = await freshUser();
        expect(expectData(await s.request('PATCH', `/api/v1/users/${user.id}`, { token: s.tokens.admin, body: { displayName: 'Renamed' } }))).to.include({ displayName: 'Renamed' });
        expectData(await s.request('GET', s.operatorPath, { token: user.token }));
        expect(expectData(await s.request('PATCH', `/api/v1/users/${user.id}`, { token: s.tokens.admin, body: { role: 'MANAGER' } }))).to.include({ role: 'MANAGER' });
        expect(expectError(await s.request('GET', s.operatorPath, { token: user.token }), 401, 'UNAUTHORIZED').message).to.equal('Token revoked');
        const again = expectData(await login(user.username, user.password));
        expect(again.user.role).to.equal('MANAGER');
        expectData(await s.request('PATCH', `/api/v1/users/${user.id}`, { token: s.tokens.admin, body: { disabled: true } }));
        expectError(await s.request('GET', s.operatorPath, { token: again.token }), 401, 'UNAUTHORIZED');
        expectError(await login(user.username, user.password), 401, 'UNAUTHORIZED');
        expectData(await s.request('PATCH', `/api/v1/users/${user.id}`, { token: s.tokens.admin, body: { disabled: false } }));
        expectData(await login(user.username, user.password));
        const actions = (await s.auditFor(user.id)).map((e) => e.action);
        expect(actions.filter((a) => a === 'user.update')).to.have.length(4);
      });

      it('PATCH: 400 for an empty or wrong body, 404 for an unknown user, 409 for the last ADMIN', async () => {
        const admin = expectData(await s.request('GET', '/api/v1/users', { token: s.tokens.admin })).find((u: { username: string }) => u.username === 'admin');
        expectValidationError(await s.request('PATCH', `/api/v1/users/${admin.id}`, { token: s.tokens.admin, body: {} }));
        expectValidationError(await s.request('PATCH', `/api/v1/users/${admin.id}`, { token: s.tokens.admin, body: { disabled: 'yes' } }), 'disabled');
        expectValidationError(await s.request('PATCH', `/api/v1/users/${admin.id}`, { token: s.tokens.admin, body: { password: 'x' } }), 'password');
        expectError(await s.request('PATCH', `/api/v1/users/${admin.id}`, { token: s.tokens.admin, rawBody: '{' }), 400, 'VALIDATION_ERROR');
        expectError(await s.request('PATCH', '/api/v1/users/user-none', { token: s.tokens.admin, body: { displayName: 'X' } }), 404, 'NOT_FOUND');
        // The demo admin is the only ADMIN here.
        expectError(await s.request('PATCH', `/api/v1/users/${admin.id}`, { token: s.tokens.admin, body: { role: 'MANAGER' } }), 409, 'CONFLICT');
        expectError(await s.request('PATCH', `/api/v1/users/${admin.id}`, { token: s.tokens.admin, body: { disabled: true } }), 409, 'CONFLICT');
        expectData(await s.request('GET', '/api/v1/users', { token: s.tokens.admin })); // still an admin, token still good
      });

      it("POST /users/{id}/password: an administrator's reset ends the user's sessions; the user must change it at next login", async () => {
        const user = await freshUser();
        const reset = expectData(await s.request('POST', `/api/v1/users/${user.id}/password`, { token: s.tokens.admin, body: { password: 'Reset-by-admin-42' } }));
        expect(reset).to.include({ mustChangePassword: true });
        expectError(await s.request('GET', s.operatorPath, { token: user.token }), 401, 'UNAUTHORIZED');
        expectError(await login(user.username, user.password), 401, 'UNAUTHORIZED');
        expect(expectData(await login(user.username, 'Reset-by-admin-42')).user.mustChangePassword).to.equal(true);
        expectValidationError(await s.request('POST', `/api/v1/users/${user.id}/password`, { token: s.tokens.admin, body: { password: 'short' } }), 'password');
        expectValidationError(await s.request('POST', `/api/v1/users/${user.id}/password`, { token: s.tokens.admin, body: { password: 12345678901 } }), 'password');
        expectError(await s.request('POST', '/api/v1/users/user-none/password', { token: s.tokens.admin, body: { password: 'Reset-by-admin-42' } }), 404, 'NOT_FOUND');
      });
    });

    describe('own session: me, password, logout', () => {
      it('a user who must change the password can sign in, read /auth/me, and nothing else until it is changed (403 PASSWORD_CHANGE_REQUIRED)', async () => {
        const user = await freshUser('MANAGER', { keepMustChange: true });
        expect(expectData(await s.request('GET', '/api/v1/auth/me', { token: user.token }))).to.include({ username: user.username, mustChangePassword: true, role: 'MANAGER' });
        expectError(await s.request('GET', s.operatorPath, { token: user.token }), 403, 'PASSWORD_CHANGE_REQUIRED');
        expectError(await s.request('GET', '/api/v1/users', { token: user.token }), 403, 'PASSWORD_CHANGE_REQUIRED');
        await expectWsRefused(s, user.token);

        expectError(await s.request('POST', '/api/v1/auth/password', { token: user.token, body: { currentPassword: 'wrong-one-1234', newPassword: 'Brand-new-pass-1' } }), 401, 'UNAUTHORIZED');
        expectValidationError(await s.request('POST', '/api/v1/auth/password', { token: user.token, body: { currentPassword: GOOD_PASSWORD, newPassword: 'short' } }), 'password');
        expectValidationError(await s.request('POST', '/api/v1/auth/password', { token: user.token, body: { currentPassword: GOOD_PASSWORD, newPassword: GOOD_PASSWORD } }), 'newPassword');
        expectValidationError(await s.request('POST', '/api/v1/auth/password', { token: user.token, body: { currentPassword: GOOD_PASSWORD } }), 'newPassword');
        expectError(await s.request('POST', '/api/v1/auth/password', { token: user.token, rawBody: '{"currentPassword":' }), 400, 'VALIDATION_ERROR');
        const changed = expectData(await s.request('POST', '/api/v1/auth/password', { token: user.token, body: { currentPassword: GOOD_PASSWORD, newPassword: 'Brand-new-pass-1' } }));
        expect(changed.user).to.include({ mustChangePassword: false });
        expectError(await s.request('GET', '/api/v1/auth/me', { token: user.token }), 401, 'UNAUTHORIZED'); // the old session ended
        expectData(await s.request('GET', s.operatorPath, { token: changed.token }));
        expectError(await login(user.username, GOOD_PASSWORD), 401, 'UNAUTHORIZED');
        expectData(await login(user.username, 'Brand-new-pass-1'));
        expect((await s.auditFor(user.id)).map((e) => e.action)).to.include('auth.password_change');
      });

      it('logout revokes the token at once (every session of the user), and is audited', async () => {
        const user = await freshUser();
        const second = expectData(await login(user.username, user.password)).token as string;
        expectData(await s.request('POST', '/api/v1/auth/logout', { token: user.token }));
        for (const token of [user.token, second]) expect(expectError(await s.request('GET', s.operatorPath, { token }), 401, 'UNAUTHORIZED').message).to.equal('Token revoked');
        expectError(await s.request('POST', '/api/v1/auth/logout', { token: user.token }), 401, 'UNAUTHORIZED');
        expect((await s.auditFor(user.id)).map((e) => e.action)).to.include('auth.logout');
      });

      it('revocation closes the user\'s open WebSockets with 4401, other users keep theirs', async () => {
        const user = await freshUser();
        const wsUrl = s.url.replace(/^http/, 'ws') + s.wsPath;
        const mine = await openWs(`${wsUrl}?token=${user.token}`);
        const other = await openWs(`${wsUrl}?token=${s.tokens.operator}`);
        const closed = new Promise<number>((resolve) => mine.ws.once('close', (code) => resolve(code)));
        expectData(await s.request('POST', '/api/v1/auth/logout', { token: user.token }));
        expect(await closed).to.equal(4401);
        expect(other.ws.readyState).to.equal(WebSocket.OPEN);
        await expectWsRefused(s, user.token);
        await other.close();
      });

      it('a WebSocket is closed with 4401 when its token expires', async () => {
        const user = await freshUser();
        const { iat: _iat, exp: _exp, ...claims } = jwt.decode(user.token) as jwt.JwtPayload;
        const shortLived = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) + 2 }, edgeSecret(s), { algorithm: 'HS256' });
        const client = await openWs(`${s.url.replace(/^http/, 'ws')}${s.wsPath}?token=${shortLived}`);
        const code = await new Promise<number>((resolve) => client.ws.once('close', (c) => resolve(c)));
        expect(code).to.equal(4401);
      });
    });
  });
}

async function expectWsRefused(s: Service, token: string) {
  try {
    const client = await openWs(`${s.url.replace(/^http/, 'ws')}${s.wsPath}?token=${token}`);
    await client.close();
  } catch (error) {
    expect((error as { status?: number }).status).to.equal(401);
    return;
  }
  expect.fail('the WebSocket upgrade was accepted');
}

describe('users and sessions API', function () {
  this.timeout(60_000);
  usersApiSuite('edge', () => startEdgeService());
  usersApiSuite('factory (SQLite)', () => startFactoryService('sqlite'));
  if (FACTORY_TEST_PG_URL) usersApiSuite('factory (PostgreSQL)', () => startFactoryService('pg'));
  else describe('factory (PostgreSQL)', () => it('skipped: FACTORY_TEST_PG_URL not set'));

  describe('an edge token at the factory, both given one secret', () => {
    const secret = 's'.repeat(48);
    let edge: Service;
    let factory: Service;
    before(async () => {
      edge = await startEdgeService({ auth: { jwtSecret: secret } });
      factory = await startFactoryService('sqlite', { auth: { jwtSecret: secret } });
    });
    after(async () => {
      await edge?.stop();
      await factory?.stop();
    });

    it('is refused (401) by the factory, on HTTP and WebSocket, and the factory token by the edge', async () => {
      expectData(await edge.request('GET', edge.operatorPath, { token: edge.tokens.admin }));
      expectError(await factory.request('GET', factory.operatorPath, { token: edge.tokens.admin }), 401, 'UNAUTHORIZED');
      expectError(await edge.request('GET', edge.operatorPath, { token: factory.tokens.admin }), 401, 'UNAUTHORIZED');
      await expectWsRefused(factory, edge.tokens.admin);
      await expectWsRefused(edge, factory.tokens.admin);
    });
  });
});
