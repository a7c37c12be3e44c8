import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { edgeConfigSchema, type EdgeConfig } from '../../src/edge/config.js';
import { startEdge } from '../../src/edge/edge.js';
import { type FactoryConfig, factoryConfigSchema } from '../../src/factory/config.js';
import { startFactory } from '../../src/factory/factory.js';
import { tempDir } from '../support/temp-dir.js';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** A pino logger that keeps its warnings in memory. */
function recordingLogger() {
  const lines: Array<{ level: number; msg: string; fixed?: string[] }> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/**
 * Runs `body` with umask 0, the most permissive: what we check must be what the service set, not
 * what a careful umask happened to give.
 */
async function withOpenUmask<T>(body: () => Promise<T>): Promise<T> {
  const previous = process.umask(0);
  try {
    return await body();
  } finally {
    process.umask(previous);
  }
}

/** A data dir as an older version left it: 0755, a 0644 secret and a 0644 stray file in a 0755 subdirectory. */
function tooOpenDataDir(root: string): string {
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(path.join(dataDir, 'firmware'), { recursive: true });
  fs.chmodSync(dataDir, 0o755);
  fs.chmodSync(path.join(dataDir, 'firmware'), 0o755);
  fs.writeFileSync(path.join(dataDir, 'jwt-secret'), `${'s'.repeat(48)}\n`);
  fs.chmodSync(path.join(dataDir, 'jwt-secret'), 0o644);
  fs.writeFileSync(path.join(dataDir, 'firmware', 'old.bin'), 'x');
  fs.chmodSync(path.join(dataDir, 'firmware', 'old.bin'), 0o644);
  return dataDir;
}

function expectPrivate(dataDir: string, databaseFile: string) {
  expect(modeOf(dataDir).toString(8), 'data dir').to.equal('700');
  expect(modeOf(path.join(dataDir, 'firmware')).toString(8), 'subdirectory').to.equal('700');
  for (const file of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`, 'jwt-secret', path.join('firmware', 'old.bin')]) {
    const full = path.join(dataDir, file);
    expect(fs.existsSync(full), file).to.equal(true);
    expect(modeOf(full).toString(8), file).to.equal('600');
  }
}

describe('data files are private to the service account (0700 directories, 0600 files)', () => {
  it('edge: a fresh data dir and database are created private, even with umask 0', async () => {
    const { dir, cleanup } = tempDir('okto-modes-');
    const dataDir = path.join(dir, 'fresh');
    try {
      const config: EdgeConfig = { ...edgeConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, auth: { scryptLogN: 10 }, dataDir, storage: { synchronous: 'NORMAL' } }), mockMode: true, configFile: null };
      const { logger, lines } = recordingLogger();
      const edge = await withOpenUmask(() => startEdge(config, logger));
      try {
        expect(modeOf(dataDir).toString(8)).to.equal('700');
        for (const file of ['edge.db', 'edge.db-wal', 'edge.db-shm', 'jwt-secret']) expect(modeOf(path.join(dataDir, file)).toString(8), file).to.equal('600');
        expect(lines.filter((l) => /readable by other accounts/.test(l.msg))).to.deep.equal([]);
      } finally {
        expect((await fetch(`http://127.0.0.1:${edge.port}/health`)).status).to.equal(200);
        await edge.stop();
      }
    } finally {
      cleanup();
    }
  });

  it('edge: an existing data dir that is too open is fixed at start, with a warning naming the files', async () => {
    const { dir, cleanup } = tempDir('okto-modes-');
    try {
      const dataDir = tooOpenDataDir(dir);
      const config: EdgeConfig = { ...edgeConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, auth: { scryptLogN: 10 }, dataDir, storage: { synchronous: 'NORMAL' } }), mockMode: true, configFile: null };
      const { logger, lines } = recordingLogger();
      const edge = await withOpenUmask(() => startEdge(config, logger));
      try {
        expectPrivate(dataDir, 'edge.db');
        const warning = lines.find((l) => /readable by other accounts/.test(l.msg));
        expect(warning?.fixed).to.include.members(['. (755)', 'jwt-secret (644)', 'firmware (755)', 'firmware/old.bin (644)']);
      } finally {
        expect((await fetch(`http://127.0.0.1:${edge.port}/health`)).status).to.equal(200);
        await edge.stop();
      }
    } finally {
      cleanup();
    }
  });

  it('a data dir given as a symlink is made private through it; a symlink inside it is not followed', async () => {
    const { dir, cleanup } = tempDir('okto-modes-');
    try {
      const real = tooOpenDataDir(dir);
      const outside = path.join(dir, 'outside.txt');
      fs.writeFileSync(outside, 'not ours');
      fs.chmodSync(outside, 0o644);
      fs.symlinkSync(outside, path.join(real, 'link-out'));
      const link = path.join(dir, 'data-link');
      fs.symlinkSync(real, link);
      const config: EdgeConfig = { ...edgeConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, auth: { scryptLogN: 10 }, dataDir: link, storage: { synchronous: 'NORMAL' } }), mockMode: true, configFile: null };
      const edge = await withOpenUmask(() => startEdge(config, recordingLogger().logger));
      try {
        expectPrivate(real, 'edge.db');
        expect(modeOf(outside).toString(8), 'the file a symlink points at').to.equal('644');
      } finally {
        await edge.stop();
      }
    } finally {
      cleanup();
    }
  });

  it('factory (SQLite): the same at start, for factory.db and its -wal/-shm', async () => {
    const { dir, cleanup } = tempDir('okto-modes-');
    try {
      const dataDir = tooOpenDataDir(dir);
      const config: FactoryConfig = { ...factoryConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, auth: { scryptLogN: 10 }, dataDir, log: { level: 'silent' } }), configFile: null };
      const { logger, lines } = recordingLogger();
      const factory = await withOpenUmask(() => startFactory(config, logger));
      try {
        expectPrivate(dataDir, 'factory.db');
        expect(lines.some((l) => /readable by other accounts/.test(l.msg))).to.equal(true);
      } finally {
        await factory.stop();
      }
    } finally {
      cleanup();
    }
  });
});
