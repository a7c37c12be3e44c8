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
  /** The factory server's sync target (VIA_LOCAL_SERVER mode); null when no factory url + device token is configured. */
  factory?: SyncTarget | null;
}) {
  const { bus, client, snapshots, logger } = options;
  let mode = options.initialMode;
  let record: ProvisioningRecord | null = null;
  /**
   * Set when the factory answered 401/403 to a sync: the token is configuration, not something
   * provisioning can renew, so the queue stays offline (no loop) until the edge is restarted
   * with a new FACTORY_DEVICE_TOKEN. `factoryJustRefused` tells the `sync.unauthorized` that
   * follows apart from the cloud's, whatever the mode became in between.
   */
  let factoryRejected = false;
  let factoryJustRefused = false;
  const factory: SyncTarget | null = options.factory
    ? {
        name: options.factory.name,
        send: async (items) => {
          try {
            return await options.factory!.send(items);
          } catch (error) {
            if ((error as { kind?: unknown }).kind === 'unauthorized') factoryJustRefused = factoryRejected = true;
            throw error;
          }
        },
      }
    : null;
  /**
   * The device token the cloud answered 401 to. Provisioning stays PROVISIONED (an operator must
   * deprovision and activate again), so without this the target would be announced ready again
   * at once and the queue would resend with the dead token in a loop, without backoff.
   */
  let rejectedToken: string | null = null;

  const target = (): { target: SyncTarget | null; reason: string | null } => {
    if (mode === 'VIA_LOCAL_SERVER') {
      if (!factory) return { target: null, reason: 'Factory server not configured (VIA_LOCAL_SERVER mode): nothing is sent until it is (FACTORY_URL and FACTORY_DEVICE_TOKEN)' };
      if (factoryRejected) return { target: null, reason: 'The factory server rejected the device token: issue a new one at the factory and set FACTORY_DEVICE_TOKEN' };
      return { target: factory, reason: null };
    }
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
      if (factoryJustRefused) {
        factoryJustRefused = false;
        logger.error('the factory server rejected the device token: sync to it is stopped until FACTORY_DEVICE_TOKEN is replaced');
        announceTarget();
        return;
      }
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
