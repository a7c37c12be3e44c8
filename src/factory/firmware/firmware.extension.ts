import path from 'node:path';
import { firmwareDeploymentRoutes } from '../../../api/factory/firmware-deployments.routes.js';
import { firmwareReleaseRoutes, firmwareSigningKeyRoutes } from '../../../api/factory/firmware-releases.routes.js';
import type { CommandPort } from '../../domain/ports/command-port.js';
import type { ExtensionFactory } from '../extension.js';
import { createDeploymentService } from './deployment-service.js';
import { loadOrCreateSigningKey } from '../../auth/firmware-signature.js';
import { createReleaseService } from './release-service.js';

export interface FirmwareExtensionOptions {
  /** Stands in for `context.services.commands` (tests with a fake command port). */
  commands?: CommandPort;
}

/**
 * Firmware releases (artifacts under <dataDir>/firmware) and their deployments to devices,
 * which run through the command service (`context.services.commands`, read when used, so the
 * commands extension must come first in FACTORY_EXTENSIONS).
 */
export function createFirmwareExtension(options: FirmwareExtensionOptions = {}): ExtensionFactory {
  return async function firmwareExtension(context) {
    const releases = createReleaseService({
      db: context.db,
      directory: path.join(context.config.dataDir, 'firmware'),
      maxBytes: context.config.firmware.maxSizeMb * 1024 * 1024,
      // Generated (0600) on first start; its public half goes into edge configs (firmware.trustedKeys).
      signingKey: loadOrCreateSigningKey(path.join(context.config.dataDir, 'firmware-signing-key.pem')),
    });
    await releases.start();
    const deployments = createDeploymentService({
      db: context.db,
      bus: context.bus,
      logger: context.logger,
      commands: () => options.commands ?? context.services.commands,
      ...(context.deploymentActors ? { actors: context.deploymentActors } : {}),
      reportedVersion: (deviceId) => context.fleet.status(deviceId)?.reported?.softwareVersion,
      siteTimeZone: context.config.company.timeZone,
    });
    await deployments.start();
    return {
      name: 'firmware',
      routes: [firmwareReleaseRoutes(context, releases), firmwareSigningKeyRoutes(context, releases), firmwareDeploymentRoutes(context, deployments)],
      stop: () => deployments.stop(),
    };
  };
}

export const firmwareExtension: ExtensionFactory = createFirmwareExtension();
