import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runService } from '../support/cli-process.js';
import { demoTokens, jsonRequester } from '../support/http-request.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const BINS = ['okto-edge', 'okto-factory', 'okto-cloud-sim', 'okto-line-sim'] as const;
const bin = (name: string) => path.join(ROOT, 'bin', `${name}.js`);

/** A port some other process holds for the duration of a test. */
async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('CLI manners of the four bins', function () {
  // Each case starts real processes that load the TypeScript sources with tsx: seconds each.
  this.timeout(90_000);
  const children: ChildProcess[] = [];
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('okto-cli-manners-')));
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    cleanup();
  });
  const start = (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = runService(bin(name), args, dir, env);
    children.push(r.child);
    return r;
  };

  for (const name of BINS) {
    it(`${name}: -h and --help print the usage, --version the package version; all exit 0 and create nothing`, async () => {
      const [short, long, version] = [start(name, ['-h']), start(name, ['--help']), start(name, ['--version'])];
      for (const run of [short, long]) {
        expect(await run.exited).to.deep.equal({ code: 0, signal: null });
        expect(run.stdout()).to.include(`Usage: ${name}`);
        expect(run.stdout()).to.include('--log-pretty');
      }
      expect(await version.exited).to.deep.equal({ code: 0, signal: null });
      expect(version.stdout()).to.equal(`${name} ${VERSION}\n`);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it(`${name}: an unknown flag prints the usage and exits 2`, async () => {
      const run = start(name, ['--no-such-flag']);
      expect((await run.exited).code).to.equal(2);
      expect(run.stderr()).to.include('--no-such-flag');
      expect(run.stderr()).to.include(`Usage: ${name}`);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });
  }

  for (const name of ['okto-edge', 'okto-factory', 'okto-cloud-sim', 'okto-line-sim'] as const) {
    it(`${name}: a busy port is one line on stderr, exit 1, no stack trace, nothing created`, async () => {
      const busy = await occupiedPort();
      try {
        const dataDir = path.join(dir, 'data');
        const args = name === 'okto-edge' || name === 'okto-factory' ? ['--port', String(busy.port), '--host', '127.0.0.1', '--data-dir', dataDir] : ['--port', String(busy.port)];
        const run = start(name, args);
        expect((await run.exited).code).to.equal(1);
        expect(run.stderr()).to.equal(`${name}: port ${busy.port} is in use — is another ${name} running?\n`);
        expect(fs.readdirSync(dir)).to.deep.equal([]);
      } finally {
        await busy.release();
      }
    });
  }

  for (const name of ['okto-edge', 'okto-factory'] as const) {
    it(`${name}: a data dir that cannot be created or written is one line, exit 1, nothing created`, async () => {
      fs.writeFileSync(path.join(dir, 'a-file'), '');
      const run = start(name, ['--port', '0', '--data-dir', path.join(dir, 'a-file', 'data')]);
      expect((await run.exited).code).to.equal(1);
      expect(run.stderr()).to.match(new RegExp(`^${name}: data dir .*a-file/data cannot be created: a part of its path is a file, not a directory\\n$`));
      expect(fs.readdirSync(dir)).to.deep.equal(['a-file']);
    });

    it(`${name}: refuses to start a second copy on the same data dir (pid file), in one line`, async () => {
      const dataDir = path.join(dir, 'data');
      const first = start(name, ['--port', '0', '--data-dir', dataDir]);
      await first.logLine((l) => typeof l.port === 'number');
      expect(fs.readFileSync(path.join(dataDir, `${name}.pid`), 'utf8').trim()).to.equal(String(first.child.pid));
      const second = start(name, ['--port', '0', '--data-dir', dataDir]);
      expect((await second.exited).code).to.equal(1);
      expect(second.stderr()).to.equal(`${name}: another ${name} (pid ${first.child.pid}) is using the data dir ${dataDir}\n`);
      first.child.kill('SIGTERM');
      expect((await first.exited).code).to.equal(0);
      expect(fs.existsSync(path.join(dataDir, `${name}.pid`))).to.equal(false);
    });
  }

  it('okto-edge --log-pretty logs readable lines, not JSON', async () => {
    const run = start('okto-edge', ['--port', '0', '--data-dir', path.join(dir, 'data'), '--log-pretty']);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/okto-edge listening on/.test(run.stdout())) {
          clearInterval(timer);
          resolve();
        }
        if (run.child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(run.stderr()));
        }
      }, 50);
    });
    const line = run.stdout().split('\n').find((l) => l.includes('okto-edge listening on'))!;
    expect(line.startsWith('{')).to.equal(false);
    expect(line).to.match(/INFO/);
  });

  it('okto-edge: a debug access line per request (method, route, status, ms); a routine 503 is info without a stack', async () => {
    const run = start('okto-edge', ['--port', '0', '--data-dir', path.join(dir, 'data')], { LOG_LEVEL: 'debug' });
    const port = (await run.logLine((l) => typeof l.port === 'number')).port as number;
    const request = jsonRequester(`http://127.0.0.1:${port}`);
    const tokens = await demoTokens(request);
    const res = await request('GET', '/api/v1/printers/0/status', { token: tokens.operator });
    expect(res.status).to.equal(503);
    const access = await run.logLine((l) => l.msg === 'request' && l.route === '/api/v1/printers/:index/status');
    expect(access).to.include({ level: 20, method: 'GET', status: 503, path: '/api/v1/printers/0/status' });
    expect(access.ms).to.be.a('number');
    const unavailable = await run.logLine((l) => l.msg === 'service unavailable');
    expect(unavailable).to.include({ level: 30, message: 'No printer is configured on this line' });
    expect(unavailable).not.to.have.property('err');
    expect(run.stdout()).not.to.include('request failed');
  });
});
