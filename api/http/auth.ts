import jwt from 'jsonwebtoken';
import type { Context, Next } from 'koa';
import { isRole, roleAtLeast, type Role } from '../../src/domain/roles.js';
import { ApiError } from './errors.js';

/** What a verified user token says about its bearer. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
}

export interface TokenIssuer {
  issue(principal: Principal): string;
  verify(token: string): Principal;
}

/**
 * User tokens are HS256 JWTs with `typ: user`. Device tokens (factory server) carry `typ: device`
 * and are refused here, so one kind can never stand in for the other.
 */
export function createTokenIssuer(secret: string, ttlSeconds: number): TokenIssuer {
  return {
    issue(principal) {
      return jwt.sign({ sub: principal.userId, username: principal.username, role: principal.role, typ: 'user' }, secret, {
        algorithm: 'HS256',
        expiresIn: ttlSeconds,
      });
    },
    verify(token) {
      let claims: jwt.JwtPayload | string;
      try {
        claims = jwt.verify(token, secret, { algorithms: ['HS256'] });
      } catch (error) {
        const expired = error instanceof jwt.TokenExpiredError;
        throw new ApiError('UNAUTHORIZED', expired ? 'Token expired' : 'Invalid token');
      }
      if (typeof claims !== 'string' && claims.typ === 'device') {
        throw new ApiError('UNAUTHORIZED', 'A device token is not accepted here: this endpoint takes a user token');
      }
      if (typeof claims === 'string' || claims.typ !== 'user' || !isRole(claims.role) || typeof claims.sub !== 'string') {
        throw new ApiError('UNAUTHORIZED', 'Invalid token');
      }
      return { userId: claims.sub, username: String(claims.username), role: claims.role };
    },
  };
}

/** The bearer token from `Authorization: Bearer …`, or `?token=` where headers cannot be set (WebSocket). */
export function tokenFrom(headers: { authorization?: string | undefined }, query?: URLSearchParams): string | undefined {
  const header = headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  return query?.get('token') ?? undefined;
}

export type AuthState = { principal: Principal };

/** Requires a valid user token with at least `role`; puts the principal on `ctx.state`. */
export function requireRole(issuer: TokenIssuer, role: Role = 'OPERATOR') {
  return async (ctx: Context, next: Next) => {
    const token = tokenFrom(ctx.headers as { authorization?: string });
    if (!token) throw new ApiError('UNAUTHORIZED', 'Missing bearer token');
    const principal = issuer.verify(token);
    if (!roleAtLeast(principal.role, role)) {
      throw new ApiError('FORBIDDEN', `Requires role ${role}`, { required: role, actual: principal.role });
    }
    ctx.state.principal = principal;
    await next();
  };
}
