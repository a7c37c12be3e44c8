import { commandsExtension } from './commands/commands.extension.js';
import { deviceConfigExtension } from './device-config/device-config.extension.js';
import type { ExtensionFactory } from './extension.js';
import { catalogsExtension } from './catalogs/catalogs.extension.js';
import { groupsExtension } from './groups/groups.extension.js';
import { firmwareExtension } from './firmware/firmware.extension.js';
import { duplicatesExtension } from './duplicates/duplicates.extension.js';
import { epcisExtension } from './epcis/epcis.extension.js';

/**
 * The factory's features, started in this order (a feature that offers a service to others,
 * like commands, comes before those that use it).
 */
export const FACTORY_EXTENSIONS: ExtensionFactory[] = [
  commandsExtension,
  deviceConfigExtension,
  groupsExtension,
  catalogsExtension,
  firmwareExtension,
  duplicatesExtension,
  epcisExtension,
];
