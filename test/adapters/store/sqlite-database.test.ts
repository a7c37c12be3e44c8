import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { openSqliteDatabase, type SqliteDatabase } from '../../../adapters/store/sqlite-database.js';
import { edgeMigrations } from '../../../migrations/edge/index.js';
import { tempDir } from '../../support/temp-dir.js';

describe('openSqliteDatabase', () => {
  let dir: { dir: string; cleanup: () => void };
  let db: SqliteDatabase | null = null;
  beforeEach(() => {
    dir = tempDir('okto-sqlite-');
  });
  afterEach(async () => {
    await db?.close();
    db = null;
    dir.cleanup();
  });

  const pragma = async (knex: SqliteDatabase['reader'], name: string) => {
    const rows: Array<Record<string, unknown>> = await knex.raw(`PRAGMA ${name}`);
    return Object.values(rows[0]!)[0];
  };

  it('creates the file (and its directory), migrates it, and runs in WAL with automatic checkpoints off', async () => {
    const filename = path.join(dir.dir, 'nested', 'edge.db');
    db = await openSqliteDatabase({ filename, migrations: edgeMigrations });
    expect(fs.existsSync(filename)).to.equal(true);
    const tables: Array<{ name: string }> = await db.reader.raw("SELECT name FROM sqlite_master WHERE type = 'table'");
    expect(tables.map((t) => t.name)).to.include.members(['users', 'bottles', 'bottle_status_counts', 'batches', 'sequences', 'scans', 'outbox', 'settings']);
    for (const conn of [db.writer, db.reader]) {
      expect(await pragma(conn, 'journal_mode')).to.equal('wal');
      expect(await pragma(conn, 'wal_autocheckpoint')).to.equal(0);
      expect(await pragma(conn, 'foreign_keys')).to.equal(1);
      expect(await pragma(conn, 'synchronous'), 'FULL by default').to.equal(2);
    }
  });

  it('honours synchronous NORMAL', async () => {
    db = await openSqliteDatabase({ filename: path.join(dir.dir, 'edge.db'), migrations: edgeMigrations, synchronous: 'NORMAL' });
    expect(await pragma(db.writer, 'synchronous')).to.equal(1);
  });

  it('shows the reader only committed writes', async () => {
    db = await openSqliteDatabase({ filename: path.join(dir.dir, 'edge.db'), migrations: edgeMigrations, synchronous: 'NORMAL' });
    const open = db;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written!: () => void;
    const insideWritten = new Promise<void>((resolve) => {
      written = resolve;
    });
    const transaction = open.writer.transaction(async (trx) => {
      await trx('settings').insert({ key: 'k', value: '"v"', updated_at: 'now' });
      written();
      await held;
    });
    await insideWritten;
    expect(await open.reader('settings'), 'not before COMMIT').to.deep.equal([]);
    release();
    await transaction;
    expect((await open.reader('settings')).map((r) => r.key)).to.deep.equal(['k']);
  });

  it('keeps data across close and reopen, migrating only once, and checkpoints on demand', async () => {
    const filename = path.join(dir.dir, 'edge.db');
    db = await openSqliteDatabase({ filename, migrations: edgeMigrations, synchronous: 'NORMAL' });
    await db.writer('settings').insert({ key: 'k', value: '1', updated_at: 'now' });
    await db.checkpoint();
    await db.close();
    db = await openSqliteDatabase({ filename, migrations: edgeMigrations, synchronous: 'NORMAL' });
    expect((await db.reader('settings')).map((r) => r.value)).to.deep.equal(['1']);
    const migrations: Array<{ name: string }> = await db.reader('knex_migrations');
    // Each migration once, in order (the list grows with the schema).
    const names = (await edgeMigrations.getMigrations([])).map((m) => edgeMigrations.getMigrationName(m));
    expect(names[0]).to.equal('0001-initial');
    expect(migrations.map((m) => m.name)).to.deep.equal(names);
  });
});
