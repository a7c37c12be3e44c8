import { deviceConfigRoutes } from '../../../api/factory/device-config.routes.js';
import type { CommandPort } from '../../domain/ports/command-port.js';
import type { ExtensionFactory, FactoryExtension } from '../extension.js';
import { createDeviceConfigService } from './device-config-service.js';

export interface DeviceConfigExtensionOptions {
  /** Where push_config commands go; default: the command service another extension registered (looked up at each push). */
  commands?: () => CommandPort | undefined;
}

/**
 * Desired device config: its routes, the reports of applied config (from succeeded push_config
 * commands on the bus), and the cleanup when a device is removed.
 */
export function createDeviceConfigExtension(options: DeviceConfigExtensionOptions = {}): ExtensionFactory {
  return function deviceConfigExtension(context): FactoryExtension {
    const service = createDeviceConfigService({
      db: context.db,
      logger: context.logger,
      commands: options.commands ?? (() => context.services.commands),
    });
    const offs = [
      context.bus.subscribe('command.changed', ({ command }) => service.onCommandChanged(command)),
      context.bus.subscribe('device.removed', ({ deviceId }) => service.onDeviceRemoved(deviceId)),
    ];
    return {
      name: 'device-config',
      routes: [deviceConfigRoutes(context.tokens, service)],
      async stop() {
        offs.forEach((off) => off());
        await service.settled();
      },
    };
  };
}

export const deviceConfigExtension: ExtensionFactory = createDeviceConfigExtension();
