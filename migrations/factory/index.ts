import type { Knex } from 'knex';
import * as initial from './0001-initial.js';
import * as fleetManagement from './0002-fleet-management.js';
import * as commands from './0003-commands.js';
import * as groupsCatalogs from './0004-groups-catalogs.js';
import * as firmware from './0005-firmware.js';
import * as deviceConfig from './0006-device-config.js';
import * as userSessions from './0007-user-sessions.js';
import * as firmwareSignatures from './0008-firmware-signatures.js';
import * as deploymentAbortedBy from './0009-deployment-aborted-by.js';
import * as hourlyCounts from './0010-hourly-counts.js';
import * as unitIdentities from './0011-unit-identities.js';
import * as rolloutsInstall from './0012-rollouts-install.js';

/**
 * The factory server's migrations, in order. A static list (rather than a directory scan) so
 * migrations run the same from TypeScript sources, a build, or a bundled binary.
 */
const MIGRATIONS: Array<[string, Knex.Migration]> = [
  ['0001-initial', initial],
  ['0002-fleet-management', fleetManagement],
  ['0003-commands', commands],
  ['0004-groups-catalogs', groupsCatalogs],
  ['0005-firmware', firmware],
  ['0006-device-config', deviceConfig],
  ['0007-user-sessions', userSessions],
  ['0008-firmware-signatures', firmwareSignatures],
  ['0009-deployment-aborted-by', deploymentAbortedBy],
  ['0010-hourly-counts', hourlyCounts],
  ['0011-unit-identities', unitIdentities],
  ['0012-rollouts-install', rolloutsInstall],
];

export const factoryMigrations: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
