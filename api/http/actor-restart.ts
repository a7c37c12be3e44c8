import type Router from '@koa/router';
import type { AnyActorRef } from 'xstate';
import { z } from 'zod';
import { restartSupervisedChild } from '../../src/runtime/supervised-children.js';
import { requireRole, type Principal, type TokenIssuer } from './auth.js';
import { ok } from './envelope.js';
import { ApiError } from './errors.js';
import { describeRoute } from './openapi/route-description.js';
import { parseParams } from './validate.js';

/** What the restart route needs from its service (edge or factory): declared here, not the whole system. */
export interface ActorRestartDeps {
  tokens: TokenIssuer;
  /** The root supervisor running now (a new one after restart_service). */
  root(): AnyActorRef;
  /** Told after each restart by hand, with who asked (the edge journals it). */
  restarted?(id: string, by: string | null): void;
}

/** A supervisor child id: the ids the tree uses (`scanLine`, `scanner.mock-1`, `printer.zebra-1` …). */
export const actorIdParams = z.object({ id: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, 'an actor id: letters, digits and . _ : -') }).strict();

export const actorRestartAnswer = z.object({
  id: z.string(),
  previousStatus: z.enum(['RUNNING', 'RESTARTING', 'FAILED', 'STOPPED']),
  status: z.enum(['RUNNING', 'RESTARTING', 'FAILED', 'STOPPED']),
  lastError: z.string().nullable(),
});

/**
 * POST /api/v1/debug/actors/{id}/restart (ADMIN): restarts one child of the root supervisor by
 * hand — typically one it gave up on (FAILED, shown in /health) once the cause is fixed. A fresh
 * restart window starts. Audited like every mutating call (call-audit middleware).
 */
export function mountActorRestart(router: Router, deps: ActorRestartDeps): void {
  router.post('/api/v1/debug/actors/:id/restart', requireRole(deps.tokens, 'ADMIN'), (ctx) => {
    const { id } = parseParams(ctx, actorIdParams);
    const result = restartSupervisedChild(deps.root(), id);
    if (!result) throw new ApiError('NOT_FOUND', `No supervised actor "${id}"`, { id });
    const principal = ctx.state.principal as Principal | undefined;
    deps.restarted?.(id, principal?.username ?? null);
    ok(ctx, { id, previousStatus: result.before.status, status: result.after.status, lastError: result.after.lastError } satisfies z.infer<typeof actorRestartAnswer>);
  });
}

export const actorRestartDescribed = describeRoute({
  method: 'POST',
  path: '/api/v1/debug/actors/:id/restart',
  summary: 'Restart one supervised actor by hand',
  description:
    'Restarts one child of the root supervisor (e.g. one it marked FAILED, shown in /health as ACTOR_FAILED) with a fresh restart window. 404 for an id the supervisor does not know.',
  access: 'ADMIN',
  params: actorIdParams,
  response: actorRestartAnswer,
});
