import type { Knex } from 'knex';
import { type AuditActor, audited, recordAudit } from '../../../adapters/store/factory/audit-log.js';
import {
  deviceStateCounts,
  type FirmwareDeployment,
  type FirmwareDeploymentWithDevices,
  type FirmwareRelease,
  getDeployment,
  getRelease,
  insertDeployment,
  listDeployments,
  liveDeploymentIds,
  setDeploymentCommand,
} from '../../../adapters/store/factory/firmware-store.js';
import { DomainError } from '../../domain/domain-error.js';
import { nextId } from '../../domain/ids.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { Logger } from '../../runtime/logger.js';
import type { CommandPort, CommandRecord } from '../commands/command-port.js';
import type { FactoryEvent } from '../factory-events.js';
import { deploymentCommandKey, deploymentEventFor } from './command-events.js';
import { createDeploymentTracker } from './deployment-tracker.js';
import { existingDeviceIds, groupMemberIds } from './device-targets.js';

export const DEPLOYMENT_DEFAULTS = { abortThresholdPercent: 50, abortMinDevices: 3, deviceTimeoutMs: 30 * 60_000 } as const;

/** Commands dispatched at once while a deployment starts (each is a stored, audited row). */
const DISPATCH_CONCURRENCY = 16;

export interface CreateDeploymentRequest {
  releaseId: string;
  deviceIds?: string[];
  groupId?: string;
  abortThresholdPercent?: number;
  abortMinDevices?: number;
  deviceTimeoutMs?: number;
  confirmTimeoutMs?: number;
  actor: AuditActor;
}

export interface AbortDeploymentRequest {
  actor: AuditActor;
  /** Why, in the operator's words; recorded as the deployment's reason. */
  reason?: string;
}

const actorName = (actor: AuditActor) => ('userId' in actor ? actor.username : 'system' in actor ? actor.system : actor.deviceId);

export interface DeploymentServiceOptions {
  db: Knex;
  bus: EventBus<FactoryEvent>;
  logger: Logger;
  /** Read when needed: the commands extension offers it on the shared context. */
  commands: () => CommandPort | undefined;
}


/**
 * Firmware deployments: stores a deployment and its devices (queued), dispatches one
 * update_firmware command per device through the command service, and follows the commands'
 * changes (bus `command.changed`) into the deployment machine. Every device's command carries
 * the deployment's device timeout as its own timeout and expiry, so the command service's
 * persisted deadlines time devices out, across restarts. After a restart the service resumes:
 * it reads each live device's command for what it missed and dispatches what was never sent
 * (idempotency keys make that safe).
 */
