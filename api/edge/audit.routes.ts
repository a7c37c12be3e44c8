import Router from '@koa/router';
import { z } from 'zod';
import type { EdgeAuditQueries } from '../../adapters/store/audit-trail.js';
import type { WithTokens } from './edge-deps.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { parseQuery } from '../http/validate.js';

export const auditQuery = z
  .object({
    user: z.string().min(1).max(100).optional(),
    action: z.string().min(1).max(200).optional(),
    outcome: z.enum(['success', 'failure', 'denied']).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().regex(/^\d{1,15}$/, 'a nextCursor from an earlier page').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const iso = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);

/** What the audit log route needs from the edge. */
export type AuditRoutesDeps = WithTokens & { queries: { audit: EdgeAuditQueries } };

/**
 * `GET /api/v1/audit-log` (MANAGER and ADMIN): who did what on this line, newest first. Filters:
 * user (id or username), action (exact, or a prefix ending in `.`/`*`), outcome, from/to (ISO
 * times); `cursor` = the `nextCursor` of the page before.
 */
export function auditRoutes(system: AuditRoutesDeps): Router {
  const router = new Router();
  router.get('/api/v1/audit-log', requireRole(system.tokens, 'MANAGER'), async (ctx) => {
    const q = parseQuery(ctx, auditQuery);
    ok(
      ctx,
      await system.queries.audit.list({
        user: q.user,
        action: q.action,
        outcome: q.outcome,
        from: iso(q.from),
        to: iso(q.to),
        before: q.cursor === undefined ? undefined : Number(q.cursor),
        limit: q.limit,
      }),
    );
  });
  return router;
}
