import Router from '@koa/router';
import { z } from 'zod';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody } from '../http/validate.js';
import type { EdgeSystem } from '../../src/edge/system.js';

const loginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();

export function authRoutes(system: Pick<EdgeSystem, 'users' | 'tokens' | 'logger'>): Router {
  const router = new Router();
  router.post('/api/v1/auth/login', async (ctx) => {
    const { username, password } = parseBody(ctx, loginBody);
    const user = await system.users.authenticate(username, password);
    if (!user) {
      system.logger.warn({ username, ip: ctx.ip }, 'failed login');
      throw new ApiError('UNAUTHORIZED', 'Invalid username or password');
    }
    const token = system.tokens.issue({ userId: user.id, username: user.username, role: user.role });
    ok(ctx, { token, user: { id: user.id, username: user.username, role: user.role, displayName: user.displayName } });
  });
  return router;
}
