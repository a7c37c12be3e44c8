import type { Knex } from 'knex';
import * as initial from './0001-initial.js';
import * as scanRoles from './0002-scan-roles.js';
import * as security from './0003-security.js';
import * as journal from './0004-journal.js';
import * as scanReasonCodes from './0005-scan-reason-codes.js';
import * as productionOrders from './0006-production-orders.js';
import * as sscc from './0007-sscc.js';

/**
 * The edge's migrations, in order. A static list (rather than a directory scan) so migrations
 * run the same from TypeScript sources, a build, or a bundled binary.
 */
const MIGRATIONS: Array<[string, Knex.Migration]> = [
  ['0001-initial', initial],
  ['0002-scan-roles', scanRoles],
  ['0003-security', security],
  ['0004-journal', journal],
  ['0005-scan-reason-codes', scanReasonCodes],
  ['0006-production-orders', productionOrders],
  ['0007-sscc', sscc],
];

export const edgeMigrations: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
