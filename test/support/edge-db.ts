import path from 'node:path';
import { openSqliteDatabase, type SqliteDatabase } from '../../adapters/store/sqlite-database.js';
import { checkCode } from '../../src/domain/codes/index.js';
import type { CommitItem } from '../../src/domain/scan-commit.js';
import { edgeMigrations } from '../../migrations/edge/index.js';
import { tempDir } from './temp-dir.js';

/** The edge schema in a fresh SQLite file; `reopen` closes and opens the same file (a restart). */
export async function openTestEdgeDb() {
  const { dir, cleanup } = tempDir('okto-store-');
  const filename = path.join(dir, 'edge.db');
  const open = () => openSqliteDatabase({ filename, migrations: edgeMigrations, synchronous: 'NORMAL' });
  const handle = { db: await open(), dir, filename };
  return Object.assign(handle, {
    async reopen(): Promise<SqliteDatabase> {
      await handle.db.close();
      handle.db = await open();
      return handle.db;
    },
    async close() {
      await handle.db.close().catch(() => undefined);
      cleanup();
    },
  });
}

export type TestEdgeDb = Awaited<ReturnType<typeof openTestEdgeDb>>;

/** The commit item the scan line builds for a scanned code (candidate when valid, else invalid). */
export function scanItem(code: string, options: { source?: string; receivedAt?: string | null } = {}): CommitItem {
  const source = options.source ?? 'cam-1';
  const receivedAt = options.receivedAt ?? null;
  const check = checkCode(code, 'milk');
  if (!check.valid) return { code, source, receivedAt, outcome: 'invalid', reason: check.reason, reasonCode: check.reasonCode, reasonParams: check.reasonParams, gtin: check.gtin, bottle: null };
  return {
    code: check.code.normalised,
    source,
    receivedAt,
    outcome: 'candidate',
    reason: null,
    gtin: check.code.gtin,
    bottle: {
      identifier: check.code.normalised,
      identificationCode: check.code.identificationCode,
      gtin: check.code.gtin,
      serial: check.code.serial,
      productionLineId: 'line-1',
      productId: null,
      party: null,
      deviceId: 'edge-1',
      isPreprint: false,
    },
  };
}
