import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ok } from './envelope.js';
import { ApiError } from './errors.js';
import { parseBody } from './validate.js';
import type { UserStore } from '../../adapters/store/user-store.js';
import { HasherBusyError } from '../../src/auth/password-hasher.js';
import type { LoginAudit } from '../../src/auth/login-audit.js';
import type { LoginAttemptTicket, LoginThrottle } from '../../src/auth/login-throttle.js';
import type { Logger } from '../../src/runtime/logger.js';
import type { TokenIssuer } from './auth.js';

export const loginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();

export interface LoginDeps {
  users: Pick<UserStore, 'authenticate'>;
  tokens: TokenIssuer;
  logger: Logger;
  throttle: LoginThrottle;
  /** Logins and (aggregated) failed logins, to the audit log and, on the edge, the journal. */
  loginAudit: LoginAudit;
}

/**
 * Asks the throttle whether `username` may try a password from this address now: a refusal is a
 * 429 with `Retry-After`, before any hashing (a flood costs nothing but this check).
 */
export function beginAttempt(ctx: Context, throttle: LoginThrottle, username: string, onRefused: () => void): LoginAttemptTicket {
  const decision = throttle.begin(username, ctx.ip);
  if (decision.allowed) return decision.attempt;
  onRefused();
  ctx.set('Retry-After', String(decision.retryAfterSeconds));
  throw new ApiError('TOO_MANY_REQUESTS', `Too many failed logins for this ${decision.by}: try again in ${decision.retryAfterSeconds} s`, {
    retryAfterSeconds: decision.retryAfterSeconds,
  });
}

/** Runs work that hashes a password; a full hasher queue is a quick 503 with `Retry-After: 1`, not a wait. */
export async function withHasher<T>(ctx: Context, work: () => Promise<T>, attempt?: LoginAttemptTicket): Promise<T> {
  try {
    return await work();
  } catch (error) {
    attempt?.cancelled();
    if (error instanceof HasherBusyError) {
      ctx.set('Retry-After', '1');
      throw new ApiError('SERVICE_UNAVAILABLE', 'Too many logins at once: try again in a second');
    }
    throw error;
  }
}

/** `POST /api/v1/auth/login`, the same on the edge and the factory. */
export function loginRoutes(system: LoginDeps): Router {
  const router = new Router();
  router.post('/api/v1/auth/login', async (ctx) => {
    const { username, password } = parseBody(ctx, loginBody);
    const attempt = beginAttempt(ctx, system.throttle, username, () => void system.loginAudit.failed(username, ctx.ip, true));
    const user = await withHasher(ctx, () => system.users.authenticate(username, password), attempt);
    if (!user) {
      attempt.failed();
      await system.loginAudit.failed(username, ctx.ip);
      system.logger.warn({ username: username.slice(0, 64), ip: ctx.ip }, 'failed login');
      throw new ApiError('UNAUTHORIZED', 'Invalid username or password');
    }
    attempt.succeeded();
    await system.loginAudit.succeeded(user, ctx.ip);
    const token = system.tokens.issue({ userId: user.id, username: user.username, role: user.role });
    ok(ctx, {
      token,
      user: { id: user.id, username: user.username, role: user.role, displayName: user.displayName, mustChangePassword: user.mustChangePassword },
    });
  });
  return router;
}
