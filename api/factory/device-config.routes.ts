import Router from '@koa/router';
import { z } from 'zod';
import type { AuditActor } from '../../src/domain/audit-actor.js';
import { type EdgeRuntimeConfig, edgeRuntimeConfigSchema } from '../../src/domain/device-commands.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { parseBody, parseParams } from '../http/validate.js';
import { actorOf } from './audit-actor.js';
import { deviceParams } from './schemas.js';

export const putDeviceConfigBody = z
  .object({
    /** The version the client read (0 when the device has none yet). */
    version: z.number().int().min(0),
    config: edgeRuntimeConfigSchema,
    push: z.boolean().default(true),
  })
  .strict();


/** What the routes need from the desired-configuration service (src/factory/device-config/device-config-service.ts). */
export interface DeviceConfigRoutesService {
  view(deviceId: string): Promise<object>;
  update(update: { deviceId: string; version: number; config: EdgeRuntimeConfig; push: boolean; actor: AuditActor }): Promise<object>;
}

/** `GET/PUT /api/v1/devices/{id}/config`: desired config (OPERATOR reads, MANAGER writes and pushes). */
export function deviceConfigRoutes(tokens: TokenIssuer, service: DeviceConfigRoutesService): Router {
  const router = new Router({ prefix: '/api/v1/devices' });

  router.get('/:id/config', requireRole(tokens, 'OPERATOR'), async (ctx) => {
    const { id } = parseParams(ctx, deviceParams);
    ok(ctx, await service.view(id));
  });

  router.put('/:id/config', requireRole(tokens, 'MANAGER'), async (ctx) => {
    const { id } = parseParams(ctx, deviceParams);
    const body = parseBody(ctx, putDeviceConfigBody);
    ok(ctx, await service.update({ deviceId: id, version: body.version, config: body.config, push: body.push, actor: actorOf(ctx) }));
  });

  return router;
}
