import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type SynchronousMode = 'FULL' | 'NORMAL';

export interface SqliteOptions {
  filename: string;
  /**
   * FULL (default) fsyncs the WAL at every commit, so an acknowledged code survives a power cut,
   * not only a crash. Group commit pays one fsync per group, which is why FULL stays fast.
   */
  synchronous?: SynchronousMode;
  migrations: Knex.MigrationSource<unknown>;
}

export interface SqliteDatabase {
  /** The one writing connection: SQLite allows one writer, so every write queues here. */
  writer: Knex;
  /** A second connection for reads and checkpoints, so a list query never waits behind a commit. */
  reader: Knex;
  /** Copies the WAL into the database off the hot path (see checkpointEvery). */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/** A knex handle on one SQLite connection (SQLite has one writer: one connection queues every statement) with `pragmas` set on it. */
export function connectSqlite(filename: string, pragmas: string[]): Knex {
  return knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.exec(pragmas.map((p) => `PRAGMA ${p};`).join(''), (err) => done(err, conn));
      },
    },
  });
}

/**
 * Opens (creating if needed) an SQLite database in WAL mode and migrates it.
 * Automatic checkpoints are off: they would otherwise run inside whichever commit crosses the
 * threshold and become the p99 of the scan path. The owner calls checkpoint() on a timer instead.
 */
export async function openSqliteDatabase(options: SqliteOptions): Promise<SqliteDatabase> {
  fs.mkdirSync(path.dirname(options.filename), { recursive: true });
  const synchronous = options.synchronous ?? 'FULL';
  const common = ['busy_timeout = 10000', 'foreign_keys = ON', `synchronous = ${synchronous}`, 'cache_size = -65536'];
  const writer = connectSqlite(options.filename, ['journal_mode = WAL', 'wal_autocheckpoint = 0', ...common]);
  await writer.migrate.latest({ migrationSource: options.migrations });
  const reader = connectSqlite(options.filename, ['wal_autocheckpoint = 0', ...common]);

  return {
    writer,
    reader,
    async checkpoint() {
      // PASSIVE never blocks the writer; whatever it cannot copy now is copied next time.
      await reader.raw('PRAGMA wal_checkpoint(PASSIVE)');
    },
    async close() {
      await reader.destroy();
      await writer.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
      await writer.destroy();
    },
  };
}
