import jwt from 'jsonwebtoken';
import type { Context, Next } from 'koa';
import { roleAtLeast, type Role } from '../../src/domain/roles.js';
import { tokenFrom, type TokenIssuer } from './auth.js';
import type { DevicePrincipal, DeviceTokenIssuer } from './device-auth.js';
import { ApiError } from './errors.js';
import { withAccess } from './openapi/route-description.js';

/**
 * For what both a device and a person may fetch (a firmware artifact): a current device token,
 * or a user token with at least `role`. The unverified `typ` claim only picks which issuer
 * verifies the token; the issuer then checks signature, expiry and kind as on its own routes.
 * Puts `ctx.state.device` or `ctx.state.principal`.
 */
export function requireDeviceOrUser(
  users: TokenIssuer,
  devices: DeviceTokenIssuer,
  isCurrent: (device: DevicePrincipal) => boolean,
  role: Role = 'OPERATOR',
) {
  return withAccess(async (ctx: Context, next: Next) => {
    const token = tokenFrom(ctx.headers as { authorization?: string });
    if (!token) throw new ApiError('UNAUTHORIZED', 'Missing bearer token');
    const claims = jwt.decode(token);
    if (claims !== null && typeof claims === 'object' && claims.typ === 'device') {
      const device = devices.verify(token);
      if (!isCurrent(device)) throw new ApiError('UNAUTHORIZED', 'Device token revoked or device removed');
      ctx.state.device = device;
    } else {
      const principal = users.verify(token);
      if (!roleAtLeast(principal.role, role)) throw new ApiError('FORBIDDEN', `Requires role ${role}`, { required: role, actual: principal.role });
      ctx.state.principal = principal;
    }
    await next();
  }, `device-or-${role}` as const);
}
