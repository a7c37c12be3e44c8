import Router from '@koa/router';
import { z } from 'zod';
import type { AuditQueries } from '../../adapters/store/factory/audit-log.js';
import type { WithTokens } from './factory-deps.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { parseQuery } from '../http/validate.js';

export const auditQuery = z
  .object({
    userId: z.string().min(1).max(100).optional(),
    entityId: z.string().min(1).max(200).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** What the audit log route needs from the factory. */
export type AuditRoutesDeps = WithTokens & { queries: { audit: AuditQueries } };

/** `GET /api/v1/audit-log` (MANAGER and ADMIN): who changed what, newest first. */
export function auditRoutes(system: AuditRoutesDeps): Router {
  const router = new Router();
  router.get('/api/v1/audit-log', requireRole(system.tokens, 'MANAGER'), async (ctx) => {
    const filter = parseQuery(ctx, auditQuery);
    const since = filter.since ? new Date(filter.since).toISOString() : undefined;
    ok(ctx, await system.queries.audit.list({ ...filter, ...(since ? { since } : {}) }));
  });
  return router;
}
