import Router from '@koa/router';
import type { FactorySystem } from '../../src/factory/system.js';
import { describeActors } from '../../src/runtime/actor-tree.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';

const startedAt = Date.now();

/** Health (public, for load balancers) and actor inspection (ADMIN). */
export function systemRoutes(system: FactorySystem): Router {
  const router = new Router();

  router.get('/health', (ctx) => {
    const counts = system.fleet.counts();
    ok(ctx, {
      status: 'ok',
      service: 'okto-factory',
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      database: system.config.databaseUrl ? 'postgresql' : 'sqlite',
      devices: counts,
    });
  });

  router.get('/api/v1/debug/actors', requireRole(system.tokens, 'ADMIN'), (ctx) => ok(ctx, describeActors(system.root)));

  return router;
}
