import Router from '@koa/router';
import { z } from 'zod';
import { ok } from './envelope.js';
import { ApiError } from './errors.js';
import { parseBody } from './validate.js';
import type { createUserStore } from '../../adapters/store/user-store.js';
import type { Logger } from '../../src/runtime/logger.js';
import type { TokenIssuer } from './auth.js';

const loginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();

export interface LoginDeps {
  users: Pick<ReturnType<typeof createUserStore>, 'authenticate'>;
  tokens: TokenIssuer;
  logger: Logger;
  /** Told of every attempt, successful or not (the factory audits logins and failed logins). */
  onAttempt?: (attempt: { username: string; ip: string; user: { id: string; username: string } | null }) => Promise<void>;
}

/** `POST /api/v1/auth/login`, the same on the edge and the factory. */
export function loginRoutes(system: LoginDeps): Router {
  const router = new Router();
  router.post('/api/v1/auth/login', async (ctx) => {
    const { username, password } = parseBody(ctx, loginBody);
    const user = await system.users.authenticate(username, password);
    await system.onAttempt?.({ username, ip: ctx.ip, user: user && { id: user.id, username: user.username } });
    if (!user) {
      system.logger.warn({ username, ip: ctx.ip }, 'failed login');
      throw new ApiError('UNAUTHORIZED', 'Invalid username or password');
    }
    const token = system.tokens.issue({ userId: user.id, username: user.username, role: user.role });
    ok(ctx, { token, user: { id: user.id, username: user.username, role: user.role, displayName: user.displayName } });
  });
  return router;
}
