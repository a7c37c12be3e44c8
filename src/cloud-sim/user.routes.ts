import Router from '@koa/router';
import { z } from 'zod';
import { ok } from '../../api/http/envelope.js';
import { ApiError } from '../../api/http/errors.js';
import { parseBody, parseParams } from '../../api/http/validate.js';
import type { Logger } from '../runtime/logger.js';
import { requireToken, type UserState } from './cloud-auth.js';
import type { CloudStore } from './cloud-store.js';

const signInBody = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(256) }).strict();
const activateBody = z.object({ installationId: z.string().min(1).max(128) }).strict();
const deviceParams = z.object({ id: z.string().min(1).max(128) });

/** The user-token side of the cloud: sign in, list the company's devices, activate one. */
export function userRoutes(store: CloudStore, logger: Logger): Router {
  const router = new Router();
  const user = requireToken(store, 'user');

  router.post('/sign_in', async (ctx) => {
    const { email, password } = parseBody(ctx, signInBody);
    const session = await store.signIn(email, password);
    if (!session) {
      logger.warn({ email, ip: ctx.ip }, 'failed cloud sign-in');
      throw new ApiError('UNAUTHORIZED', 'Invalid email or password');
    }
    logger.info({ email: session.user.email, companyId: session.user.companyId }, 'cloud sign-in');
    ok(ctx, { token: session.token, user: session.user });
  });

  router.get('/devices', user, async (ctx) => {
    const { owner } = ctx.state as UserState;
    ok(ctx, store.devicesOf(store.user(owner.userId)!.companyId));
  });

  router.post('/devices/:id/activate', user, async (ctx) => {
    const { owner } = ctx.state as UserState;
    const { id } = parseParams(ctx, deviceParams);
    const { installationId } = parseBody(ctx, activateBody);
    const outcome = store.activate(store.user(owner.userId)!.companyId, id, installationId);
    if (!outcome.ok) throw new ApiError(outcome.why === 'conflict' ? 'CONFLICT' : 'NOT_FOUND', outcome.message);
    logger.info({ deviceId: id, deviceIdentifier: outcome.device.deviceIdentifier }, 'device activated');
    ok(ctx, { deviceToken: outcome.deviceToken, device: outcome.device });
  });

  return router;
}
