import crypto from 'node:crypto';
import knexFactory from 'knex';

export interface ScratchDatabase {
  /** The server's URL with the fresh database in the path. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL database on the server `serverUrl` points at, for a process that takes a
 * database URL and no schema option (the okto-factory CLI). Drop it when done.
 */
export async function createScratchDatabase(serverUrl: string, prefix = 'okto_test'): Promise<ScratchDatabase> {
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const admin = () => knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  const creator = admin();
  try {
    await creator.raw('CREATE DATABASE ??', [name]);
  } finally {
    await creator.destroy();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const dropper = admin();
      try {
        // FORCE (PostgreSQL 13+): connections a killed process left behind must not keep it alive.
        await dropper.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      } finally {
        await dropper.destroy();
      }
    },
  };
}
