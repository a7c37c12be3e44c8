import type { AnyActorRef } from 'xstate';
import { cloudSyncTarget } from '../../adapters/cloud/cloud-sync-target.js';
import type { CloudClient } from '../../adapters/cloud/cloud-client.js';
import type { SyncTarget } from '../../adapters/sync/sync-target.js';
import { type ConnectionContext, connectionView, targetOf } from '../../machines/edge/connection.machine.js';
import type { ConnectionMode } from '../domain/connection-mode.js';
import { SYNC_QUEUE } from '../domain/actor-ids.js';
import type { EventBus } from '../runtime/event-bus.js';
import type { Logger } from '../runtime/logger.js';
import type { EdgeEvent } from './edge-events.js';

/**
 * The connection actor (machines/edge/connection.machine.ts) seen from outside: reads its
 * snapshot for the mode, the reason and the sync target, builds the target the outbox drain
 * sends through, and forwards to it the facts other actors announce on the bus. It keeps no
 * state of its own: the mode and the target's inputs live in the actor, the mode on disk.
 */
export function createUpstream(options: {
  bus: EventBus<EdgeEvent>;
  client: CloudClient;
  logger: Logger;
  /** The mode from configuration: what is shown while the actor is not running. */
  configuredMode: ConnectionMode;
  connection: () => AnyActorRef | undefined;
  /** The factory server's sync target (VIA_LOCAL_SERVER mode); null when no factory url + device token is configured. */
  factory?: SyncTarget | null;
}) {
  const { bus, client, logger } = options;
  const context = () => (options.connection()?.getSnapshot() as { context?: ConnectionContext } | undefined)?.context;
  const send = (event: { type: string; [key: string]: unknown }) => options.connection()?.send(event as never);

  // A 401/403 from the factory is told to the actor before the sync queue reports it, so the
  // `sync.unauthorized` that follows is known as the factory's (its token is configuration).
  const factory: SyncTarget | null = options.factory
    ? {
        name: options.factory.name,
        send: async (items) => {
          try {
            return await options.factory!.send(items);
          } catch (error) {
            if ((error as { kind?: unknown }).kind === 'unauthorized') send({ type: 'FACTORY_TOKEN_REFUSED' });
            throw error;
          }
        },
      }
    : null;

  const target = (): { target: SyncTarget | null; reason: string | null } => {
    const current = context();
    if (!current) return { target: null, reason: 'The connection actor is not running' };
    const chosen = targetOf(current);
    if (chosen.kind === 'factory') return { target: factory, reason: null };
    if (chosen.kind === 'cloud') return { target: cloudSyncTarget(client, chosen.deviceToken), reason: null };
    return { target: null, reason: chosen.reason };
  };

  const offs = [
    bus.subscribe('provisioning.changed', (event) => send({ type: 'PROVISIONING_CHANGED', status: event.record.status, deviceToken: event.record.deviceToken })),
    bus.subscribe('factory.settings', (event) => send({ type: 'FACTORY_SETTINGS', settings: event.settings })),
    bus.subscribe('sync.unauthorized', () => send({ type: 'SYNC_UNAUTHORIZED' })),
    // A restarted sync queue starts offline: tell it again where to send.
    bus.subscribe('supervisor.childRestarted', (event) => {
      if (event.id === SYNC_QUEUE) send({ type: 'ANNOUNCE_TARGET' });
    }),
    bus.subscribe('connection.modeChanged', (event) => {
      if (event.source === 'FORCED_BY_FACTORY') logger.warn({ from: event.from, to: event.mode, reason: event.reason }, `connection mode switched from ${event.from} to ${event.mode} by the factory server`);
    }),
    bus.subscribe('connection.modeSwitchFailed', (event) => {
      if (event.source === 'FORCED_BY_FACTORY') logger.error({ err: event.error, mode: event.mode }, 'could not switch to the connection mode the factory server requires');
    }),
    bus.subscribe('connection.factoryRefused', () =>
      logger.error('the factory server rejected the device token: sync to it is stopped until FACTORY_DEVICE_TOKEN is replaced'),
    ),
  ];

  return {
    currentTarget: () => target().target,
    deviceToken: () => context()?.deviceToken ?? null,
    mode: (): ConnectionMode => context()?.mode ?? options.configuredMode,
    /** Why the mode is what it is when the factory imposes it; null when the local choice stands. */
    modeReason: () => {
      const current = context();
      return current ? connectionView(current).modeReason : null;
    },
    target: () => target(),
    /** Tells the sync queue again where to send (after the actor tree starts). */
    announceTarget: () => send({ type: 'ANNOUNCE_TARGET' }),
    dispose: () => offs.forEach((off) => off()),
  };
}

export type Upstream = ReturnType<typeof createUpstream>;
