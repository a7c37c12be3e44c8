import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { checkCode } from '../../src/domain/codes/index.js';
import { edgeConfigSchema, type EdgeConfig } from '../../src/edge/config.js';
import { startEdge } from '../../src/edge/edge.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { runService } from '../support/cli-process.js';
import { demoTokens, jsonRequester } from '../support/http-request.js';
import { validCode } from '../support/scan-fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EDGE_BIN = path.join(ROOT, 'bin/okto-edge.js');
const FACTORY_BIN = path.join(ROOT, 'bin/okto-factory.js');

describe('backup and restore (okto-edge / okto-factory backup|restore)', function () {
  // Real processes (tsx) under load: generous.
  this.timeout(300_000);
  const children: ChildProcess[] = [];
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('okto-backup-')));
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    cleanup();
  });
  const run = (bin: string, args: string[]) => {
    const r = runService(bin, args, dir);
    children.push(r.child);
    return r;
  };

  it('backs up a running edge while codes flow in, restores into a fresh data dir, and that edge has every code acknowledged before the backup began', async () => {
    const live = path.join(dir, 'live');
    const edge = run(EDGE_BIN, ['--port', '0', '--host', '127.0.0.1', '--data-dir', live]);
    const port = (await edge.logLine((l) => typeof l.port === 'number')).port as number;
    const request = jsonRequester(`http://127.0.0.1:${port}`);
    const { operator } = await demoTokens(request);

    // Four writers post codes without pause; a code counts as acknowledged once its 200 arrived.
    const acknowledged: string[] = [];
    let scanning = true;
    let seed = 700_000;
    const writer = async () => {
      while (scanning) {
        const code = validCode(seed++);
        const res = await request('POST', '/api/v1/scanner/scan', { token: operator, body: { code } });
        if (res.status === 200 && res.body.data.outcome === 'accepted') acknowledged.push(code);
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 20));

    const before = [...acknowledged];
    const file = path.join(dir, 'edge-backup.db');
    const backup = run(EDGE_BIN, ['backup', '--to', file, '--data-dir', live]);
    expect(await backup.exited, backup.stderr()).to.deep.equal({ code: 0, signal: null });
    expect(backup.stdout()).to.match(/^okto-edge: backed up .*edge\.db to .*edge-backup\.db \(\d+ bytes, \d+ ms\)\n$/);
    const duringBackup = acknowledged.length - before.length;

    // Restore refuses while the edge runs on that data dir (its pid file names a live process).
    const refused = run(EDGE_BIN, ['restore', '--from', file, '--data-dir', live]);
    expect((await refused.exited).code).to.equal(1);
    expect(refused.stderr()).to.equal(`okto-edge restore: okto-edge is running (pid ${edge.child.pid}) on ${live}: stop it first (systemctl stop okto-edge)\n`);

    scanning = false;
    await Promise.all(writers);
    edge.child.kill('SIGTERM');
    expect((await edge.exited).code).to.equal(0);

    const fresh = path.join(dir, 'fresh');
    const restore = run(EDGE_BIN, ['restore', '--from', file, '--data-dir', fresh]);
    expect(await restore.exited, restore.stderr()).to.deep.equal({ code: 0, signal: null });
    expect(restore.stdout()).to.include(`restored ${file} into ${path.join(fresh, 'edge.db')}`);

    const config: EdgeConfig = { ...edgeConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, dataDir: fresh }), mockMode: true, configFile: null };
    const restored = await startEdge(config, silentLogger);
    try {
      const missing: string[] = [];
      for (const code of before) {
        const check = checkCode(code, 'milk');
        if (!check.valid) throw new Error('fixture code must be valid');
        if (!(await restored.system.queries.bottles.findByIdentificationCode(check.code.identificationCode))) missing.push(code);
      }
      expect(missing, `${missing.length} of ${before.length} acknowledged codes missing (${duringBackup} acknowledged during the backup)`).to.deep.equal([]);
      // The copy is a snapshot: nothing acknowledged after the edge stopped can be in it, and it holds at most what was acknowledged.
      expect((await restored.system.queries.bottles.count()).total).to.be.within(before.length, acknowledged.length);
    } finally {
      await restored.stop();
    }
  });

  it('restore keeps the database it replaces; a file that is not a database is refused and changes nothing', async () => {
    const data = path.join(dir, 'data');
    const edge = run(EDGE_BIN, ['--port', '0', '--data-dir', data]);
    await edge.logLine((l) => typeof l.port === 'number');
    const file = path.join(dir, 'b.db');
    expect((await run(EDGE_BIN, ['backup', '--to', file, '--data-dir', data]).exited).code).to.equal(0);
    const again = run(EDGE_BIN, ['backup', '--to', file, '--data-dir', data]);
    expect((await again.exited).code).to.equal(1);
    expect(again.stderr()).to.equal(`okto-edge backup: ${file} already exists; choose a new file name\n`);
    edge.child.kill('SIGTERM');
    await edge.exited;

    fs.writeFileSync(path.join(dir, 'junk.db'), 'not a database at all');
    const junk = run(EDGE_BIN, ['restore', '--from', path.join(dir, 'junk.db'), '--data-dir', data]);
    expect((await junk.exited).code).to.equal(1);
    expect(junk.stderr()).to.match(/^okto-edge restore: .*junk\.db (is not a SQLite database|cannot be opened|is damaged).*\n$/);

    const restore = run(EDGE_BIN, ['restore', '--from', file, '--data-dir', data]);
    expect((await restore.exited).code).to.equal(0);
    const kept = fs.readdirSync(data).filter((name) => name.startsWith('edge.db.before-restore-'));
    expect(kept.length).to.be.at.least(1);

    const missing = run(EDGE_BIN, ['backup', '--data-dir', data]);
    expect((await missing.exited).code).to.equal(2);
    expect(missing.stderr()).to.include('--to FILE is required');
  });

  it('okto-factory backs up its SQLite database, and sends PostgreSQL users to pg_dump', async () => {
    const data = path.join(dir, 'factory');
    const factory = run(FACTORY_BIN, ['--port', '0', '--data-dir', data]);
    await factory.logLine((l) => typeof l.port === 'number');
    const file = path.join(dir, 'factory-backup.db');
    const backup = run(FACTORY_BIN, ['backup', '--to', file, '--data-dir', data]);
    expect(await backup.exited, backup.stderr()).to.deep.equal({ code: 0, signal: null });
    expect(fs.statSync(file).size).to.be.greaterThan(0);
    factory.child.kill('SIGTERM');
    await factory.exited;

    const pg = run(FACTORY_BIN, ['backup', '--to', path.join(dir, 'x.db'), '--database-url', 'postgres://u@127.0.0.1:1/db']);
    expect((await pg.exited).code).to.equal(2);
    expect(pg.stderr()).to.include('use pg_dump / pg_restore');
  });
});
