import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { createTokenIssuer } from '../../../api/http/auth.js';
import { createDeviceTokenIssuer } from '../../../api/http/device-auth.js';
import { ApiError } from '../../../api/http/errors.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('device tokens', () => {
  const devices = createDeviceTokenIssuer(SECRET, 3600);
  const users = createTokenIssuer({ secret: SECRET, ttlSeconds: 3600, audience: 'okto-factory' });
  const unauthorized = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect(error).to.be.instanceOf(ApiError);
      expect((error as ApiError).code).to.equal('UNAUTHORIZED');
      return (error as ApiError).message;
    }
    throw new Error('expected UNAUTHORIZED');
  };

  it('issues a token naming the device, with a fresh id each time (so a re-issue can revoke the last)', () => {
    const first = devices.issue('edge-001');
    const second = devices.issue('edge-001');
    expect(devices.verify(first.token)).to.deep.equal({ deviceId: 'edge-001', tokenId: first.tokenId });
    expect(second.tokenId).to.not.equal(first.tokenId);
    expect(Date.parse(first.expiresAt) - Date.now()).to.be.within(3_500_000, 3_600_000);
    expect((jwt.decode(first.token) as { typ: string }).typ).to.equal('device');
  });

  it('refuses a user token, and the user issuer refuses a device token, each saying why', () => {
    const userToken = users.issue({ userId: 'u1', username: 'admin', role: 'ADMIN' });
    expect(unauthorized(() => devices.verify(userToken))).to.match(/user token/);
    expect(unauthorized(() => users.verify(devices.issue('edge-001').token))).to.match(/device token/);
  });

  it('refuses garbage, another secret, an expired token and one without a token id', () => {
    const other = createDeviceTokenIssuer('another-secret-that-is-long-enough-0000000', 3600);
    const expired = jwt.sign({ sub: 'edge-001', typ: 'device', jti: 'j', exp: Math.floor(Date.now() / 1000) - 10 }, SECRET);
    const noJti = jwt.sign({ sub: 'edge-001', typ: 'device' }, SECRET);
    unauthorized(() => devices.verify('not-a-jwt'));
    unauthorized(() => devices.verify(other.issue('edge-001').token));
    expect(unauthorized(() => devices.verify(expired))).to.match(/expired/);
    unauthorized(() => devices.verify(noJti));
  });
});
