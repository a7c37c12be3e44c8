import jwt from 'jsonwebtoken';
import type { Context, Next } from 'koa';
import { isRole, roleAtLeast, type Role } from '../../src/domain/roles.js';
import type { UserSessions } from '../../src/auth/user-sessions.js';
import { ApiError } from './errors.js';
import { withAccess } from './openapi/route-description.js';

/** What a verified user token says about its bearer (role and flags as stored now, not as when it was issued). */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  /** Until the password is changed, only the password change, logout and `GET /auth/me` are open. */
  mustChangePassword?: boolean;
  /** When the token expires (ms since the epoch): open WebSockets are closed then. */
  expiresAt?: number;
}

export interface TokenIssuer {
  /** The service tokens are issued by and for (`okto-edge`, `okto-factory`): a token of one is refused by the other. */
  readonly audience: string;
  issue(principal: { userId: string; username: string; role: Role; tokenVersion?: number }): string;
  /**
   * Signature, issuer/audience, expiry, and the user's current state: disabled, revoked (an older
   * token version) and unknown users are refused. A user who must change the password is refused
   * with PASSWORD_CHANGE_REQUIRED unless `allowPasswordChange`.
   */
  verify(token: string, options?: { allowPasswordChange?: boolean }): Principal;
  /** Told when a user's tokens are revoked (WebSocket hubs close that user's sockets). */
  onRevoked(listener: (userId: string) => void): () => void;
}

export interface TokenIssuerOptions {
  secret: string;
  ttlSeconds: number;
  /** `okto-edge` or `okto-factory`: the token's issuer and audience. */
  audience: string;
  /** The users' current session state; without it (tests of the token format) only the signature and claims are checked. */
  sessions?: UserSessions;
}

/**
 * User tokens are HS256 JWTs with `typ: user`, `iss`/`aud` naming the service and `ver`, the
 * user's token version when issued. Device tokens (factory server) carry `typ: device` and are
 * refused here, so one kind can never stand in for the other.
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { secret, audience, sessions } = options;
  return {
    audience,
    issue(principal) {
      const version = principal.tokenVersion ?? sessions?.get(principal.userId)?.tokenVersion ?? 0;
      return jwt.sign({ sub: principal.userId, username: principal.username, role: principal.role, typ: 'user', ver: version }, secret, {
        algorithm: 'HS256',
        expiresIn: options.ttlSeconds,
        issuer: audience,
        audience,
      });
    },
    verify(token, verifyOptions = {}) {
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
      if (claims.iss !== audience || claims.aud !== audience) {
        throw new ApiError('UNAUTHORIZED', `Token not issued for this service (${audience})`);
      }
      const principal: Principal = { userId: claims.sub, username: String(claims.username), role: claims.role };
      if (typeof claims.exp === 'number') principal.expiresAt = claims.exp * 1000;
      if (sessions) {
        const state = sessions.get(claims.sub);
        if (!state || state.disabled || state.tokenVersion !== claims.ver) throw new ApiError('UNAUTHORIZED', 'Token revoked');
        principal.role = state.role;
        principal.username = state.username;
        principal.mustChangePassword = state.mustChangePassword;
        if (state.mustChangePassword && !verifyOptions.allowPasswordChange) {
          throw new ApiError('PASSWORD_CHANGE_REQUIRED', 'The password must be changed first: POST /api/v1/auth/password');
        }
      }
      return principal;
    },
    onRevoked(listener) {
      return sessions?.onRevoked(listener) ?? (() => undefined);
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
  return withAccess(async (ctx: Context, next: Next) => {
    const token = tokenFrom(ctx.headers as { authorization?: string });
    if (!token) throw new ApiError('UNAUTHORIZED', 'Missing bearer token');
    const principal = issuer.verify(token);
    ctx.state.principal = principal;
    if (!roleAtLeast(principal.role, role)) {
      throw new ApiError('FORBIDDEN', `Requires role ${role}`, { required: role, actual: principal.role });
    }
    await next();
  }, role);
}

/** Any signed-in user, also one who must still change the password (the password change, logout, `me`). */
export function requireSignedIn(issuer: TokenIssuer) {
  return withAccess(async (ctx: Context, next: Next) => {
    const token = tokenFrom(ctx.headers as { authorization?: string });
    if (!token) throw new ApiError('UNAUTHORIZED', 'Missing bearer token');
    ctx.state.principal = issuer.verify(token, { allowPasswordChange: true });
    await next();
  }, 'signed-in');
}
