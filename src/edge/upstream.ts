import type { AnyActorRef } from 'xstate';
import { cloudSyncTarget } from '../../adapters/cloud/cloud-sync-target.js';
import type { CloudClient } from '../../adapters/cloud/cloud-client.js';
import { PROVISIONING_RECORD } from '../../adapters/cloud/provisioning-actors.js';
import type { SnapshotStore } from '../../adapters/store/settings-store.js';
import type { SyncTarget } from '../../adapters/sync/sync-target.js';
import type { ProvisioningRecord } from '../../machines/edge/provisioning.machine.js';
import type { ConnectionMode } from '../domain/connection-mode.js';
import type { EventBus } from '../runtime/event-bus.js';
import type { Logger } from '../runtime/logger.js';
import type { EdgeEvent } from './edge-events.js';

/**
 * Who the edge reports to, derived from two facts other actors announce: the connection mode
 * and the provisioning record. It persists the record, tells the sync queue whether it has a
 * target (and why not), and hands the outbox drain the current target.
 */
export function createUpstream(options: {
  bus: EventBus<EdgeEvent>;
  client: CloudClient;
  snapshots: SnapshotStore;
  logger: Logger;
  initialMode: ConnectionMode;
  syncQueue: () => AnyActorRef | undefined;
  provisioning: () => AnyActorRef | undefined;
}) {
  const { bus, client, snapshots, logger } = options;
  let mode = options.initialMode;
  let record: ProvisioningRecord | null = null;
  /**
   * The device token the cloud answered 401 to. Provisioning stays PROVISIONED (an operator must
   * deprovision and activate again), so without this the target would be announced ready again
   * at once and the queue would resend with the dead token in a loop, without backoff.
   */
  let rejectedToken: string | null = null;

  const target = (): { target: SyncTarget | null; reason: string | null } => {
    if (mode === 'VIA_LOCAL_SERVER') return { target: null, reason: 'Factory server not configured (VIA_LOCAL_SERVER mode): nothing is sent until it is' };
    if (record?.status !== 'PROVISIONED' || !record.deviceToken) return { target: null, reason: 'Not provisioned: sign in and activate a device (DIRECT_CLOUD mode)' };
    if (record.deviceToken === rejectedToken) return { target: null, reason: 'OKTO Cloud rejected the device token: deprovision and activate again' };
    return { target: cloudSyncTarget(client, record.deviceToken), reason: null };
  };

  const announceTarget = () => {
    const { target: current, reason } = target();
    options.syncQueue()?.send({ type: 'TARGET', ready: current !== null, reason });
  };

  const offs = [
    bus.subscribe('provisioning.changed', (event) => {
      record = event.record;
      snapshots.save(PROVISIONING_RECORD, event.record).catch((error: unknown) => logger.error({ err: error }, 'could not save the provisioning record'));
      announceTarget();
    }),
    bus.subscribe('connection.modeChanged', (event) => {
      mode = event.mode;
      announceTarget();
    }),
    bus.subscribe('sync.unauthorized', () => {
      rejectedToken = record?.deviceToken ?? null;
      options.provisioning()?.send({ type: 'DEVICE_TOKEN_REJECTED' });
    }),
    // A restarted sync queue starts offline: tell it again where to send.
    bus.subscribe('supervisor.childRestarted', (event) => {
      if (event.id === 'syncQueue') announceTarget();
    }),
  ];

  return {
    currentTarget: () => target().target,
    deviceToken: () => (record?.status === 'PROVISIONED' ? record.deviceToken : null),
    mode: () => mode,
    target: () => target(),
    announceTarget,
    dispose: () => offs.forEach((off) => off()),
  };
}

export type Upstream = ReturnType<typeof createUpstream>;