export function createDeploymentService(options: DeploymentServiceOptions) {
  const { db, bus, logger } = options;
  const system: AuditActor = { system: 'firmware' };
  const tracker = createDeploymentTracker({
    db,
    bus,
    logger,
    onAborted: (deploymentId, skipped) => void cancelSkipped(deploymentId, skipped),
  });
  let off: (() => void) | null = null;

  const port = () => {
    const commands = options.commands();
    if (!commands) throw new DomainError('UNAVAILABLE', 'Device commands are not available on this server');
    return commands;
  };

  async function cancelSkipped(deploymentId: string, deviceIds: string[]): Promise<void> {
    const commands = options.commands();
    if (!commands || deviceIds.length === 0) return;
    const deployment = await getDeployment(db, deploymentId);
    for (const device of deployment?.devices ?? []) {
      if (!device.commandId || !deviceIds.includes(device.deviceId)) continue;
      await commands.cancel(device.commandId, system).catch((error: unknown) => {
        // Already sent to the device: it may run; its result is still recorded (see the deployment machine).
        if (error instanceof DomainError && error.kind === 'CONFLICT') logger.info({ deploymentId, deviceId: device.deviceId }, 'skipped device command already sent; not canceled');
        else logger.warn({ err: error, deploymentId, deviceId: device.deviceId }, 'could not cancel a skipped device command');
      });
    }
  }

  function onCommand(command: CommandRecord): void {
    if (command.type !== 'update_firmware') return;
    const deploymentId = command.params.deploymentId;
    if (typeof deploymentId !== 'string' || !tracker.isFollowing(deploymentId)) return;
    // Only the deployment's own command moves its device (not another update_firmware naming it).
    if (command.idempotencyKey !== deploymentCommandKey(deploymentId, command.deviceId)) return;
    const event = deploymentEventFor(command);
    if (event) void tracker.apply(deploymentId, event);
  }

  async function dispatchTo(deployment: FirmwareDeployment, release: FirmwareRelease, deviceIds: string[], actor: AuditActor): Promise<void> {
    const commands = port();
    const expiresAt = new Date(Date.parse(deployment.createdAt) + deployment.deviceTimeoutMs).toISOString();
    const queue = [...deviceIds];
    const worker = async () => {
      for (let deviceId = queue.shift(); deviceId !== undefined; deviceId = queue.shift()) {
        // Aborted meanwhile (by hand or by its threshold): the rest stay skipped, nothing more is sent.
        if (tracker.context(deployment.id)?.status !== 'running') return;
        try {
          const command = await commands.dispatch({
            deviceId,
            type: 'update_firmware',
            params: {
              releaseId: release.id,
              version: release.version,
              artifactPath: `/api/v1/firmware/releases/${release.id}/artifact`,
              sha256: release.sha256,
              size: release.size,
              ...(release.signature && release.signatureKeyId ? { signature: release.signature, signatureKeyId: release.signatureKeyId } : {}),
              deploymentId: deployment.id,
              ...(deployment.confirmTimeoutMs !== null ? { confirmTimeoutMs: deployment.confirmTimeoutMs } : {}),
            },
            timeoutMs: deployment.deviceTimeoutMs,
            expiresAt,
            idempotencyKey: deploymentCommandKey(deployment.id, deviceId),
            actor,
          });
          await setDeploymentCommand(db, deployment.id, deviceId, command.id);
          // Aborted while this command was being created: the abort's cancel could not see it yet.
          if (tracker.context(deployment.id)?.devices[deviceId]?.state === 'skipped') await cancelSkipped(deployment.id, [deviceId]);
          // What happened before we listened for it (a fast device, or a command already final).
          const event = deploymentEventFor(command);
          if (event) await tracker.apply(deployment.id, event);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await tracker.apply(deployment.id, { type: 'device.result', deviceId, ok: false, error: `dispatch failed: ${message}`, at: new Date().toISOString() });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DISPATCH_CONCURRENCY, deviceIds.length) }, worker));
  }

  /** Brings one stored deployment back under watch and catches up on what its commands did meanwhile. */
  async function resume(deploymentId: string): Promise<void> {
    const deployment = await getDeployment(db, deploymentId);
    if (!deployment) return;
    const release = await getRelease(db, deployment.releaseId);
    tracker.follow(deployment, { id: deployment.releaseId, version: release?.version ?? '' });
    const commands = options.commands();
    if (!commands) return;
    for (const device of deployment.devices) {
      if (device.commandId) {
        const command = await commands.get(device.commandId);
        const event = command ? deploymentEventFor(command) : null;
        if (event) await tracker.apply(deploymentId, event);
      }
    }
    const undispatched = deployment.devices.filter((d) => d.commandId === null && d.state === 'queued').map((d) => d.deviceId);
    if (release && deployment.status === 'running' && undispatched.length > 0) await dispatchTo(deployment, release, undispatched, system);
  }

  return {
    async start(): Promise<void> {
      off = bus.subscribe('command.changed', ({ command }) => onCommand(command));
      for (const id of await liveDeploymentIds(db)) {
        await resume(id).catch((error: unknown) => logger.error({ err: error, deploymentId: id }, 'could not resume a firmware deployment'));
      }
    },

    async create(request: CreateDeploymentRequest): Promise<FirmwareDeploymentWithDevices> {
      const { actor } = request;
      const id = nextId('dep-');
      const deployment = await audited(db, { actor, action: 'firmware.deployment.create', entityType: 'firmware_deployment', entityId: id }, async (trx) => {
        port();
        const release = await getRelease(trx, request.releaseId);
        if (!release) throw new DomainError('NOT_FOUND', `Firmware release ${request.releaseId} not found`);
        const targets = new Set(request.deviceIds ?? []);
        if (request.groupId !== undefined) {
          const members = await groupMemberIds(trx, request.groupId);
          if (members === null) throw new DomainError('NOT_FOUND', `Device group ${request.groupId} not found`);
          members.forEach((m) => targets.add(m));
        }
        if (targets.size === 0) throw new DomainError('INVALID', 'The deployment has no devices (an empty group?)', { field: 'deviceIds', reason: 'no devices to deploy to' });
        const known = await existingDeviceIds(trx, [...targets]);
        const missing = [...targets].filter((d) => !known.has(d));
        if (missing.length > 0) throw new DomainError('NOT_FOUND', `Unknown devices: ${missing.slice(0, 10).join(', ')}`, { missing });
        const createdAt = new Date().toISOString();
        const created: FirmwareDeploymentWithDevices = {
          id,
          releaseId: release.id,
          status: 'running',
          abortThresholdPercent: request.abortThresholdPercent ?? DEPLOYMENT_DEFAULTS.abortThresholdPercent,
          abortMinDevices: request.abortMinDevices ?? DEPLOYMENT_DEFAULTS.abortMinDevices,
          deviceTimeoutMs: request.deviceTimeoutMs ?? DEPLOYMENT_DEFAULTS.deviceTimeoutMs,
          createdBy: 'userId' in actor ? actor.username : null,
          createdAt,
          finishedAt: null,
          reason: null,
          abortedBy: null,
          confirmTimeoutMs: request.confirmTimeoutMs ?? null,
          devices: [...targets].sort().map((deviceId) => ({ deviceId, state: 'queued', error: null, commandId: null, updatedAt: createdAt })),
        };
        const { devices, ...row } = created;
        await insertDeployment(trx, row, devices);
        return { result: { deployment: created, release }, after: { ...row, releaseVersion: release.version, deviceIds: devices.map((d) => d.deviceId) } };
      });
      tracker.follow(deployment.deployment, deployment.release);
      await dispatchTo(deployment.deployment, deployment.release, deployment.deployment.devices.map((d) => d.deviceId), actor);
      return (await getDeployment(db, id))!;
    },

    /**
     * Stops a running deployment by hand: its queued devices are skipped (their commands canceled
     * where they were not sent yet), devices at work are followed to their end. Audited to the
     * user, in the transaction that stores the end; a refusal (unknown, already ended) as a failure.
     */
    async abort(id: string, request: AbortDeploymentRequest): Promise<FirmwareDeploymentWithDevices> {
      const { actor } = request;
      const action = 'firmware.deployment.abort';
      const refuse = async (error: DomainError): Promise<never> => {
        await recordAudit(db, { actor, action, entityType: 'firmware_deployment', entityId: id, outcome: 'failure', detail: `${error.kind}: ${error.message}` });
        throw error;
      };
      const stored = await getDeployment(db, id);
      if (!stored) return refuse(new DomainError('NOT_FOUND', `Firmware deployment ${id} not found`));
      if (stored.status === 'running' && !tracker.isFollowing(id)) {
        // Not under watch (its resume failed at start): follow it from its rows so it can end properly.
        const release = await getRelease(db, stored.releaseId);
        tracker.follow(stored, { id: stored.releaseId, version: release?.version ?? '' });
      }
      const status = tracker.context(id)?.status ?? stored.status;
      if (status !== 'running') return refuse(new DomainError('CONFLICT', `Firmware deployment ${id} has already ended (${status})`, { status }));
      await tracker.apply(id, { type: 'deployment.abort', by: actorName(actor), reason: request.reason ?? null, at: new Date().toISOString() }, { actor, action });
      return (await getDeployment(db, id))!;
    },

    get: (id: string) => getDeployment(db, id),
    async list(filter: { releaseId?: string; deviceId?: string; limit: number }) {
      const deployments = await listDeployments(db, filter);
      const counts = await deviceStateCounts(db, deployments.map((d) => d.id));
      return deployments.map((d) => ({ ...d, counts: counts.get(d.id) ?? {} }));
    },

    /** Waits until every progress change in flight is stored (tests, shutdown). */
    settle: () => tracker.settle(),

    async stop(): Promise<void> {
      off?.();
      await tracker.settle();
      tracker.stop();
    },
  };
}

export type DeploymentService = ReturnType<typeof createDeploymentService>;
