import { createCommandStore } from '../../../adapters/store/factory/command-store.js';
import { commandRoutes } from '../../../api/factory/commands.routes.js';
import type { ExtensionFactory, FactoryExtension } from '../extension.js';
import type { CommandPort } from '../../domain/ports/command-port.js';
import { createCommandService } from './command-service.js';

declare module '../extension.js' {
  interface FactoryServices {
    commands?: CommandPort;
  }
}

/**
 * Device commands: the service (offered to the other features as `services.commands`), its
 * routes, and the device channel's command messages. First in the list: groups, firmware and
 * desired config dispatch through it.
 */
export const commandsExtension: ExtensionFactory = async (context): Promise<FactoryExtension> => {
  const service = await createCommandService({
    store: createCommandStore(context.db),
    channel: context.channel,
    bus: context.bus,
    logger: context.logger,
    deviceExists: (deviceId) => context.registry.has(deviceId),
    defaultTimeoutMs: context.config.commands.defaultTimeoutMs,
  });
  context.services.commands = service;
  const off = context.bus.subscribe('device.removed', ({ deviceId }) => service.onDeviceRemoved(deviceId));
  return {
    name: 'commands',
    routes: [commandRoutes(context, service)],
    onDeviceConnected: (deviceId) => service.onDeviceConnected(deviceId),
    onDeviceDisconnected: (deviceId) => service.onDeviceDisconnected(deviceId),
    onDeviceMessage: (deviceId, message) => service.onDeviceMessage(deviceId, message),
    async stop() {
      off();
      await service.stop();
    },
  };
};
