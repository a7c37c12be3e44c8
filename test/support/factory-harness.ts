import crypto from 'node:crypto';
import knexFactory from 'knex';
import { type FactoryConfig, factoryConfigSchema } from '../../src/factory/config.js';
import { type Factory, startFactory } from '../../src/factory/factory.js';
import type { FactoryStartOptions } from '../../src/factory/system.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { FACTORY_TEST_PG_URL } from './factory-db.js';
import { demoTokens, type JsonRequester, jsonRequester } from './http-request.js';
import { tempDir } from './temp-dir.js';
import { PG_MISSING, peerMissing } from './peers.js';

export type FactoryDbKind = 'sqlite' | 'pg';

export interface TestFactory {
  factory: Factory;
  url: string;
  config: FactoryConfig;
  /** The PostgreSQL schema holding its data (undefined on SQLite): for tests that read the tables. */
  schema: string | undefined;
  tokens: { operator: string; manager: string; admin: string };
  request: JsonRequester;
  /** Registers a device and issues its token (as a manager would). */
  enrol(deviceId: string, fields?: Record<string, unknown>): Promise<string>;
  /** Stops and starts the factory on the same data (a restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A factory on port 0 with its data in a temp dir, on SQLite or (with FACTORY_TEST_PG_URL) on
 * PostgreSQL in a fresh schema dropped at stop. Overrides merge into the config; `features` replaces the factory's feature list.
 */
export async function startTestFactory(db: FactoryDbKind = 'sqlite', overrides: Record<string, unknown> = {}, features?: FactoryStartOptions['features']): Promise<TestFactory> {
  if (db === 'pg' && !FACTORY_TEST_PG_URL) throw new Error('FACTORY_TEST_PG_URL not set');
  const { dir, cleanup } = tempDir('okto-factory-');
  const schema = db === 'pg' ? `test_${crypto.randomBytes(6).toString('hex')}` : undefined;
  const config: FactoryConfig = {
    ...factoryConfigSchema.parse({
      server: { port: 0, host: '127.0.0.1' },
      dataDir: dir,
      log: { level: 'silent' },
      ...(db === 'pg' ? { databaseUrl: FACTORY_TEST_PG_URL } : {}),
      ...overrides,
      // The demo users the tests log in as, with cheap hashes (auth tests set their own).
      auth: { demoUsers: true, scryptLogN: 10, ...(overrides.auth as Record<string, unknown> | undefined) },
    }),
    configFile: null,
  };
  const options: FactoryStartOptions = { ...(schema ? { databaseSchema: schema } : {}), ...(features ? { features } : {}) };
  const start = () => startFactory(config, silentLogger, options);
  let factory = await start();
  const handle: TestFactory = {
    factory,
    url: `http://127.0.0.1:${factory.port}`,
    config,
    schema,
    tokens: { operator: '', manager: '', admin: '' },
    request: jsonRequester(`http://127.0.0.1:${factory.port}`),
    async enrol(deviceId, fields = {}) {
      const created = await handle.request('POST', '/api/v1/devices', { token: handle.tokens.manager, body: { id: deviceId, name: `Line cabinet ${deviceId}`, ...fields } });
      if (created.status !== 201) throw new Error(`register ${deviceId}: ${created.status} ${JSON.stringify(created.body)}`);
      const issued = await handle.request('POST', `/api/v1/devices/${deviceId}/token`, { token: handle.tokens.manager });
      if (issued.status !== 201) throw new Error(`token ${deviceId}: ${issued.status} ${JSON.stringify(issued.body)}`);
      return issued.body.data.token as string;
    },
    async restart() {
      await factory.stop();
      // Same port, so edges and clients pointed at it find it again.
      factory = await startFactory({ ...config, server: { ...config.server, port: factory.port } }, silentLogger, options);
      handle.factory = factory;
    },
    async stop() {
      await factory.stop();
      if (schema && FACTORY_TEST_PG_URL) {
        const admin = knexFactory({ client: 'pg', connection: FACTORY_TEST_PG_URL, pool: { min: 0, max: 1 } });
        await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).finally(() => admin.destroy());
      }
      cleanup();
    },
  };
  handle.tokens = await demoTokens(handle.request);
  return handle;
}

/** Runs `body` against a factory on SQLite and, when FACTORY_TEST_PG_URL is set, on PostgreSQL (else says it skipped). */
export function describeOnBothDatabases(title: string, body: (db: FactoryDbKind) => void): void {
  describe(`${title} (SQLite)`, () => body('sqlite'));
  describe(`${title} (PostgreSQL)`, () => {
    if (!FACTORY_TEST_PG_URL) {
      peerMissing(PG_MISSING);
      return;
    }
    body('pg');
  });
}
