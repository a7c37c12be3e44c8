import type { Knex } from 'knex';
import { type ActorRefFrom, createActor } from 'xstate';
import { type AuditActor, audited } from '../../../adapters/store/factory/audit-log.js';
import { finishDeployment, type FirmwareDeploymentWithDevices, type FirmwareRelease, updateDeploymentDevice } from '../../../adapters/store/factory/firmware-store.js';
import {
  countDevices,
  type DeploymentContext,
  type DeploymentDevice,
  type DeploymentInput,
  type DeploymentMachineEvent,
  deploymentMachine,
  FINAL_DEVICE_STATES,
} from '../../../machines/factory/deployment.machine.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { Logger } from '../../runtime/logger.js';
import type { SupervisedActors } from '../extension.js';
import type { FactoryEvent } from '../factory-events.js';

export interface DeploymentChange {
  deploymentId: string;
  before: DeploymentContext;
  after: DeploymentContext;
  devices: Array<[string, DeploymentDevice]>;
  /** How the deployment's end is audited: the user and action of a manual abort, else the server's own. */
  audit: DeploymentAudit | null;
}

export interface DeploymentAudit {
  actor: AuditActor;
  action: string;
}

type DeploymentActor = ActorRefFrom<typeof deploymentMachine>;

interface LiveDeployment {
  actor: DeploymentActor;
  /** Ends the machine (removes it from its supervisor, or stops it). */
  end: () => void;
  release: Pick<FirmwareRelease, 'id' | 'version'>;
  /** Persistence of this deployment's changes, in the order they happened. */
  chain: Promise<void>;
}

export interface DeploymentTrackerOptions {
  db: Knex;
  bus: EventBus<FactoryEvent>;
  logger: Logger;
  /** A deployment just aborted: cancel the commands of its skipped devices where possible. */
  onAborted?(deploymentId: string, skippedDeviceIds: string[]): void;
  /** Where the machines run: under the factory's supervisor (`deployment` logic); without it, here. */
  actors?: SupervisedActors;
}

/**
 * The deployments the server follows: one deployment machine each, fed device events; every
 * change is persisted (device rows; the deployment's end with its audit entry, in one
 * transaction), then published on /ws/dashboard as `deployment_progress`. A deployment is let go
 * once none of its devices can change any more.
 */
