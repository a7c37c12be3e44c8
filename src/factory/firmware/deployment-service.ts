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
import type { CommandPort, CommandRecord, DispatchRequest } from '../../domain/ports/command-port.js';
import type { AbortDeploymentRequest, CreateDeploymentRequest } from '../../domain/ports/firmware-requests.js';
import type { SupervisedActors } from '../extension.js';
import type { FactoryEvent } from '../factory-events.js';
import type { DeploymentEvent } from '../../../machines/factory/deployment.machine.js';
import { deploymentCommandKey, deploymentEventFor } from './command-events.js';
import { createDeploymentTracker, type DeploymentTracker } from './deployment-tracker.js';
import { existingDeviceIds, groupMemberIds } from './device-targets.js';

export const DEPLOYMENT_DEFAULTS = { abortThresholdPercent: 50, abortMinDevices: 3, deviceTimeoutMs: 30 * 60_000 } as const;

/** Commands dispatched at once while a deployment starts (each is a stored, audited row). */
const DISPATCH_CONCURRENCY = 16;

export type { AbortDeploymentRequest, CreateDeploymentRequest };

const actorName = (actor: AuditActor) => ('userId' in actor ? actor.username : 'system' in actor ? actor.system : actor.deviceId);

export interface DeploymentServiceOptions {
  db: Knex;
  bus: EventBus<FactoryEvent>;
  logger: Logger;
  /** Read when needed: the commands extension offers it on the shared context. */
  commands: () => CommandPort | undefined;
  /** Where the deployment machines run (the factory's `deployments` supervisor); without it, in the tracker. */
  actors?: SupervisedActors;
  /** The softwareVersion a device last reported (hello, heartbeats), if known: a success must agree with it. */
  reportedVersion?: (deviceId: string) => string | undefined;
  /** The site's time zone: a maintenance window without its own is read in it. */
  siteTimeZone?: string;
}

/** What the steps below share: storage, the tracker of live deployments, and the command port. */
interface Steps {
  db: Knex;
  logger: Logger;
  tracker: DeploymentTracker;
  commands: () => CommandPort | undefined;
  /** Turns a command's state into its device's deployment event (with the reported-version check). */
  eventFor: (command: CommandRecord) => DeploymentEvent | null;
}

const SYSTEM: AuditActor = { system: 'firmware' };

/** The command port, or UNAVAILABLE when this server has none (commands feature off). */
function requirePort(steps: Steps): CommandPort {
  const commands = steps.commands();
  if (!commands) throw new DomainError('UNAVAILABLE', 'Device commands are not available on this server');
  return commands;
}

/** The devices a request names (listed, and a group's members), each once; all must be registered. */
async function resolveTargets(trx: Knex.Transaction, request: CreateDeploymentRequest): Promise<string[]> {
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
  return [...targets].sort();
}

/** A new running deployment with every device queued (pure: the caller stores it). */
function newDeployment(id: string, release: FirmwareRelease, deviceIds: string[], request: CreateDeploymentRequest, createdAt: string, siteTimeZone: string): FirmwareDeploymentWithDevices {
  return {
    id,
    releaseId: release.id,
    status: 'running',
    abortThresholdPercent: request.abortThresholdPercent ?? DEPLOYMENT_DEFAULTS.abortThresholdPercent,
    abortMinDevices: request.abortMinDevices ?? DEPLOYMENT_DEFAULTS.abortMinDevices,
    deviceTimeoutMs: request.deviceTimeoutMs ?? DEPLOYMENT_DEFAULTS.deviceTimeoutMs,
    createdBy: 'userId' in request.actor ? request.actor.username : null,
    createdAt,
    finishedAt: null,
    reason: null,
    abortedBy: null,
    confirmTimeoutMs: request.confirmTimeoutMs ?? null,
    maintenanceWindow: request.maintenanceWindow ? { ...request.maintenanceWindow, timeZone: request.maintenanceWindow.timeZone ?? siteTimeZone } : null,
    installMode: request.installMode ?? 'soft',
    devices: deviceIds.map((deviceId) => ({ deviceId, state: 'queued', error: null, commandId: null, updatedAt: createdAt })),
  };
}

/**
 * One device's update_firmware command: the release (signed), the deployment, and the device
 * timeout as both the command's timeout and its expiry, so the command service's persisted
 * deadlines time devices out across restarts.
 */
function updateFirmwareCommand(deployment: FirmwareDeployment, release: FirmwareRelease, deviceId: string, actor: AuditActor): DispatchRequest {
  return {
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
      ...(deployment.maintenanceWindow ? { maintenanceWindow: deployment.maintenanceWindow } : {}),
      installMode: deployment.installMode,
    },
    timeoutMs: deployment.deviceTimeoutMs,
    expiresAt: new Date(Date.parse(deployment.createdAt) + deployment.deviceTimeoutMs).toISOString(),
    idempotencyKey: deploymentCommandKey(deployment.id, deviceId),
    actor,
  };
}

/** Cancels the commands of skipped devices where they were not sent yet (after an abort). */
async function cancelSkipped(steps: Steps, deploymentId: string, deviceIds: string[]): Promise<void> {
  const commands = steps.commands();
  if (!commands || deviceIds.length === 0) return;
  const deployment = await getDeployment(steps.db, deploymentId);
  for (const device of deployment?.devices ?? []) {
    if (!device.commandId || !deviceIds.includes(device.deviceId)) continue;
    await commands.cancel(device.commandId, SYSTEM).catch((error: unknown) => {
      // Already sent to the device: it may run; its result is still recorded (see the deployment machine).
      if (error instanceof DomainError && error.kind === 'CONFLICT') steps.logger.info({ deploymentId, deviceId: device.deviceId }, 'skipped device command already sent; not canceled');
      else steps.logger.warn({ err: error, deploymentId, deviceId: device.deviceId }, 'could not cancel a skipped device command');
    });
  }
}

