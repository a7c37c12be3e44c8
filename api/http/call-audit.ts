import type { Context, Next } from 'koa';
import type { Principal } from './auth.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One audited API call, as the call-audit middleware describes it. */
export interface AuditedCall {
  user: { userId: string; username: string } | null;
  ip: string;
  /** `http.<METHOD> <route>`, e.g. `http.PUT /api/v1/scanners` (route with its `:params`). */
  action: string;
  /** The resource: the path segment after /api/v1/ (scanners, bottles, connection …). */
  entityType: string;
  /** The route's `:id`/`:index`/`:name` parameter, when it has one. */
  entityId: string | null;
  outcome: 'success' | 'denied';
  status: number;
  detail: string | null;
}

export interface CallAuditOptions {
  record(call: AuditedCall): Promise<void>;
  onError(error: unknown, call: AuditedCall): void;
  /** Calls not worth a row: production traffic (a scan per bottle), and routes that audit themselves. */
  skip?(ctx: Context): boolean;
}

/**
 * Audits every mutating call under /api/v1 (POST, PUT, PATCH, DELETE) that succeeded or was
 * refused for authorization (401/403), after the route has finished and before the answer goes
 * out — so every route, also ones added later by other features, is covered without code of its
 * own. This row is written after the change's own transaction (the route's store knows nothing of
 * HTTP); where a store can put the entry in the change's transaction (user changes, bottle
 * status), the route does so and sets `ctx.state.audited`, and this middleware writes nothing.
 * Validation failures and 404s changed nothing and are not audited.
 */
export function auditMutatingCalls(options: CallAuditOptions) {
  return async (ctx: Context, next: Next) => {
    if (!MUTATING.has(ctx.method) || !ctx.path.startsWith('/api/v1/') || options.skip?.(ctx)) return next();
    let failure: unknown = null;
    try {
      await next();
    } catch (error) {
      failure = error;
    }
    const status = failure === null ? ctx.status : statusOf(failure);
    const denied = status === 401 || status === 403;
    if (!ctx.state.audited && (status < 400 || denied)) {
      const principal = ctx.state.principal as Principal | undefined;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? ctx.path;
      const params = ((ctx as { params?: Record<string, string> }).params ?? {}) as Record<string, string>;
      const call: AuditedCall = {
        user: principal ? { userId: principal.userId, username: principal.username } : null,
        ip: ctx.ip,
        action: `http.${ctx.method} ${route}`,
        entityType: route.replace(/^\/api\/v1\//, '').split('/')[0] ?? 'api',
        entityId: params.id ?? params.index ?? params.name ?? null,
        outcome: denied ? 'denied' : 'success',
        status,
        detail: denied ? messageOf(failure) : null,
      };
      try {
        await options.record(call);
      } catch (error) {
        options.onError(error, call);
      }
    }
    if (failure !== null) throw failure;
  };
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown })?.status;
  return typeof status === 'number' ? status : 500;
}

function messageOf(error: unknown): string | null {
  return error instanceof Error ? error.message.slice(0, 500) : null;
}
