import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { onCleanup } from './fleet-cleanup.js';

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL database for one run, created through the server named by `adminUrl` (any
 * database on it we may connect to) and dropped afterwards, so runs never see each other's rows.
 * Returns the reason instead when the server cannot be reached or refuses.
 */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase | { skipped: string }> {
  const quiet = () => undefined; // an unreachable server is reported once, as the skip reason
  const admin = knexFactory({
    client: 'pg',
    connection: { connectionString: adminUrl, connectionTimeoutMillis: 3000 },
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 5000,
    log: { error: quiet, warn: quiet, debug: quiet, deprecate: quiet },
  });
  const name = `okto_bench_${randomBytes(4).toString('hex')}`;
  try {
    await admin.raw('SELECT 1');
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.destroy().catch(() => undefined);
    return { skipped: `PostgreSQL at ${redact(adminUrl)} not usable: ${(error as Error).message}` };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = onCleanup(`drop database ${name}`, async () => {
    try {
      // FORCE (PostgreSQL 13+): a connection a crashed server left behind must not keep it alive.
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await admin.destroy();
    }
  });
  return { url: url.toString(), name, drop };
}

export const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
