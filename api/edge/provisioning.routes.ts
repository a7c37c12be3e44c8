import Router from '@koa/router';
import { z } from 'zod';
import type { ProvisioningContext, ProvisioningReply } from '../../machines/edge/provisioning.machine.js';
import { statusOf } from '../../machines/edge/provisioning.machine.js';
import type { AnyActorRef } from 'xstate';
import type { Logger } from '../../src/runtime/logger.js';
import type { WithQueries, WithTokens } from './edge-deps.js';
import { askActor } from '../http/actor-calls.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody } from '../http/validate.js';

export const signInBody = z.object({ email: z.string().min(1).max(256), password: z.string().min(1).max(256) }).strict();
export const activateBody = z
  .object({
    deviceId: z.string().min(1).max(64),
    // The spec's request repeats what GET /devices returned; only deviceId decides.
    deviceName: z.string().max(256).optional(),
    companyId: z.string().max(64).optional(),
    companyName: z.string().max(256).optional(),
    seqNumber: z.string().max(16).optional(),
    deviceMode: z.string().max(64).optional(),
  })
  .strict();

/** A refusal from the provisioning actor as an HTTP error; always says the current status. */
function failure(reply: Extract<ProvisioningReply, { ok: false }>): ApiError {
  const code = ({ CONFLICT: 'CONFLICT', NOT_FOUND: 'NOT_FOUND', UNAVAILABLE: 'SERVICE_UNAVAILABLE', UNAUTHORIZED: 'VALIDATION_ERROR', INVALID: 'VALIDATION_ERROR' } as const)[reply.kind];
  return new ApiError(code, reply.message, { status: reply.status });
}

/** What the provisioning routes need from the edge. */
export type ProvisioningRoutesDeps = WithTokens &
  WithQueries & {
    provisioning(): AnyActorRef;
    config: { cloud: { timeoutMs: number } };
    logger: Logger;
  };

/** The provisioning state without secrets: tokens never leave the edge. */
export function provisioningView(system: Pick<ProvisioningRoutesDeps, 'provisioning'>) {
  const snapshot = system.provisioning().getSnapshot() as { value: unknown; context: ProvisioningContext };
  const { device, email, error } = snapshot.context;
  return {
    status: statusOf(snapshot.value),
    deviceId: device?.deviceId ?? null,
    deviceIdentifier: device?.deviceIdentifier ?? null,
    companyId: device?.companyId ?? null,
    companyName: device?.companyName ?? null,
    deviceName: device?.deviceName ?? null,
    seqNumber: device?.seqNumber ?? null,
    industry: device?.industry ?? null,
    cloudAccount: email,
    error,
  };
}

export function provisioningRoutes(system: ProvisioningRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/provision' });
  const anyone = requireRole(system.tokens, 'OPERATOR');
  const manager = requireRole(system.tokens, 'MANAGER');
  const call = async (event: Record<string, unknown> & { type: string }) => {
    const reply = await askActor<ProvisioningReply>(system.provisioning(), (replyTo) => ({ ...event, replyTo }), system.config.cloud.timeoutMs + 5_000);
    if (!reply.ok) throw failure(reply);
    return reply;
  };

  router.get('/status', anyone, (ctx) => ok(ctx, provisioningView(system)));

  router.post('/signin', manager, async (ctx) => {
    const { email, password } = parseBody(ctx, signInBody);
    const reply = await call({ type: 'SIGN_IN', email, password });
    ok(ctx, { status: reply.status, cloudAccount: email });
  });

  router.get('/devices', manager, async (ctx) => {
    const reply = await call({ type: 'FETCH_DEVICES' });
    ok(ctx, reply.devices ?? []);
  });

  router.post('/activate', manager, async (ctx) => {
    const { deviceId } = parseBody(ctx, activateBody);
    await call({ type: 'ACTIVATE', deviceId });
    const { status: _status, cloudAccount: _account, error: _error, ...device } = provisioningView(system);
    // The spec puts `device` and `message` beside `success`; `data` carries the same for envelope readers.
    ctx.body = { success: true, data: { device }, device, message: 'Device activated successfully' };
  });

  router.post('/deprovision', requireRole(system.tokens, 'ADMIN'), async (ctx) => {
    const reply = await call({ type: 'DEPROVISION' });
    system.logger.warn({ user: ctx.state.principal?.username }, 'edge deprovisioned');
    ok(ctx, { status: reply.status });
  });

  router.get('/device', anyone, async (ctx) => {
    const view = provisioningView(system);
    if (view.status !== 'PROVISIONED') throw new ApiError('CONFLICT', 'No device is provisioned', { status: view.status });
    const { status: _status, cloudAccount: _account, ...device } = view;
    ok(ctx, { ...device, lastBatchIdentifier: await system.queries.batches.lastIdentifier(), lastPalletIdentifier: null });
  });

  return router;
}