/** Sends one device its command and applies what it already shows (a fast device, or a command already final). */
async function dispatchOne(steps: Steps, commands: CommandPort, deployment: FirmwareDeployment, release: FirmwareRelease, deviceId: string, actor: AuditActor): Promise<void> {
  const { tracker } = steps;
  try {
    const command = await commands.dispatch(updateFirmwareCommand(deployment, release, deviceId, actor));
    await setDeploymentCommand(steps.db, deployment.id, deviceId, command.id);
    // Aborted while this command was being created: the abort's cancel could not see it yet.
    if (tracker.context(deployment.id)?.devices[deviceId]?.state === 'skipped') await cancelSkipped(steps, deployment.id, [deviceId]);
    const event = steps.eventFor(command);
    if (event) await tracker.apply(deployment.id, event);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await tracker.apply(deployment.id, { type: 'device.result', deviceId, ok: false, error: `dispatch failed: ${message}`, at: new Date().toISOString() });
  }
}

/** Dispatches to `deviceIds`, DISPATCH_CONCURRENCY at a time, until the deployment stops running (aborted meanwhile: the rest stay skipped). */
async function dispatchTo(steps: Steps, deployment: FirmwareDeployment, release: FirmwareRelease, deviceIds: string[], actor: AuditActor): Promise<void> {
  const commands = requirePort(steps);
  const queue = [...deviceIds];
  const worker = async () => {
    for (let deviceId = queue.shift(); deviceId !== undefined; deviceId = queue.shift()) {
      if (steps.tracker.context(deployment.id)?.status !== 'running') return;
      await dispatchOne(steps, commands, deployment, release, deviceId, actor);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DISPATCH_CONCURRENCY, deviceIds.length) }, worker));
}

/** Brings one stored deployment back under watch and catches up on what its commands did meanwhile. */
async function resume(steps: Steps, deploymentId: string): Promise<void> {
  const deployment = await getDeployment(steps.db, deploymentId);
  if (!deployment) return;
  const release = await getRelease(steps.db, deployment.releaseId);
  steps.tracker.follow(deployment, { id: deployment.releaseId, version: release?.version ?? '' });
  const commands = steps.commands();
  if (!commands) return;
  for (const device of deployment.devices) {
    if (!device.commandId) continue;
    const command = await commands.get(device.commandId);
    const event = command ? steps.eventFor(command) : null;
    if (event) await steps.tracker.apply(deploymentId, event);
  }
  const undispatched = deployment.devices.filter((d) => d.commandId === null && d.state === 'queued').map((d) => d.deviceId);
  if (release && deployment.status === 'running' && undispatched.length > 0) await dispatchTo(steps, deployment, release, undispatched, SYSTEM);
}

/** A command change that concerns a deployment this server follows: only the deployment's own command moves its device. */
function onCommandChanged(steps: Steps, command: CommandRecord): void {
  if (command.type !== 'update_firmware') return;
  const deploymentId = command.params.deploymentId;
  if (typeof deploymentId !== 'string' || !steps.tracker.isFollowing(deploymentId)) return;
  if (command.idempotencyKey !== deploymentCommandKey(deploymentId, command.deviceId)) return;
  const event = steps.eventFor(command);
  if (event) void steps.tracker.apply(deploymentId, event);
}

/**
 * Firmware deployments: stores a deployment and its devices (queued), dispatches one
 * update_firmware command per device through the command service, and follows the commands'
 * changes (bus `command.changed`) into the deployment's machine, which runs under the factory's
 * `deployments` supervisor. After a restart the service resumes: it reads each live device's
 * command for what it missed and dispatches what was never sent (idempotency keys make that safe).
 */
export function createDeploymentService(options: DeploymentServiceOptions) {
  const { db, bus, logger } = options;
  const tracker: DeploymentTracker = createDeploymentTracker({
    db,
    bus,
    logger,
    onAborted: (deploymentId, skipped) => void cancelSkipped(steps, deploymentId, skipped),
    ...(options.actors ? { actors: options.actors } : {}),
  });
  const steps: Steps = { db, logger, tracker, commands: options.commands, eventFor: (command) => deploymentEventFor(command, options.reportedVersion) };
  let off: (() => void) | null = null;

  return {
    async start(): Promise<void> {
      off = bus.subscribe('command.changed', ({ command }) => onCommandChanged(steps, command));
      for (const id of await liveDeploymentIds(db)) {
        await resume(steps, id).catch((error: unknown) => logger.error({ err: error, deploymentId: id }, 'could not resume a firmware deployment'));
      }
    },

    async create(request: CreateDeploymentRequest): Promise<FirmwareDeploymentWithDevices> {
      const id = nextId('dep-');
      const created = await audited(db, { actor: request.actor, action: 'firmware.deployment.create', entityType: 'firmware_deployment', entityId: id }, async (trx) => {
        requirePort(steps);
        const release = await getRelease(trx, request.releaseId);
        if (!release) throw new DomainError('NOT_FOUND', `Firmware release ${request.releaseId} not found`);
        const deployment = newDeployment(id, release, await resolveTargets(trx, request), request, new Date().toISOString(), options.siteTimeZone ?? 'UTC');
        const { devices, ...row } = deployment;
        await insertDeployment(trx, row, devices);
        return { result: { deployment, release }, after: { ...row, releaseVersion: release.version, deviceIds: devices.map((d) => d.deviceId) } };
      });
      tracker.follow(created.deployment, created.release);
      await dispatchTo(steps, created.deployment, created.release, created.deployment.devices.map((d) => d.deviceId), request.actor);
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
