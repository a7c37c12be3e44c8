import type { Context, Next } from 'koa';
import { tokenFrom } from '../../api/http/auth.js';
import { ApiError } from '../../api/http/errors.js';
import type { CloudStore, TokenOwner } from './cloud-store.js';

export type UserState = { owner: Extract<TokenOwner, { kind: 'user' }> };
export type DeviceState = { owner: Extract<TokenOwner, { kind: 'device' }> };

/**
 * Requires an opaque bearer token of one kind. A user token on a device endpoint (or the other
 * way round) is a 401 like a bad token: each kind is a credential for its own endpoints only.
 */
export function requireToken(store: CloudStore, kind: TokenOwner['kind']) {
  return async (ctx: Context, next: Next) => {
    const token = tokenFrom({ authorization: ctx.get('authorization') || undefined });
    if (!token) throw new ApiError('UNAUTHORIZED', 'Missing bearer token');
    const owner = store.resolveToken(token);
    if (!owner) throw new ApiError('UNAUTHORIZED', 'Invalid or expired token');
    if (owner.kind !== kind) {
      throw new ApiError(
        'UNAUTHORIZED',
        kind === 'user' ? 'This endpoint needs a user token (POST /sign_in)' : 'This endpoint needs a device token (POST /devices/{id}/activate)',
      );
    }
    ctx.state.owner = owner;
    await next();
  };
}
