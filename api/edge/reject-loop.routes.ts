import Router from '@koa/router';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { unavailable } from '../http/errors.js';

/** What the route needs from the reject loop feature (src/edge/hardware/reject-loop.extension.ts): its status, null while not enabled. */
export interface RejectLoopRoutesFeature {
  status(): object | null;
}

/**
 * GET /api/v1/reject-loop/status (OPERATOR): the loop's state and counts (ejects asked and
 * written, confirmations, missed windows, units rejected by a reject_all safe state). 503
 * SERVICE_UNAVAILABLE while the loop is not enabled.
 */
export function rejectLoopRoutes(feature: RejectLoopRoutesFeature, tokens: TokenIssuer): Router {
  const router = new Router({ prefix: '/api/v1' });
  router.get('/reject-loop/status', requireRole(tokens, 'OPERATOR'), (ctx) => {
    const status = feature.status();
    if (!status) throw unavailable('The reject loop is not enabled on this edge (rejectLoop.enabled, with a PLC and an eject binding)');
    ok(ctx, status);
  });
  return router;
}
