import Router from '@koa/router';
import { z } from 'zod';
import { type AuthState, requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { parseBody, parseQuery } from '../http/validate.js';

/**
 * Self-service configuration on the edge (spec: "Self-service on edge"): the run-time overrides
 * `l2.override.*` over edge-service.yaml, applied in place. Reads are MANAGER, writes ADMIN: an
 * override can move a scanner, a printer or a PLC of a running line.
 *
 * - GET    /api/v1/config                overrides in the database, their times, the overridable keys
 * - PUT    /api/v1/config                `{ set: {key: value}, unset: [key], actor }`, all or nothing, applied at once
 * - DELETE /api/v1/config?actor=…        drop every override (the file/env/flag values apply again)
 * - POST   /api/v1/config/reload         `{ actor? }`: re-read the database, re-apply drivers in place
 * - GET    /api/v1/self-service/status   where each setting comes from, drivers, last reload and errors
 *
 * A refused change is a DomainError from the service (INVALID → 400 naming the key, CONFLICT →
 * 409 for a reload over invalid stored values), mapped by the HTTP shell.
 */
const actorText = z.string().trim().min(1).max(200);
export const changeBody = z
  .object({
    set: z.record(z.string().min(1).max(200), z.unknown()).optional(),
    unset: z.array(z.string().min(1).max(200)).max(100).optional(),
    actor: actorText.optional(),
  })
  .strict();
export const reloadBody = z.object({ actor: actorText.optional() }).strict();
export const actorQuery = z.object({ actor: actorText.optional() }).strict();
export const noQuery = z.object({}).strict();

const userOf = (state: unknown) => (state as Partial<AuthState>).principal?.username ?? null;

/** What the routes need from the self-service (src/edge/self-service/self-service.ts); records are answered as they are. */
export interface ConfigRoutesService {
  keys(): object[];
  overrides(): Promise<{ overrides: object; updatedAt: object; invalid: object[] }>;
  change(request: { set?: Record<string, unknown> | undefined; unset?: string[] | undefined; actor?: string | undefined }, user: string | null): Promise<object>;
  clear(request: { actor?: string | undefined }, user: string | null): Promise<object>;
  reload(request: { actor?: string | undefined }, user: string | null): Promise<object>;
}

export function configRoutes(tokens: TokenIssuer, service: ConfigRoutesService, status: () => Promise<unknown>): Router {
  const router = new Router({ prefix: '/api/v1' });
  const manager = requireRole(tokens, 'MANAGER');
  const admin = requireRole(tokens, 'ADMIN');

  router.get('/config', manager, async (ctx) => {
    parseQuery(ctx, noQuery);
    const { overrides, updatedAt, invalid } = await service.overrides();
    ok(ctx, { overrides, updatedAt, invalid, keys: service.keys() });
  });

  router.put('/config', admin, async (ctx) => {
    parseQuery(ctx, noQuery);
    const body = parseBody(ctx, changeBody);
    const record = await service.change(body, userOf(ctx.state));
    ok(ctx, { ...record, overrides: (await service.overrides()).overrides });
  });

  router.delete('/config', admin, async (ctx) => {
    const { actor } = parseQuery(ctx, actorQuery);
    const record = await service.clear({ actor }, userOf(ctx.state));
    ok(ctx, record);
  });

  router.post('/config/reload', admin, async (ctx) => {
    parseQuery(ctx, noQuery);
    const { actor } = parseBody(ctx, reloadBody);
    ok(ctx, await service.reload({ actor }, userOf(ctx.state)));
  });

  router.get('/self-service/status', manager, async (ctx) => {
    parseQuery(ctx, noQuery);
    ok(ctx, await status());
  });

  return router;
}
