import Router from '@koa/router';
import type { FactorySystem } from '../../src/factory/system.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';

/**
 * The control room's figures. "Today" is the company's day (config company.timeZone). The spec's
 * example names the pallet figure `palletsTodayfalse`, a typo: it is `palletsToday` here.
 */
export async function dashboardOverview(system: FactorySystem) {
  const counts = system.fleet.counts();
  const today = await system.queries.dashboard.overview(new Date());
  // What is still on its way to the cloud: the factory's own forward queue plus what the edges
  // last reported as waiting in theirs.
  const edgesPending = system.fleet.list().reduce((sum, session) => sum + (session.reported?.syncQueue?.pending ?? 0), 0);
  return {
    devicesOnline: counts.online,
    devicesOffline: counts.offline + counts.stale,
    devicesStale: counts.stale,
    bottlesToday: today.bottlesToday,
    batchesToday: today.batchesToday,
    palletsToday: today.palletsToday,
    syncQueueTotal: today.forwardQueue + edgesPending,
  };
}

export function dashboardRoutes(system: FactorySystem): Router {
  const router = new Router();
  router.get('/api/v1/dashboard/overview', requireRole(system.tokens, 'OPERATOR'), async (ctx) => ok(ctx, await dashboardOverview(system)));
  return router;
}
