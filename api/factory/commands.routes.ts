import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { COMMAND_ROLE, COMMAND_STATUSES, COMMAND_TYPES, commandParamsSchemas, type CommandType, FINAL_COMMAND_STATUSES } from '../../src/domain/device-commands.js';
import { roleAtLeast } from '../../src/domain/roles.js';
import type { CommandFilter } from '../../adapters/store/factory/command-store.js';
import type { CommandPort, CommandRecord } from '../../src/domain/ports/command-port.js';
import { type Principal, requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { actorOf } from './audit-actor.js';
import { redactCommandFor } from './command-redaction.js';
import { deviceId } from './schemas.js';

/** A little past the command's own timeout: its TIMED_OUT is decided by the deadline timer, then stored. */
const WAIT_GRACE_MS = 1_000;

export const deviceParams = z.object({ id: deviceId });
export const commandParams = z.object({ id: deviceId, cmdId: z.string().min(1).max(100) });

const future = (iso: string) => Date.parse(iso) > Date.now();

export const dispatchBody = z
  .object({
    type: z.enum(COMMAND_TYPES),
    params: z.record(z.string(), z.unknown()).optional(),
    timeoutMs: z.number().int().min(100).max(24 * 3600_000).optional(),
    expiresAt: z.iso.datetime({ offset: true }).refine(future, 'must be in the future').nullable().optional(),
    idempotencyKey: z.string().trim().min(1).max(200).optional(),
    wait: z.boolean().default(true),
  })
  .strict();

export const listQuery = z
  .object({
    status: z.enum(COMMAND_STATUSES).optional(),
    type: z.enum(COMMAND_TYPES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const logsQuery = z
  .object({
    lines: z.coerce.number().int().min(1).max(5000).default(200),
    timeoutMs: z.coerce.number().int().min(100).max(120_000).optional(),
  })
  .strict();

/** The routine role (MANAGER) gets past the router; the type's own role is checked once the type is known. */
function requireCommandRole(ctx: Context, type: CommandType) {
  const principal = ctx.state.principal as Principal;
  const required = COMMAND_ROLE[type];
  if (!roleAtLeast(principal.role, required)) throw new ApiError('FORBIDDEN', `Requires role ${required} for ${type}`, { required, actual: principal.role });
}


/** What the command routes need from the factory (src/factory/extension.ts gives it). */
export interface CommandRoutesContext {
  tokens: TokenIssuer;
  config: { commands: { maxWaitMs: number; defaultTimeoutMs: number } };
  registry: { has(deviceId: string): boolean };
  channel: { isConnected(deviceId: string): boolean };
}

/** The command service (src/factory/commands/command-service.ts) as the routes use it: the port, and the list. */
export type CommandRoutesService = CommandPort & {
  list(deviceId: string, filter: CommandFilter): Promise<{ items: CommandRecord[]; total: number }>;
};

/** Device commands: dispatch (waiting for the result by default), history, one command, cancel, and logs pulled from the device. */
export function commandRoutes(context: CommandRoutesContext, commands: CommandRoutesService): Router {
  const router = new Router({ prefix: '/api/v1/devices/:id' });
  const operator = requireRole(context.tokens, 'OPERATOR');
  const manager = requireRole(context.tokens, 'MANAGER');
  const { maxWaitMs, defaultTimeoutMs } = context.config.commands;

  const knownDevice = (ctx: Context) => {
    const { id } = parseParams(ctx, deviceParams);
    if (!context.registry.has(id)) throw new ApiError('NOT_FOUND', `Device ${id} not found`);
    return id;
  };

  router.post('/commands', manager, async (ctx) => {
    // An unknown device is the service's refusal (404), audited like any refused change.
    const { id } = parseParams(ctx, deviceParams);
    const body = parseBody(ctx, dispatchBody);
    requireCommandRole(ctx, body.type);
    // Checked here too (the service checks again) so a bad field is named as the request's.
    const params = parseBody(ctx, z.object({ params: (commandParamsSchemas[body.type] as z.ZodType).prefault({}) }).loose()).params as Record<string, unknown>;
    const command = await commands.dispatch({
        deviceId: id,
        type: body.type,
        params,
        actor: actorOf(ctx),
        ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
        ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
        ...(body.idempotencyKey !== undefined ? { idempotencyKey: body.idempotencyKey } : {}),
      });
    if (FINAL_COMMAND_STATUSES.has(command.status)) return ok(ctx, command, 200);
    // An offline device's command waits for it, persisted; nobody should hold a request open for that.
    if (!body.wait || (command.status === 'QUEUED' && !context.channel.isConnected(id))) return ok(ctx, command, 202);
    const latest = await commands.waitForFinal(command.id, Math.min(maxWaitMs, command.timeoutMs + WAIT_GRACE_MS));
    ok(ctx, latest, FINAL_COMMAND_STATUSES.has(latest.status) ? 200 : 202);
  });

  router.get('/commands', operator, async (ctx) => {
    const id = knownDevice(ctx);
    const filter = parseQuery(ctx, listQuery);
    const page = await commands.list(id, filter);
    const { role } = ctx.state.principal as Principal;
    ok(ctx, { items: page.items.map((command) => redactCommandFor(role, command)), total: page.total, limit: filter.limit, offset: filter.offset });
  });

  const ownCommand = async (ctx: Context): Promise<CommandRecord> => {
    const id = knownDevice(ctx);
    const { cmdId } = parseParams(ctx, commandParams);
    const command = await commands.get(cmdId);
    if (!command || command.deviceId !== id) throw new ApiError('NOT_FOUND', `Command ${cmdId} not found for device ${id}`);
    return command;
  };

  router.get('/commands/:cmdId', operator, async (ctx) => ok(ctx, redactCommandFor((ctx.state.principal as Principal).role, await ownCommand(ctx))));

  router.post('/commands/:cmdId/cancel', manager, async (ctx) => {
    const command = await ownCommand(ctx);
    requireCommandRole(ctx, command.type);
    ok(ctx, await commands.cancel(command.id, actorOf(ctx)));
  });

  // Pulls recent log lines from the device over its channel: a live read, so an offline device is a 503 at once.
  router.get('/logs', manager, async (ctx) => {
    const id = knownDevice(ctx);
    const query = parseQuery(ctx, logsQuery);
    if (!context.channel.isConnected(id)) throw new ApiError('SERVICE_UNAVAILABLE', `Device ${id} is offline: its logs cannot be pulled until it reconnects`, { deviceId: id, reason: 'DEVICE_OFFLINE' });
    const timeoutMs = Math.min(query.timeoutMs ?? defaultTimeoutMs, maxWaitMs);
    const command = await commands.dispatch({
        deviceId: id,
        type: 'pull_logs',
        params: { lines: query.lines },
        timeoutMs,
        // Not worth sending later: whoever asked has stopped waiting by then.
        expiresAt: new Date(Date.now() + timeoutMs).toISOString(),
        actor: actorOf(ctx),
      });
    const done = await commands.waitForFinal(command.id, timeoutMs + WAIT_GRACE_MS);
    const details = { deviceId: id, commandId: done.id, status: done.status };
    if (done.status === 'SUCCEEDED') {
      const result = done.result as { lines?: unknown } | unknown[] | null;
      const lines = Array.isArray(result) ? result : Array.isArray(result?.lines) ? result.lines : [];
      return ok(ctx, { deviceId: id, commandId: done.id, lines });
    }
    if (done.status === 'FAILED') throw new ApiError('SERVICE_UNAVAILABLE', `Device ${id} could not read its logs: ${done.error?.message ?? 'no reason given'}`, { ...details, error: done.error });
    if (done.status === 'EXPIRED' || done.status === 'QUEUED' || done.status === 'SENT') {
      throw new ApiError('GATEWAY_TIMEOUT', `Device ${id} did not take the logs request within ${timeoutMs} ms (it went offline or did not acknowledge)`, details);
    }
    throw new ApiError('GATEWAY_TIMEOUT', `Device ${id} did not answer with its logs within ${timeoutMs} ms`, details);
  });

  return router;
}
