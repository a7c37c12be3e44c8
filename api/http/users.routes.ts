import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ChangeActor, UserRecord, UserStore } from '../../adapters/store/user-store.js';
import type { LoginAudit } from '../../src/auth/login-audit.js';
import type { LoginThrottle } from '../../src/auth/login-throttle.js';
import { MAX_PASSWORD_LENGTH, passwordProblem } from '../../src/auth/password-policy.js';
import { ROLES } from '../../src/domain/roles.js';
import { requireRole, requireSignedIn, type Principal, type TokenIssuer } from './auth.js';
import { ok } from './envelope.js';
import { ApiError, notFound, validationError } from './errors.js';
import { beginAttempt, withHasher } from './login.routes.js';
import { parseBody, parseParams } from './validate.js';

const username = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, '3–64 letters, digits, dot, dash or underscore');
const displayName = z.string().trim().min(1).max(100);
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
export const createBody = z
  .object({ username, displayName, role: z.enum(ROLES), password, mustChangePassword: z.boolean().default(true) })
  .strict();
export const patchBody = z
  .object({ role: z.enum(ROLES).optional(), displayName: displayName.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.role !== undefined || b.displayName !== undefined || b.disabled !== undefined, { message: 'Give role, displayName or disabled' });
export const resetBody = z.object({ password, mustChangePassword: z.boolean().default(true) }).strict();
export const ownPasswordBody = z.object({ currentPassword: password, newPassword: password }).strict();
export const idParam = z.object({ id: z.string().min(1).max(100) });

/** A security event a person should read (the edge puts it in its journal; the factory has none). */
export interface SecurityEvent {
  messageKey: string;
  severity: 'info' | 'warning';
  params: Record<string, string | number | boolean | null>;
  user: string | null;
}

export interface UserRouteDeps {
  users: UserStore;
  tokens: TokenIssuer;
  throttle: LoginThrottle;
  loginAudit: LoginAudit;
  onSecurityEvent?: (event: SecurityEvent) => void;
}

const actorOf = (ctx: Context): ChangeActor => {
  const principal = ctx.state.principal as Principal;
  return { userId: principal.userId, username: principal.username, ip: ctx.ip };
};

const checkPolicy = (candidate: string, name: string) => {
  const problem = passwordProblem(candidate, name);
  if (problem) throw validationError(problem, { field: 'password', reason: problem });
};

/**
 * Named users (ADMIN only): `GET/POST /api/v1/users`, `PATCH /api/v1/users/{id}`,
 * `POST /api/v1/users/{id}/password`; and for every signed-in user `GET /api/v1/auth/me`,
 * `POST /api/v1/auth/password` (with the current one) and `POST /api/v1/auth/logout`. Each change
 * is audited in its own transaction (the store's audit writer); `ctx.state.audited` tells the
 * generic call audit not to write a second row.
 */
export function userRoutes(deps: UserRouteDeps): Router {
  const router = new Router();
  const admin = requireRole(deps.tokens, 'ADMIN');
  const signedIn = requireSignedIn(deps.tokens);
  const publish = (event: SecurityEvent) => deps.onSecurityEvent?.(event);

  router.get('/api/v1/users', admin, async (ctx) => ok(ctx, await deps.users.list()));

  router.post('/api/v1/users', admin, async (ctx) => {
    const body = parseBody(ctx, createBody);
    checkPolicy(body.password, body.username);
    const user = await withHasher(ctx, () => deps.users.create(body, actorOf(ctx)));
    ctx.state.audited = true;
    publish({ messageKey: 'security.user_created', severity: 'info', params: { target: user.username, role: user.role }, user: actorName(ctx) });
    ok(ctx, user, 201);
  });

  router.patch('/api/v1/users/:id', admin, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const patch = parseBody(ctx, patchBody);
    const before = await deps.users.get(id);
    if (!before) throw notFound(`User ${id}`);
    const user = await deps.users.update(id, patch, actorOf(ctx));
    ctx.state.audited = true;
    publish(userChangeEvent(before, user, actorName(ctx)));
    ok(ctx, user);
  });

  router.post('/api/v1/users/:id/password', admin, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const body = parseBody(ctx, resetBody);
    const target = await deps.users.get(id);
    if (!target) throw notFound(`User ${id}`);
    checkPolicy(body.password, target.username);
    const user = await withHasher(ctx, () =>
      deps.users.setPassword(id, body.password, { mustChangePassword: body.mustChangePassword, action: 'user.password_reset' }, actorOf(ctx)),
    );
    deps.throttle.clearUsername(user.username);
    ctx.state.audited = true;
    publish({ messageKey: 'security.password_reset', severity: 'warning', params: { target: user.username }, user: actorName(ctx) });
    ok(ctx, user);
  });

  router.get('/api/v1/auth/me', signedIn, async (ctx) => {
    const principal = ctx.state.principal as Principal;
    const user = await deps.users.get(principal.userId);
    if (!user) throw new ApiError('UNAUTHORIZED', 'Token revoked');
    ok(ctx, { ...user, tokenExpiresAt: principal.expiresAt ? new Date(principal.expiresAt).toISOString() : null });
  });

  router.post('/api/v1/auth/password', signedIn, async (ctx) => {
    const principal = ctx.state.principal as Principal;
    const body = parseBody(ctx, ownPasswordBody);
    // Guessing the current password through this route is throttled like a login.
    const attempt = beginAttempt(ctx, deps.throttle, principal.username, () => void deps.loginAudit.failed(principal.username, ctx.ip, true));
    const right = await withHasher(ctx, () => deps.users.checkPassword(principal.userId, body.currentPassword), attempt);
    if (!right) {
      attempt.failed();
      await deps.loginAudit.failed(principal.username, ctx.ip);
      throw new ApiError('UNAUTHORIZED', 'The current password is wrong');
    }
    attempt.succeeded();
    checkPolicy(body.newPassword, principal.username);
    if (body.newPassword === body.currentPassword) throw validationError('The new password must differ from the current one', { field: 'newPassword', reason: 'same as the current password' });
    const user = await withHasher(ctx, () =>
      deps.users.setPassword(principal.userId, body.newPassword, { mustChangePassword: false, action: 'auth.password_change' }, actorOf(ctx)),
    );
    ctx.state.audited = true;
    publish({ messageKey: 'security.password_changed', severity: 'info', params: { target: user.username }, user: user.username });
    // Every earlier token of the user is dead now; this one is the new session.
    ok(ctx, { token: deps.tokens.issue({ userId: user.id, username: user.username, role: user.role }), user });
  });

  router.post('/api/v1/auth/logout', signedIn, async (ctx) => {
    const principal = ctx.state.principal as Principal;
    await deps.users.revokeTokens(principal.userId, actorOf(ctx));
    ctx.state.audited = true;
    publish({ messageKey: 'security.logout', severity: 'info', params: { ip: ctx.ip }, user: principal.username });
    ok(ctx, { loggedOut: true });
  });

  return router;
}

const actorName = (ctx: Context) => (ctx.state.principal as Principal | undefined)?.username ?? null;

function userChangeEvent(before: UserRecord, after: UserRecord, by: string | null): SecurityEvent {
  if (!before.disabled && after.disabled) return { messageKey: 'security.user_disabled', severity: 'warning', params: { target: after.username }, user: by };
  if (before.disabled && !after.disabled) return { messageKey: 'security.user_enabled', severity: 'info', params: { target: after.username }, user: by };
  if (before.role !== after.role) return { messageKey: 'security.user_role_changed', severity: 'warning', params: { target: after.username, from: before.role, to: after.role }, user: by };
  return { messageKey: 'security.user_updated', severity: 'info', params: { target: after.username }, user: by };
}
