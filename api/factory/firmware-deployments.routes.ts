import Router from '@koa/router';
import { z } from 'zod';
import { maintenanceWindowSchema } from '../../src/domain/maintenance-window.js';
import type { FirmwareDeploymentWithDevices } from '../../adapters/store/factory/firmware-store.js';
import { countDevices, type DeploymentDevice } from '../../machines/factory/deployment.machine.js';
import type { AbortDeploymentRequest, CreateDeploymentRequest } from '../../src/domain/ports/firmware-requests.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { actorOf } from './audit-actor.js';

const id = z.string().min(1).max(100);

export const createBody = z
  .object({
    releaseId: id,
    deviceIds: z.array(id).min(1).max(10_000).optional(),
    groupId: id.optional(),
    /** Abort when more than this share of the finished devices failed … */
    abortThresholdPercent: z.number().int().min(0).max(100).optional(),
    /** … once at least this many devices have finished. */
    abortMinDevices: z.number().int().min(1).max(100_000).optional(),
    /** Per device: to be delivered, and again from delivery to the result (the command's expiry and timeout). */
    deviceTimeoutMs: z.number().int().min(100).max(24 * 3600_000).optional(),
    /** How long each device's new version has to say hello and report healthy before its edge rolls it back (default: the edge's setting). */
    confirmTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
    /** Devices download at once but install only inside this window (cron in the site's time zone unless timeZone is given). */
    maintenanceWindow: maintenanceWindowSchema.optional(),
    /** soft (default): each edge also waits until its line is paused, disabled or idle before it installs; forced: it does not. */
    installMode: z.enum(['soft', 'forced']).optional(),
  })
  .strict()
  .refine((b) => b.deviceIds !== undefined || b.groupId !== undefined, { message: 'name deviceIds, a groupId, or both', path: ['deviceIds'] });

export const listQuery = z
  .object({
    releaseId: id.optional(),
    deviceId: id.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const deploymentParams = z.object({ id }).strict();

/** Why the deployment is stopped (optional); kept as the deployment's reason. */
export const abortBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

function deploymentView(deployment: FirmwareDeploymentWithDevices) {
  const states: Record<string, DeploymentDevice> = {};
  for (const d of deployment.devices) states[d.deviceId] = d;
  return { ...deployment, counts: countDevices(states) };
}

/** What the deployment routes need from the firmware feature (src/factory/firmware/deployment-service.ts). */
export interface DeploymentRoutesService {
  create(request: CreateDeploymentRequest): Promise<FirmwareDeploymentWithDevices>;
  list(filter: { releaseId?: string; deviceId?: string; limit: number }): Promise<object[]>;
  get(id: string): Promise<FirmwareDeploymentWithDevices | null>;
  abort(id: string, request: AbortDeploymentRequest): Promise<FirmwareDeploymentWithDevices>;
}

/** `/api/v1/firmware/deployments`: start and abort a rollout (ADMIN), list and follow rollouts (OPERATOR). */
export function firmwareDeploymentRoutes(context: { tokens: TokenIssuer }, deployments: DeploymentRoutesService): Router {
  const router = new Router({ prefix: '/api/v1/firmware/deployments' });
  const operator = requireRole(context.tokens, 'OPERATOR');
  const admin = requireRole(context.tokens, 'ADMIN');

  router.post('/', admin, async (ctx) => {
    const body = parseBody(ctx, createBody);
    const created = await deployments.create({ ...body, actor: actorOf(ctx) });
    ok(ctx, deploymentView(created), 201);
  });

  router.get('/', operator, async (ctx) => {
    ok(ctx, await deployments.list(parseQuery(ctx, listQuery)));
  });

  router.get('/:id', operator, async (ctx) => {
    const { id: deploymentId } = parseParams(ctx, deploymentParams);
    const deployment = await deployments.get(deploymentId);
    if (!deployment) throw new ApiError('NOT_FOUND', `Firmware deployment ${deploymentId} not found`);
    ok(ctx, deploymentView(deployment));
  });

  router.post('/:id/abort', admin, async (ctx) => {
    const { id: deploymentId } = parseParams(ctx, deploymentParams);
    const { reason } = parseBody(ctx, abortBody);
    ok(ctx, deploymentView(await deployments.abort(deploymentId, { actor: actorOf(ctx), ...(reason !== undefined ? { reason } : {}) })));
  });

  return router;
}
