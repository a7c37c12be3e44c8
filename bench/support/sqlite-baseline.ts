import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { openSqliteDatabase } from '../../adapters/store/sqlite-database.js';
import { generateCode, checkCode } from '../../src/domain/codes/index.js';
import { edgeMigrations } from '../../migrations/edge/index.js';

type Db = sqlite3.Database;
const run = (db: Db, sql: string, params: unknown[] = []) =>
  new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
const exec = (db: Db, sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));

async function createSchema(file: string) {
  const store = await openSqliteDatabase({ filename: file, migrations: edgeMigrations });
  await store.close();
}

function openRaw(file: string, synchronous: 'FULL' | 'OFF'): Promise<Db> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (error) => {
      if (error) return reject(error);
      db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=${synchronous}; PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-65536;`, (e) => (e ? reject(e) : resolve(db)));
    });
  });
}

/**
 * The ceiling: the same rows the scan path writes per code (bottle, outbox, scan), with the same
 * schema and durability, through the bare sqlite3 driver — no knex, no actors, no TCP.
 */
export async function bareInsertRate(file: string, n: number, group: number): Promise<{ grouped: number; single: number }> {
  await createSchema(file);
  const db = await openRaw(file, 'FULL');
  const codes = Array.from({ length: n }, () => checkCode(generateCode('milk'), 'milk')).flatMap((c) => (c.valid ? [c.code] : []));
  const now = new Date().toISOString();
  let seq = 0;
  const writeGroup = async (batch: typeof codes) => {
    const ids = batch.map(() => `bench${String(seq++).padStart(12, '0')}`);
    await exec(db, 'BEGIN');
    await run(db, `INSERT INTO bottles (id, identifier, identification_code, gtin, serial, status, production_line_id, product_id, party, device_id, is_preprint, source, created_at, updated_at) VALUES ${batch.map(() => '(?,?,?,?,?,0,?,?,?,?,?,?,?,?)').join(',')} ON CONFLICT(identification_code) DO NOTHING`,
      batch.flatMap((c, i) => [ids[i], c.normalised, c.identificationCode, c.gtin, c.serial, 'line-001', null, null, 'edge-001', 0, 'bench', now, now]));
    await run(db, `INSERT INTO outbox (kind, ref_id, created_at) VALUES ${batch.map(() => "('bottle.created',?,?)").join(',')}`,
      batch.flatMap((_c, i) => [ids[i], now]));
    await run(db, `INSERT INTO scans (received_at, source, code, outcome, bottle_id) VALUES ${batch.map(() => '(?,?,?,?,?)').join(',')}`,
      batch.flatMap((c, i) => [now, 'bench', c.normalised, 'accepted', ids[i]]));
    await exec(db, 'COMMIT');
  };
  let started = performance.now();
  for (let i = 0; i < codes.length; i += group) await writeGroup(codes.slice(i, i + group));
  const grouped = codes.length / ((performance.now() - started) / 1000);
  const singles = codes.slice(0, Math.min(5000, codes.length)).map((c) => checkCode(generateCode('milk'), 'milk')).flatMap((c) => (c.valid ? [c.code] : []));
  started = performance.now();
  for (const code of singles) await writeGroup([code]);
  const single = singles.length / ((performance.now() - started) / 1000);
  await new Promise((resolve) => db.close(resolve));
  return { grouped, single };
}

const CSET = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const SERIALS = 82 ** 6;

/** Serial number k of a pseudo-random permutation (so index inserts land at random pages, as in life). */
function serialOf(k: number): string {
  let x = (k * 2654435761) % SERIALS;
  let out = '';
  for (let i = 0; i < 6; i++) {
    out += CSET[x % 82];
    x = Math.floor(x / 82);
  }
  return out;
}

/**
 * A data dir whose database already holds `count` bottles, built once and cached (it takes a
 * minute or two for ten million), then copied for each run.
 */
export async function prefillBottles(dataDir: string, count: number, cacheDir: string, options: { unsynced?: boolean } = {}): Promise<void> {
  // Synced bottles model a long-running line; unsynced ones (status Created, with outbox rows) a backlog.
  const unsynced = options.unsynced ?? false;
  const cached = path.join(cacheDir, `edge-${count}${unsynced ? '-backlog' : ''}.db`);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(cached)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    const building = `${cached}.building`;
    fs.rmSync(building, { force: true });
    await createSchema(building);
    const db = await openRaw(building, 'OFF');
    const sample = checkCode(generateCode('milk'), 'milk');
    if (!sample.valid) throw new Error('generator produced an invalid code');
    const fullGtin = sample.code.gtin;
    const now = new Date().toISOString();
    const started = performance.now();
    const chunk = 500;
    for (let base = 0; base < count; base += 100_000) {
      await exec(db, 'BEGIN');
      for (let i = base; i < Math.min(count, base + 100_000); i += chunk) {
        const n = Math.min(chunk, count - i, base + 100_000 - i);
        const params: unknown[] = [];
        for (let k = i; k < i + n; k++) {
          const serial = serialOf(k + 1);
          const ic = `01${fullGtin}21${serial}`;
          params.push(`00${String(k).padStart(24, '0')}`, `${ic}\u001d93AAAA`, ic, fullGtin, serial, 'prefill', now, now);
        }
        await run(db, `INSERT INTO bottles (id, identifier, identification_code, gtin, serial, status, source, created_at, updated_at) VALUES ${Array(n).fill(`(?,?,?,?,?,${unsynced ? 0 : 3},?,?,?)`).join(',')}`, params);
        if (unsynced) {
          const ids = params.filter((_, index) => index % 8 === 0);
          await run(db, `INSERT INTO outbox (kind, ref_id, created_at) VALUES ${ids.map(() => "('bottle.created',?,?)").join(',')}`, ids.flatMap((id) => [id, now]));
        }
      }
      await exec(db, 'COMMIT');
      if (base % 1_000_000 === 0) process.stdout.write(`  prefill: ${base.toLocaleString('en')} rows (${((performance.now() - started) / 1000).toFixed(0)} s)\r`);
    }
    await run(db, 'UPDATE bottle_status_counts SET count = ? WHERE status = ?', [count, unsynced ? 0 : 3]);
    await exec(db, 'PRAGMA wal_checkpoint(TRUNCATE)');
    await new Promise((resolve) => db.close(resolve));
    fs.renameSync(building, cached);
    console.log(`  prefill: ${count.toLocaleString('en')} rows in ${((performance.now() - started) / 1000).toFixed(0)} s (cached in ${cached})`);
  }
  fs.copyFileSync(cached, path.join(dataDir, 'edge.db'));
}
