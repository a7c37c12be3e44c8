import type { Context, Next } from 'koa';
import type { Knex } from 'knex';
import { type AuditActor, recordAudit } from '../../adapters/store/factory/audit-log.js';
import type { Logger } from '../../src/runtime/logger.js';
import { type Principal, type TokenIssuer, tokenFrom } from '../http/auth.js';
import { ApiError } from '../http/errors.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The audit action of a refused route, named as its successful change is (so one filter finds both). */
const ACTIONS: Record<string, { action: string; entityType: string }> = {
  'POST /api/v1/devices': { action: 'device.create', entityType: 'device' },
  'PUT /api/v1/devices/:id': { action: 'device.update', entityType: 'device' },
  'DELETE /api/v1/devices/:id': { action: 'device.delete', entityType: 'device' },
  'POST /api/v1/devices/:id/token': { action: 'device.token.issue', entityType: 'device' },
  'POST /api/v1/devices/:id/commands': { action: 'command.dispatch', entityType: 'device' },
  'POST /api/v1/devices/:id/commands/:cmdId/cancel': { action: 'command.cancel', entityType: 'command' },
  'PUT /api/v1/devices/:id/config': { action: 'device.config.update', entityType: 'device_config' },
  'POST /api/v1/device-groups/:id/commands': { action: 'group.command.dispatch', entityType: 'device_group' },
  'POST /api/v1/firmware/releases': { action: 'firmware.release.upload', entityType: 'firmware_release' },
  'DELETE /api/v1/firmware/releases/:id': { action: 'firmware.release.delete', entityType: 'firmware_release' },
  'POST /api/v1/firmware/deployments': { action: 'firmware.deployment.create', entityType: 'firmware_deployment' },
  'PUT /api/v1/connection/settings': { action: 'connection.settings.update', entityType: 'settings' },
};

/**
 * Audits every refused authorization (403) on a mutating factory route: who tried, what, on
 * which target, outcome `forbidden`. Someone probing for rights they do not have (an OPERATOR
 * sending exec_shell, a MANAGER starting a firmware rollout) leaves a trace, not only those who
 * succeed. The refusal itself is passed on unchanged; a failure to write the entry is logged and
 * never turns the 403 into a 500.
 */
export function auditForbidden(deps: { db: Knex; tokens: TokenIssuer; logger: Logger }) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'FORBIDDEN' && MUTATING.has(ctx.method)) {
        await recordAudit(deps.db, forbiddenEntry(ctx, deps.tokens, error)).catch((failure: unknown) =>
          deps.logger.error({ err: failure, method: ctx.method, path: ctx.path }, 'could not audit a refused request'),
        );
      }
      throw error;
    }
  };
}

function forbiddenEntry(ctx: Context, tokens: TokenIssuer, error: ApiError) {
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  const pattern = typeof route === 'string' ? route.replace(/\/$/, '') || route : ctx.path;
  const known = ACTIONS[`${ctx.method} ${pattern}`];
  const params = (ctx as { params?: Record<string, string> }).params ?? {};
  const body = (ctx.request as { body?: unknown }).body;
  const commandType = body && typeof body === 'object' && typeof (body as { type?: unknown }).type === 'string' ? String((body as { type: string }).type).slice(0, 64) : undefined;
  return {
    actor: actorOf(ctx, tokens),
    action: known?.action ?? `${ctx.method} ${pattern}`.slice(0, 200),
    entityType: known?.entityType ?? 'route',
    entityId: (params.cmdId ?? params.id ?? params.code ?? null)?.slice(0, 200) ?? null,
    after: { method: ctx.method, path: ctx.path.slice(0, 500), ...(commandType ? { type: commandType } : {}), ...(error.details !== undefined ? { refusal: error.details } : {}) },
    outcome: 'forbidden' as const,
    detail: error.message.slice(0, 500),
  };
}

/** The user the route refused: requireRole verified the token before refusing, so verifying it again names them. */
function actorOf(ctx: Context, tokens: TokenIssuer): AuditActor {
  const principal = ctx.state.principal as Principal | undefined;
  if (principal) return { userId: principal.userId, username: principal.username };
  const device = ctx.state.device as { deviceId?: string } | undefined;
  if (device?.deviceId) return { deviceId: device.deviceId };
  const token = tokenFrom(ctx.headers as { authorization?: string });
  if (token) {
    try {
      const verified = tokens.verify(token);
      return { userId: verified.userId, username: verified.username };
    } catch {
      // not a user token: fall through
    }
  }
  return { system: 'unidentified' };
}
