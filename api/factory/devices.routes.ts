import Router from '@koa/router';
import { z } from 'zod';
import type { DeviceRecord } from '../../adapters/store/factory/device-store.js';
import type { IssuedToken } from '../../adapters/store/factory/device-executor.js';
import { reportedStatusSchema } from '../../src/domain/device-channel.js';
import type { AnyActorRef } from 'xstate';
import type { WithDeviceAuth, WithFleet, WithPresence, WithQueries, WithTokens } from './factory-deps.js';
import { doWork } from '../http/actor-calls.js';
import { requireRole } from '../http/auth.js';
import { requireDevice, type DevicePrincipal } from '../http/device-auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseParams } from '../http/validate.js';
import { actorOf } from './audit-actor.js';
import { createDeviceBody, deviceParams, updateDeviceBody } from './schemas.js';

export const heartbeatBody = z.object({ status: reportedStatusSchema.optional() }).strict();

/** What the device routes need from the factory: writes through its device worker, reads through the queries. */
export type DeviceRoutesDeps = WithTokens & WithDeviceAuth & WithFleet & WithPresence & WithQueries & { devices(): AnyActorRef };

/** A stored device with its live session (status from its session actor, channel from the hub). */
export function deviceView(system: WithFleet, isConnected: (id: string) => boolean, device: DeviceRecord) {
  const session = system.fleet.status(device.id);
  return {
    id: device.id,
    name: device.name,
    lineId: device.lineId,
    description: device.description,
    connectionMode: device.connectionMode ?? session?.reported?.mode ?? null,
    status: session?.status ?? 'offline',
    lastHeartbeat: session?.lastSeenAt != null ? new Date(session.lastSeenAt).toISOString() : device.lastSeenAt,
    connected: isConnected(device.id),
    reported: session?.reported ?? device.reported ?? null,
    tokenIssued: device.tokenId !== null,
    createdAt: device.createdAt,
    updatedAt: device.updatedAt,
  };
}

/** Device registry, device tokens, live sessions, and the HTTP heartbeat. */
export function deviceRoutes(system: DeviceRoutesDeps, hub: { connected(): unknown[]; isConnected(id: string): boolean }): Router {
  const router = new Router({ prefix: '/api/v1/devices' });
  const anyone = requireRole(system.tokens, 'OPERATOR');
  const manager = requireRole(system.tokens, 'MANAGER');
  const view = (device: DeviceRecord) => deviceView(system, (id) => hub.isConnected(id), device);

  router.get('/', anyone, async (ctx) => {
    ok(ctx, (await system.queries.devices.list()).map(view));
  });

  router.post('/', manager, async (ctx) => {
    const body = parseBody(ctx, createDeviceBody);
    const device = await doWork<DeviceRecord>(system.devices(), {
      actor: actorOf(ctx),
      op: 'create',
      device: { id: body.id, name: body.name, lineId: body.lineId ?? null, connectionMode: body.connectionMode ?? null, description: body.description ?? null },
    });
    ok(ctx, view(device), 201);
  });

  // Before `/:id`, which would otherwise take "connected" for a device id.
  router.get('/connected', anyone, (ctx) => ok(ctx, hub.connected()));

  router.get('/:id', anyone, async (ctx) => {
    const { id } = parseParams(ctx, deviceParams);
    const device = await system.queries.devices.get(id);
    if (!device) throw new ApiError('NOT_FOUND', `Device ${id} not found`);
    ok(ctx, view(device));
  });

  router.put('/:id', manager, async (ctx) => {
    const { id } = parseParams(ctx, deviceParams);
    const patch = parseBody(ctx, updateDeviceBody);
    ok(ctx, view(await doWork<DeviceRecord>(system.devices(), { actor: actorOf(ctx), op: 'update', id, patch })));
  });

  router.delete('/:id', manager, async (ctx) => {
    const { id } = parseParams(ctx, deviceParams);
    ok(ctx, await doWork<{ id: string }>(system.devices(), { actor: actorOf(ctx), op: 'remove', id }));
  });

  // The token is shown once, here; only its id is stored.
  router.post('/:id/token', manager, async (ctx) => {
    const { id } = parseParams(ctx, deviceParams);
    const issued = await doWork<IssuedToken>(system.devices(), { actor: actorOf(ctx), op: 'issueToken', id });
    ctx.set('Cache-Control', 'no-store');
    ok(ctx, issued, 201);
  });

  router.post('/:id/heartbeat', requireDevice(system.deviceTokens, system.registry.isCurrent), async (ctx) => {
    const { id } = parseParams(ctx, deviceParams);
    const device = ctx.state.device as DevicePrincipal;
    if (device.deviceId !== id) throw new ApiError('FORBIDDEN', `This token belongs to device ${device.deviceId}, not ${id}`);
    const { status } = parseBody(ctx, heartbeatBody);
    system.presence.heartbeat(id, status);
    const session = system.fleet.status(id);
    ok(ctx, { deviceId: id, status: session?.status ?? 'online', receivedAt: new Date().toISOString() });
  });

  return router;
}
