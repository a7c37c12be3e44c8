import Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import { z } from 'zod';
import type { GroupMemberRecord, GroupStore } from '../../adapters/store/factory/group-store.js';
import { COMMAND_ROLE, COMMAND_TYPES, commandParamsSchemas } from '../../src/domain/device-commands.js';
import { roleAtLeast } from '../../src/domain/roles.js';
import type { BulkDispatchRequest } from '../../src/domain/ports/bulk-dispatch-request.js';
import { type Principal, requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseParams } from '../http/validate.js';
import { actorOf } from './audit-actor.js';
import { deviceId } from './schemas.js';

/** Most devices one members request may name (a 1,000-cabinet site fits in one call). */
export const MAX_MEMBERS_PER_REQUEST = 5_000;

export const groupParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (1-100 characters)') });

const groupFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(1000).nullable(),
};

export const createGroupBody = z.object({ name: groupFields.name, description: groupFields.description.optional() }).strict();

export const updateGroupBody = z
  .object({ name: groupFields.name.optional(), description: groupFields.description.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'at least one field to change');

export const membersBody = z.object({ deviceIds: z.array(deviceId).min(1).max(MAX_MEMBERS_PER_REQUEST) }).strict();

const bulkFields = {
  type: z.enum(COMMAND_TYPES),
  // The same bounds as POST /devices/{id}/commands.
  timeoutMs: z.number().int().min(100).max(24 * 3600_000).optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((iso) => Date.parse(iso) > Date.now(), 'must be in the future')
    .nullable()
    .optional(),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
  wait: z.boolean().default(true),
};

/** First the envelope (which type?), then the whole body again with that type's params schema. */
export const bulkEnvelope = z.object({ ...bulkFields, params: z.unknown().optional() }).strict();
const bulkBodyFor = (type: keyof typeof commandParamsSchemas) =>
  z.object({ ...bulkFields, params: (commandParamsSchemas[type] as z.ZodType<Record<string, unknown>>).prefault({}) }).strict();


export interface GroupRoutesDeps {
  tokens: TokenIssuer;
  store: GroupStore;
  /** The bulk dispatcher (src/factory/groups/bulk-dispatch.ts); its outcome is answered as it is. */
  dispatcher: {
    dispatch(request: BulkDispatchRequest): Promise<object>;
  };
  /** The device's live state, as GET /devices shows it. */
  liveStatus(deviceId: string): { status: string; connected: boolean };
  /** Largest JSON body (DELETE bodies are parsed here: the app's parser only reads POST/PUT/PATCH). */
  jsonLimitBytes: number;
}

/** `/api/v1/device-groups`: groups, their members, and bulk commands (OPERATOR reads, MANAGER writes). */
export function groupRoutes(deps: GroupRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/device-groups' });
  const reader = requireRole(deps.tokens, 'OPERATOR');
  const manager = requireRole(deps.tokens, 'MANAGER');
  const { store } = deps;
  const deleteBody = koaBody({ json: true, multipart: false, urlencoded: false, text: false, jsonLimit: deps.jsonLimitBytes, jsonStrict: true, parsedMethods: ['DELETE'] as never });
  const member = (m: GroupMemberRecord) => ({ ...m, ...deps.liveStatus(m.deviceId) });
  const groupOf = async (id: string) => {
    const group = await store.get(id);
    if (!group) throw new ApiError('NOT_FOUND', `Device group ${id} not found`);
    return group;
  };

  router.get('/', reader, async (ctx) => ok(ctx, await store.list()));

  router.post('/', manager, async (ctx) => {
    const body = parseBody(ctx, createGroupBody);
    ok(ctx, await store.create(actorOf(ctx), body), 201);
  });

  router.get('/:id', reader, async (ctx) => {
    const { id } = parseParams(ctx, groupParams);
    const group = await groupOf(id);
    ok(ctx, { ...group, deviceIds: await store.memberIds(id) });
  });

  router.put('/:id', manager, async (ctx) => {
    const { id } = parseParams(ctx, groupParams);
    const patch = parseBody(ctx, updateGroupBody);
    ok(ctx, await store.update(actorOf(ctx), id, patch));
  });

  router.delete('/:id', manager, async (ctx) => {
    const { id } = parseParams(ctx, groupParams);
    ok(ctx, await store.remove(actorOf(ctx), id));
  });

  router.get('/:id/members', reader, async (ctx) => {
    const { id } = parseParams(ctx, groupParams);
    ok(ctx, (await store.members(id)).map(member));
  });

  router.post('/:id/members', manager, async (ctx) => {
    const { id } = parseParams(ctx, groupParams);
    const { deviceIds } = parseBody(ctx, membersBody);
    ok(ctx, await store.addMembers(actorOf(ctx), id, deviceIds));
  });

  router.delete('/:id/members', manager, deleteBody, async (ctx) => {
    const { id } = parseParams(ctx, groupParams);
    const { deviceIds } = parseBody(ctx, membersBody);
    ok(ctx, await store.removeMembers(actorOf(ctx), id, deviceIds));
  });

  router.post('/:id/commands', manager, async (ctx) => {
    const { id } = parseParams(ctx, groupParams);
    const { type } = parseBody(ctx, bulkEnvelope);
    const body = parseBody(ctx, bulkBodyFor(type));
    requireCommandRole(ctx, type);
    await groupOf(id);
    const deviceIds = await store.memberIds(id);
    const outcome = await deps.dispatcher.dispatch({
        groupId: id,
        deviceIds,
        type,
        params: body.params,
        wait: body.wait,
        actor: actorOf(ctx),
        ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
        ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
        ...(body.idempotencyKey !== undefined ? { idempotencyKey: body.idempotencyKey } : {}),
      });
    // 202 when the caller did not wait: the commands are on their way, their results are not in.
    ok(ctx, outcome, body.wait ? 200 : 202);
  });

  return router;
}

/** Each command type has its own role (COMMAND_ROLE): MANAGER may restart a group, only ADMIN may reboot it. */
function requireCommandRole(ctx: Context, type: keyof typeof COMMAND_ROLE): void {
  const principal = ctx.state.principal as Principal;
  const required = COMMAND_ROLE[type];
  if (!roleAtLeast(principal.role, required)) {
    throw new ApiError('FORBIDDEN', `Command ${type} requires role ${required}`, { required, actual: principal.role });
  }
}
