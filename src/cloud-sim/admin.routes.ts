import Router from '@koa/router';
import { z } from 'zod';
import { ok } from '../../api/http/envelope.js';
import { notFound, validationError } from '../../api/http/errors.js';
import { parseBody, parseParams, parseQuery } from '../../api/http/validate.js';
import type { Logger } from '../runtime/logger.js';
import type { CloudStore } from './cloud-store.js';
import { FAULT_MODES, FaultSpecError, type FaultController } from './faults.js';
import { RECENT_CAPACITY } from './sync-ledger.js';

export const ADMIN_PREFIX = '/admin';

const limit = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const receivedQuery = z.object({
  kind: z.string().min(1).max(64).optional(),
  status: z.enum(['accepted', 'rejected']).optional(),
  limit: limit(100, RECENT_CAPACITY),
});
const bottlesQuery = z.object({ offset: z.coerce.number().int().min(0).default(0), limit: limit(1_000, 100_000) });

const faultBody = z
  .object({
    mode: z.enum(FAULT_MODES),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    remaining: z.number().int().min(1).max(1_000_000).optional(),
    paths: z.array(z.string().startsWith('/').max(200)).max(20).optional(),
    durationMs: z.number().int().min(1).max(3_600_000).optional(),
  })
  .strict();

/**
 * The simulator's back door for tests and demos: statistics, what was received, fault injection,
 * token expiry, reset. No authentication: it is reachable by whoever can reach the simulator's
 * host and port (127.0.0.1 by default), which is why the simulator never belongs on a shared network.
 */
export function adminRoutes(store: CloudStore, faults: FaultController, logger: Logger): Router {
  const router = new Router({ prefix: ADMIN_PREFIX });

  router.get('/stats', async (ctx) => {
    ok(ctx, { ...store.ledger.stats(), requests: store.requests, syncRequests: store.syncRequests });
  });

  router.get('/received', async (ctx) => {
    ok(ctx, store.ledger.recentItems(parseQuery(ctx, receivedQuery)));
  });

  router.get('/bottles', async (ctx) => {
    const { offset, limit } = parseQuery(ctx, bottlesQuery);
    ok(ctx, { total: store.ledger.stats().bottles, offset, codes: store.ledger.bottleCodes(offset, limit) });
  });

  router.get('/faults', async (ctx) => ok(ctx, faults.state));

  router.post('/faults', async (ctx) => {
    const spec = parseBody(ctx, faultBody);
    if (spec.mode === 'refuse' && spec.durationMs === undefined) {
      // Over HTTP nobody could lift it: this very API stops listening with the rest.
      throw validationError('refuse needs durationMs: the admin API is unreachable while refusing', { field: 'durationMs' });
    }
    if (spec.mode === 'refuse') ctx.set('Connection', 'close');
    try {
      const state = faults.set(spec);
      logger.info({ fault: state }, 'fault injection changed');
      ok(ctx, state);
    } catch (error) {
      if (error instanceof FaultSpecError) throw validationError(error.message);
      throw error;
    }
  });

  router.post('/expire-tokens', async (ctx) => {
    // Every edge loses its device token: a real one must then be provisioned again.
    const expired = store.expireTokens();
    logger.info({ expired }, 'all tokens expired');
    ok(ctx, { expired });
  });

  router.post('/devices/:id/deactivate', async (ctx) => {
    const { id } = parseParams(ctx, z.object({ id: z.string().min(1).max(128) }));
    if (store.deviceCompanyId(id) === undefined) throw notFound(`Device ${id}`);
    ok(ctx, { deactivated: store.deactivate(id) });
  });

  router.post('/reset', async (ctx) => {
    faults.clear();
    store.reset();
    logger.info('simulator reset to its seed');
    ok(ctx, { reset: true });
  });

  return router;
}
