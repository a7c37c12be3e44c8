import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { edgeSecret, expectData, expectError, expectValidationError } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';

const LOGIN = '/api/v1/auth/login';

describe('edge API: POST /api/v1/auth/login', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  it('answers {token, user:{id, username, role, displayName, mustChangePassword}} for the right password', async () => {
    const data = expectData(await t.request('POST', LOGIN, { body: { username: 'operator', password: 'operator123' } }));
    expect(Object.keys(data).sort()).to.deep.equal(['token', 'user']);
    expect(Object.keys(data.user).sort()).to.deep.equal(['displayName', 'id', 'mustChangePassword', 'role', 'username']);
    expect(data.user).to.include({ username: 'operator', role: 'OPERATOR', displayName: 'John Operator' });
    expect(data.user.id).to.be.a('string').and.not.empty;
    expect(data.token).to.be.a('string').and.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('issues an HS256 user token for the user, signed with the edge secret, that expires', async () => {
    const data = expectData(await t.request('POST', LOGIN, { body: { username: 'manager', password: 'manager123' } }));
    const claims = jwt.verify(data.token, edgeSecret(t), { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).to.include({ sub: data.user.id, username: 'manager', role: 'MANAGER', typ: 'user', iss: 'okto-edge', aud: 'okto-edge', ver: 0 });
    expect(claims.exp).to.be.a('number');
    expect(claims.exp! - claims.iat!).to.equal(t.edge.system.config.auth.tokenTtlSeconds);
  });

  it('gives each demo user its role, and the token opens the protected routes', async () => {
    for (const [username, password, role] of [
      ['operator', 'operator123', 'OPERATOR'],
      ['manager', 'manager123', 'MANAGER'],
      ['admin', 'admin123', 'ADMIN'],
    ] as const) {
      const data = expectData(await t.request('POST', LOGIN, { body: { username, password } }));
      expect(data.user.role).to.equal(role);
      expectData(await t.request('GET', '/api/v1/bottles/count', { token: data.token }));
    }
  });

  it('is public: a bad Authorization header does not matter', async () => {
    const res = await t.request('POST', LOGIN, { token: 'garbage', body: { username: 'admin', password: 'admin123' } });
    expect(expectData(res).user.role).to.equal('ADMIN');
  });

  it('401 UNAUTHORIZED for a wrong password and for an unknown user, with the same message', async () => {
    const wrong = expectError(await t.request('POST', LOGIN, { body: { username: 'operator', password: 'operator124' } }), 401, 'UNAUTHORIZED');
    const unknown = expectError(await t.request('POST', LOGIN, { body: { username: 'nobody', password: 'operator123' } }), 401, 'UNAUTHORIZED');
    // The same answer for both: a caller must not learn which usernames exist.
    expect(wrong.message).to.equal(unknown.message);
    expect(wrong).to.not.have.property('details');
  });

  it("401 for another user's password (passwords are per user)", async () => {
    expectError(await t.request('POST', LOGIN, { body: { username: 'admin', password: 'operator123' } }), 401, 'UNAUTHORIZED');
  });

  it('400 VALIDATION_ERROR naming the field for a missing field', async () => {
    expectValidationError(await t.request('POST', LOGIN, { body: { username: 'operator' } }), 'password');
    expectValidationError(await t.request('POST', LOGIN, { body: { password: 'operator123' } }), 'username');
    expectValidationError(await t.request('POST', LOGIN, { body: {} }), 'username');
    expectValidationError(await t.request('POST', LOGIN), 'username');
  });

  it('400 naming the field for wrong types and empty strings', async () => {
    expectValidationError(await t.request('POST', LOGIN, { body: { username: 42, password: 'operator123' } }), 'username');
    expectValidationError(await t.request('POST', LOGIN, { body: { username: 'operator', password: ['operator123'] } }), 'password');
    expectValidationError(await t.request('POST', LOGIN, { body: { username: 'operator', password: null } }), 'password');
    expectValidationError(await t.request('POST', LOGIN, { body: { username: '', password: 'operator123' } }), 'username');
  });

  it('400 naming the unknown field for extra fields (the schema is strict)', async () => {
    const error = expectValidationError(await t.request('POST', LOGIN, { body: { username: 'operator', password: 'operator123', role: 'ADMIN' } }), 'role');
    expect(error.details.field).to.equal('role');
  });

  it('400 for a body that is not an object, and for malformed JSON', async () => {
    expectValidationError(await t.request('POST', LOGIN, { body: ['operator', 'operator123'] }));
    expectValidationError(await t.request('POST', LOGIN, { rawBody: '{"username":"operator","password":' }));
  });

  it('400 for over-long credentials rather than hashing them', async () => {
    expectValidationError(await t.request('POST', LOGIN, { body: { username: 'operator', password: 'x'.repeat(257) } }), 'password');
    expectValidationError(await t.request('POST', LOGIN, { body: { username: 'u'.repeat(65), password: 'operator123' } }), 'username');
  });

  it('only POST: GET on the login route is a 4xx envelope', async () => {
    const res = await t.request('GET', LOGIN);
    expect(res.status).to.be.within(400, 499);
    expect(res.body.success).to.equal(false);
  });
});