export function createDeploymentTracker(options: DeploymentTrackerOptions) {
  const { db, bus, logger } = options;
  const live = new Map<string, LiveDeployment>();
  const inFlight = new Set<Promise<void>>();

  /** One deployment's machine: spawned under the supervisor when there is one, else started here. */
  function startMachine(deploymentId: string, input: DeploymentInput): { actor: DeploymentActor; end: () => void } {
    const supervised = options.actors?.spawn(deploymentId, 'deployment', input) as DeploymentActor | undefined;
    if (supervised) return { actor: supervised, end: () => options.actors?.remove(deploymentId) };
    if (options.actors) logger.warn({ deploymentId }, 'the deployments supervisor did not start this deployment: running its machine unsupervised');
    const local = createActor(deploymentMachine, { input });
    local.start();
    return { actor: local, end: () => local.stop() };
  }

  const stillMoving = (context: DeploymentContext) => Object.values(context.devices).some((d) => !FINAL_DEVICE_STATES.has(d.state));

  async function persist(change: DeploymentChange): Promise<void> {
    const { deploymentId, before, after, devices } = change;
    const audit = change.audit ?? { actor: { system: 'firmware' }, action: `firmware.deployment.${after.status}` };
    const writeDevices = async (trx: Knex.Transaction) => {
      for (const [deviceId, device] of devices) await updateDeploymentDevice(trx, deploymentId, deviceId, device);
    };
    if (before.status === after.status) {
      await db.transaction(writeDevices);
      return;
    }
    const summary = { status: after.status, finishedAt: after.finishedAt, reason: after.reason, abortedBy: after.abortedBy, counts: countDevices(after.devices) };
    await audited(db, { actor: audit.actor, action: audit.action, entityType: 'firmware_deployment', entityId: deploymentId }, async (trx) => {
      await writeDevices(trx);
      await finishDeployment(trx, deploymentId, after);
      return { result: undefined, before: { status: before.status }, after: summary };
    });
  }

  function publish(deployment: LiveDeployment, change: DeploymentChange): void {
    const { after } = change;
    const base = {
      deploymentId: change.deploymentId,
      releaseId: deployment.release.id,
      version: deployment.release.version,
      status: after.status,
      finishedAt: after.finishedAt,
      reason: after.reason,
      abortedBy: after.abortedBy,
      counts: countDevices(after.devices),
    };
    const devices = change.devices.length > 0 ? change.devices : [[null, null] as const];
    for (const [deviceId, device] of devices) {
      bus.publish({
        type: 'dashboard.push',
        message: { type: 'deployment_progress', data: { ...base, deviceId, state: device?.state ?? null, error: device?.error ?? null, at: device?.updatedAt ?? after.finishedAt } },
      });
    }
  }

  return {
    /** Starts following a deployment from its stored rows (new, or after a restart). */
    follow(deployment: FirmwareDeploymentWithDevices, release: Pick<FirmwareRelease, 'id' | 'version'>): void {
      if (live.has(deployment.id)) return;
      const devices: Record<string, DeploymentDevice> = {};
      for (const d of deployment.devices) devices[d.deviceId] = { state: d.state, error: d.error, updatedAt: d.updatedAt };
      const input: DeploymentInput = {
        status: deployment.status,
        devices,
        abortThresholdPercent: deployment.abortThresholdPercent,
        abortMinDevices: deployment.abortMinDevices,
        finishedAt: deployment.finishedAt,
        reason: deployment.reason,
        abortedBy: deployment.abortedBy,
      };
      const { actor, end } = startMachine(deployment.id, input);
      live.set(deployment.id, { actor, end, release, chain: Promise.resolve() });
    },

    isFollowing: (deploymentId: string) => live.has(deploymentId),
    context: (deploymentId: string) => live.get(deploymentId)?.actor.getSnapshot().context ?? null,

    /**
     * Feeds one event; returns once the change it caused (if any) is stored and published. `audit`
     * names who and what the deployment's end is audited as (a manual abort); by default the server.
     */
    apply(deploymentId: string, event: DeploymentMachineEvent, audit: DeploymentAudit | null = null): Promise<void> {
      const deployment = live.get(deploymentId);
      if (!deployment) return Promise.resolve();
      const before = deployment.actor.getSnapshot().context;
      deployment.actor.send(event);
      const after = deployment.actor.getSnapshot().context;
      const devices = Object.entries(after.devices).filter(([id, device]) => before.devices[id] !== device);
      if (devices.length === 0 && before.status === after.status) return deployment.chain;
      const change: DeploymentChange = { deploymentId, before, after, devices, audit };
      if (!stillMoving(after)) {
        live.delete(deploymentId);
        deployment.end(); // its snapshot stays readable through the ref
      }
      const aborted = after.status === 'aborted' && before.status !== 'aborted';
      const chain = deployment.chain
        .then(() => persist(change))
        .then(() => {
          publish(deployment, change);
          if (aborted) options.onAborted?.(deploymentId, devices.filter(([, d]) => d.state === 'skipped').map(([id]) => id));
        })
        .catch((error: unknown) => logger.error({ err: error, deploymentId }, 'storing deployment progress failed'));
      deployment.chain = chain;
      inFlight.add(chain);
      void chain.finally(() => inFlight.delete(chain));
      return chain;
    },

    /** Waits for every change in progress to be stored. */
    async settle(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    stop(): void {
      for (const deployment of live.values()) deployment.end();
      live.clear();
    },
  };
}

export type DeploymentTracker = ReturnType<typeof createDeploymentTracker>;
