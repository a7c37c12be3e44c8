import { createGroupStore } from '../../../adapters/store/factory/group-store.js';
import { groupRoutes } from '../../../api/factory/groups.routes.js';
import type { CommandPort } from '../../domain/ports/command-port.js';
import type { ExtensionFactory, FactoryExtension } from '../extension.js';
import { type BulkDispatcherOptions, createBulkDispatcher } from './bulk-dispatch.js';

export interface GroupsExtensionOptions {
  /** Where bulk commands go; default: the command service another extension registered (looked up at each dispatch). */
  commands?: () => CommandPort | undefined;
  /** Tuning of the bulk dispatcher (concurrency, default wait, progress cadence). */
  bulk?: Pick<BulkDispatcherOptions, 'concurrency' | 'graceMs' | 'progressIntervalMs' | 'trackForMs'>;
}

/**
 * Device groups: CRUD and members (a device's memberships go with it: ON DELETE CASCADE), and
 * bulk commands to a group's members with progress on /ws/dashboard.
 */
export function createGroupsExtension(options: GroupsExtensionOptions = {}): ExtensionFactory {
  return function groupsExtension(context): FactoryExtension {
    const store = createGroupStore(context.db);
    const dispatcher = createBulkDispatcher({
      db: context.db,
      bus: context.bus,
      logger: context.logger,
      commands: options.commands ?? (() => context.services.commands),
      isConnected: (deviceId) => context.channel.isConnected(deviceId),
      // The same bounds as a single device's command (POST /devices/{id}/commands).
      defaultTimeoutMs: context.config.commands.defaultTimeoutMs,
      maxWaitMs: context.config.commands.maxWaitMs,
      ...options.bulk,
    });
    const off = context.bus.subscribe('command.changed', ({ command }) => dispatcher.onCommandChanged(command));
    return {
      name: 'device-groups',
      routes: [
        groupRoutes({
          tokens: context.tokens,
          store,
          dispatcher,
          liveStatus: (deviceId) => ({ status: context.fleet.status(deviceId)?.status ?? 'offline', connected: context.channel.isConnected(deviceId) }),
          jsonLimitBytes: context.config.server.bodyLimitKb * 1024,
        }),
      ],
      async stop() {
        off();
        dispatcher.stop();
      },
    };
  };
}

export const groupsExtension: ExtensionFactory = createGroupsExtension();
