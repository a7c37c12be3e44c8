import Router from '@koa/router';
import { z } from 'zod';
import type { WithFleet, WithQueries, WithTokens } from './factory-deps.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { parseQuery } from '../http/validate.js';

/** What the dashboard routes need from the factory. */
export type DashboardRoutesDeps = WithTokens & WithFleet & WithQueries & { config: { company: { timeZone: string } } };

/**
 * The control room's figures. "Today" is the company's day (config company.timeZone). The spec's
 * example names the pallet figure `palletsTodayfalse`, a typo: it is `palletsToday` here.
 */
export async function dashboardOverview(system: Omit<DashboardRoutesDeps, 'tokens'>) {
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

/** A calendar day that exists (2026-02-30 does not). */
const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((day) => {
    const ms = Date.parse(`${day}T00:00:00Z`);
    return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(day);
  }, 'a date that exists');

export const productionQuery = z.object({ date: calendarDay.optional() }).strict();

export function dashboardRoutes(system: DashboardRoutesDeps): Router {
  const router = new Router();
  const operator = requireRole(system.tokens, 'OPERATOR');
  router.get('/api/v1/dashboard/overview', operator, async (ctx) => ok(ctx, await dashboardOverview(system)));
  // Bottles per device (line) and hour of a day in the company's zone; today by default.
  router.get('/api/v1/dashboard/production', operator, async (ctx) => {
    const { date } = parseQuery(ctx, productionQuery);
    const day = date ?? system.queries.dashboard.today();
    ok(ctx, { date: day, timeZone: system.config.company.timeZone, lines: await system.queries.dashboard.productionByHour(day) });
  });
  return router;
}
