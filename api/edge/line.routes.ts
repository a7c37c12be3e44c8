import Router from '@koa/router';
import { z } from 'zod';
import type { ScanLineContext } from '../../machines/edge/scan-line.machine.js';
import type { WithRoot, WithTokens } from './edge-deps.js';
import { LineOperationRefused } from '../../src/domain/line-operation.js';
import { requireRole, type AuthState } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { SCAN_LINE } from '../../src/domain/actor-ids.js';

export const pauseBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export const resumeBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
export const noQuery = z.object({}).strict();

/** What the line routes need from the edge: its line operations (src/edge/line/line-operations.ts). */
export interface LineRoutesDeps extends WithTokens, WithRoot {
  lineOps: {
    status(): { state: string; reason: string | null };
    pause(reason: string, user: string): void;
    resume(reason: string, user: string): void;
  };
}

/**
 * Line operations (no spec shape; see README "Journal, line operations and health"): an
 * operator pauses and resumes the line with a reason. A pause by the system (PLC away, UPS on
 * battery, a missed reject) may be resumed by a person once its cause is gone; while it holds,
 * 409 CONFLICT names it. A device disabled by the factory is enabled by the factory only.
 */
export function lineRoutes(system: LineRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/line' });
  const operator = requireRole(system.tokens, 'OPERATOR');

  function status() {
    const s = system.lineOps.status();
    // The line's own word on its reason (a pause reason changes without a state change).
    const context = (system.root.system.get(SCAN_LINE)?.getSnapshot() as { context: ScanLineContext } | undefined)?.context;
    const reason = s.state === 'paused' ? (context?.pauseReason ?? s.reason) : s.reason;
    return { ...s, reason };
  }

  function run(operation: () => void) {
    try {
      operation();
    } catch (error) {
      if (error instanceof LineOperationRefused) throw new ApiError('CONFLICT', error.message, { causes: error.causes });
      throw error;
    }
  }

  router.get('/status', operator, (ctx) => {
    parseQuery(ctx, noQuery);
    ok(ctx, status());
  });

  router.post('/pause', operator, (ctx) => {
    const { reason } = parseBody(ctx, pauseBody);
    run(() => system.lineOps.pause(reason, (ctx.state as AuthState).principal.username));
    ok(ctx, status());
  });

  router.post('/resume', operator, (ctx) => {
    const { reason } = parseBody(ctx, resumeBody);
    run(() => system.lineOps.resume(reason ?? '', (ctx.state as AuthState).principal.username));
    ok(ctx, status());
  });

  return router;
}
