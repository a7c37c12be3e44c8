import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { factoryMigrations } from '../../../migrations/factory/index.js';
import { connectSqlite } from '../sqlite-database.js';

export type FactoryDialect = 'sqlite' | 'pg';

export type FactoryDatabaseOptions =
  | {
      /** SQLite file (created with its folder if missing). */
      filename: string;
      /** FULL (default) fsyncs every commit: an acknowledged sync survives a power cut. */
      synchronous?: 'FULL' | 'NORMAL';
    }
  | {
      /** postgres://user@host:port/database */
      url: string;
      /** Keep every table in this schema (created if missing): tests use a fresh one each. */
      schema?: string;
      /** Pool size (default 10). */
      poolMax?: number;
    };

export interface FactoryDatabase {
  db: Knex;
  dialect: FactoryDialect;
  close(): Promise<void>;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function openSqlite(filename: string, synchronous: 'FULL' | 'NORMAL'): Knex {
  fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  return connectSqlite(filename, ['journal_mode = WAL', `synchronous = ${synchronous}`, 'busy_timeout = 10000', 'foreign_keys = ON', 'cache_size = -65536']);
}

function openPostgres(url: string, schema: string | undefined, poolMax: number): Knex {
  return knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    ...(schema ? { searchPath: [schema] } : {}),
  });
}

/**
 * Opens the factory database (SQLite or PostgreSQL) and brings its schema up to date.
 * Migrating an up-to-date database does nothing, so every start may call this.
 */
export async function openFactoryDatabase(options: FactoryDatabaseOptions): Promise<FactoryDatabase> {
  const dialect: FactoryDialect = 'url' in options ? 'pg' : 'sqlite';
  const db = 'url' in options ? openPostgres(options.url, options.schema, options.poolMax ?? 10) : openSqlite(options.filename, options.synchronous ?? 'FULL');
  try {
    if ('url' in options && options.schema) await db.raw(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    await db.migrate.latest({ migrationSource: factoryMigrations });
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
  return {
    db,
    dialect,
    async close() {
      if (dialect === 'sqlite') await db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
      await db.destroy();
    },
  };
}

/** Rows of a raw query: sqlite3 answers an array, pg a result object holding one. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

/** A unique/primary-key violation, in either database's words. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; message?: string } | null;
  if (!e) return false;
  return e.code === '23505' || (e.code === 'SQLITE_CONSTRAINT' && /UNIQUE|PRIMARY KEY/i.test(e.message ?? ''));
}
