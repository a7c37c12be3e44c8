import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Context, Next } from 'koa';
import { tokenFrom } from './auth.js';
import { ApiError } from './errors.js';
import { withAccess } from './openapi/route-description.js';

import type { DevicePrincipal, DeviceTokenIssuer } from '../../src/auth/device-token-issuer.js';
export type { DevicePrincipal, DeviceTokenIssuer } from '../../src/auth/device-token-issuer.js';

/**
 * Device tokens are HS256 JWTs with `typ: device`, the device id as `sub` and a fresh `jti` per
 * issue. The factory keeps each device's current `jti`: issuing a new token revokes the old one.
 * User tokens (`typ: user`) are refused here, as device tokens are refused on user routes.
 */
export function createDeviceTokenIssuer(secret: string, ttlSeconds: number): DeviceTokenIssuer {
  return {
    issue(deviceId) {
      const tokenId = randomUUID();
      const token = jwt.sign({ sub: deviceId, typ: 'device' }, secret, { algorithm: 'HS256', expiresIn: ttlSeconds, jwtid: tokenId });
      return { token, tokenId, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() };
    },
    verify(token) {
      let claims: jwt.JwtPayload | string;
      try {
        claims = jwt.verify(token, secret, { algorithms: ['HS256'] });
      } catch (error) {
        throw new ApiError('UNAUTHORIZED', error instanceof jwt.TokenExpiredError ? 'Device token expired' : 'Invalid token');
      }
      if (typeof claims === 'string') throw new ApiError('UNAUTHORIZED', 'Invalid token');
      if (claims.typ === 'user') throw new ApiError('UNAUTHORIZED', 'A user token is not accepted here: this endpoint takes a device token');
      if (claims.typ !== 'device' || typeof claims.sub !== 'string' || typeof claims.jti !== 'string') throw new ApiError('UNAUTHORIZED', 'Invalid token');
      return { deviceId: claims.sub, tokenId: claims.jti };
    },
  };
}

export type DeviceState = { device: DevicePrincipal };

/**
 * Requires a current device token; puts the device on `ctx.state.device`. `isCurrent` answers
 * from the registry whether this token is still the device's (not revoked, device not deleted).
 */
export function requireDevice(issuer: DeviceTokenIssuer, isCurrent: (device: DevicePrincipal) => boolean) {
  return withAccess(async (ctx: Context, next: Next) => {
    const token = tokenFrom(ctx.headers as { authorization?: string });
    if (!token) throw new ApiError('UNAUTHORIZED', 'Missing bearer token');
    const device = issuer.verify(token);
    if (!isCurrent(device)) throw new ApiError('UNAUTHORIZED', 'Device token revoked or device removed');
    ctx.state.device = device;
    await next();
  }, 'device');
}
