import crypto from 'node:crypto';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { openFactoryDatabase, type FactoryDatabase, type FactoryDatabaseOptions, type FactoryDialect } from '../../adapters/store/factory/factory-database.js';
import { tempDir } from './temp-dir.js';
import { PG_MISSING, peerMissing } from './peers.js';

/** The PostgreSQL the factory tests also run on, e.g. postgres://postgres@127.0.0.1:5432/test. */
export const FACTORY_TEST_PG_URL = process.env.FACTORY_TEST_PG_URL;

/** Every factory table, children first: what reset() empties. */
const TABLES = ['firmware_deployment_devices', 'firmware_deployments', 'firmware_releases', 'device_group_members', 'device_groups', 'catalog_cloud_endpoints', 'catalog_sites', 'catalog_variants', 'device_configs', 'commands', 'unit_duplicates', 'unit_identities', 'audit_log', 'outbox', 'daily_counts', 'hourly_counts', 'sync_items', 'devices', 'settings', 'users'];

export interface FactoryDbContext {
  readonly dialect: FactoryDialect;
  /** The open database (valid inside hooks and tests). */
  readonly handle: FactoryDatabase;
  readonly db: Knex;
  /** What openFactoryDatabase was given: another open of the same database uses it. */
  readonly options: FactoryDatabaseOptions;
  /** Closes and opens the same database again (a restart; migrations run again). */
  reopen(): Promise<void>;
  /** Empties every table: tests in one file share a database. */
  reset(): Promise<void>;
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
  } finally {
    await admin.destroy();
  }
}

function contextFor(dialect: FactoryDialect, makeOptions: () => FactoryDatabaseOptions) {
  let handle: FactoryDatabase | null = null;
  let options: FactoryDatabaseOptions | null = null;
  const ctx: FactoryDbContext & { open(): Promise<void>; close(): Promise<void> } = {
    dialect,
    get handle() {
      if (!handle) throw new Error('factory test database is not open (use it inside hooks and tests)');
      return handle;
    },
    get db() {
      return ctx.handle.db;
    },
    get options() {
      if (!options) throw new Error('factory test database is not open');
      return options;
    },
    async open() {
      options = makeOptions();
      handle = await openFactoryDatabase(options);
    },
    async reopen() {
      await handle?.close();
      handle = await openFactoryDatabase(ctx.options);
    },
    async reset() {
      for (const table of TABLES) await ctx.db(table).delete();
    },
    async close() {
      await handle?.close();
      handle = null;
    },
  };
  return ctx;
}

/**
 * Runs `body` twice: on SQLite (a temp file) and on PostgreSQL when FACTORY_TEST_PG_URL is set
 * (a fresh schema of a random name for this block, dropped afterwards, so files run in any order).
 * Without the URL the PostgreSQL block holds one pending test that says why it did not run.
 */
export function describeOnFactoryDbs(title: string, body: (ctx: FactoryDbContext) => void): void {
  describe(`${title} (SQLite)`, () => {
    let cleanup = () => {};
    const ctx = contextFor('sqlite', () => {
      const temp = tempDir('okto-factory-');
      cleanup = temp.cleanup;
      return { filename: path.join(temp.dir, 'factory.db'), synchronous: 'NORMAL' };
    });
    before(() => ctx.open());
    after(async () => {
      await ctx.close();
      cleanup();
    });
    body(ctx);
  });

  describe(`${title} (PostgreSQL)`, () => {
    const url = FACTORY_TEST_PG_URL;
    if (!url) {
      peerMissing(PG_MISSING);
      return;
    }
    const schema = `test_${crypto.randomBytes(6).toString('hex')}`;
    const ctx = contextFor('pg', () => ({ url, schema, poolMax: 4 }));
    before(() => ctx.open());
    after(async () => {
      await ctx.close();
      await dropSchema(url, schema);
    });
    body(ctx);
  });
}
