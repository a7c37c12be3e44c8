import type { Knex } from 'knex';
import * as initial from './0001-initial.js';
import * as fleetManagement from './0002-fleet-management.js';

/**
 * The factory server's migrations, in order. A static list (rather than a directory scan) so
 * migrations run the same from TypeScript sources, a build, or a bundled binary.
 */
const MIGRATIONS: Array<[string, Knex.Migration]> = [
  ['0001-initial', initial],
  ['0002-fleet-management', fleetManagement],
];

export const factoryMigrations: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
