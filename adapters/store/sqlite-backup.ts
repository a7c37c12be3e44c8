import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';

/**
 * Online backup and offline restore of a service's SQLite database.
 *
 * Backup is `VACUUM INTO`: one read transaction of its own connection, so the copy is a
 * consistent snapshot (everything committed before it began, nothing half-written) while the
 * service goes on scanning; in WAL mode the service's writer is never blocked. The copy is
 * written under a temporary name and renamed, so a half-written file never carries the name.
 */

function open(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}
const run = (db: sqlite3.Database, sql: string, params: unknown[] = []) =>
  new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
const all = <T>(db: sqlite3.Database, sql: string, params: unknown[] = []) =>
  new Promise<T[]>((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
const close = (db: sqlite3.Database) => new Promise<void>((resolve) => db.close(() => resolve()));

export class BackupError extends Error {}

export async function backupSqlite(dbFile: string, to: string): Promise<{ bytes: number }> {
  if (!fs.existsSync(dbFile)) throw new BackupError(`no database at ${dbFile} (wrong --data-dir?)`);
  if (fs.existsSync(to)) throw new BackupError(`${to} already exists; choose a new file name`);
  const partial = `${to}.partial-${process.pid}`;
  // Read-write: a reader of a WAL database needs its -shm; the connection itself writes nothing.
  const db = await open(dbFile, sqlite3.OPEN_READWRITE);
  try {
    await run(db, 'PRAGMA busy_timeout = 10000');
    await run(db, 'VACUUM INTO ?', [partial]);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new BackupError(`backup failed: ${(error as Error).message}`);
  } finally {
    await close(db);
  }
  await checkDatabase(partial).catch((error: unknown) => {
    fs.rmSync(partial, { force: true });
    throw error;
  });
  fs.renameSync(partial, to);
  return { bytes: fs.statSync(to).size };
}

/** A readable, intact SQLite file with our migrations table: what restore accepts. */
export async function checkDatabase(file: string): Promise<void> {
  let db: sqlite3.Database;
  try {
    db = await open(file, sqlite3.OPEN_READONLY);
  } catch (error) {
    throw new BackupError(`${file} cannot be opened: ${(error as Error).message}`);
  }
  try {
    const [check] = await all<{ quick_check: string }>(db, 'PRAGMA quick_check');
    if (check?.quick_check !== 'ok') throw new BackupError(`${file} is damaged: ${check?.quick_check ?? 'no answer'}`);
    const tables = await all<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'knex_migrations'");
    if (tables.length === 0) throw new BackupError(`${file} is not an okto database (no migrations table)`);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} is not a SQLite database: ${(error as Error).message}`);
  } finally {
    await close(db);
  }
}

/**
 * Puts `from` in place of `dbFile` (the service must be stopped). The database it replaces, with
 * its -wal and -shm, is kept beside it as `<name>.before-restore-<time>`; nothing is deleted.
 */
export async function restoreSqlite(from: string, dbFile: string): Promise<{ keptAs: string | null }> {
  if (!fs.existsSync(from)) throw new BackupError(`no backup at ${from}`);
  await checkDatabase(from);
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const incoming = `${dbFile}.restoring-${process.pid}`;
  fs.copyFileSync(from, incoming);
  let keptAs: string | null = null;
  if (fs.existsSync(dbFile)) {
    keptAs = `${dbFile}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) if (fs.existsSync(dbFile + suffix)) fs.renameSync(dbFile + suffix, keptAs + suffix);
  } else {
    for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
  }
  fs.renameSync(incoming, dbFile);
  return { keptAs };
}
