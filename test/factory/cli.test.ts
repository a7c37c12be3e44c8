import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runService } from '../support/cli-process.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/okto-factory.js');

describe('okto-factory CLI', function () {
  // Each case starts a real process that compiles the TypeScript sources with tsx.
  this.timeout(60_000);
  const children: ChildProcess[] = [];
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('okto-factory-cli-'));
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    cleanup();
  });
  const start = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = runService(BIN, args, dir, env);
    children.push(r.child);
    return r;
  };

  it('starts on --port 0 with SQLite in its data dir, serves /health, stops cleanly on SIGTERM; no demo password outside the demo', async () => {
    const dataDir = path.join(dir, 'data');
    const factory = start(['--port', '0', '--data-dir', dataDir]);
    const started = await factory.logLine((l) => typeof l.port === 'number');
    expect(started).to.include({ name: 'okto-factory', dataDir, database: 'sqlite', configFile: null });
    const url = `http://127.0.0.1:${started.port as number}`;

    const health = (await (await fetch(`${url}/health`)).json()) as { data: { service: string; database: string } };
    expect(health.data).to.include({ service: 'okto-factory', database: 'sqlite' });
    expect(fs.existsSync(path.join(dataDir, 'factory.db'))).to.equal(true);
    expect(fs.statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).to.equal(0o600);

    // The admin got a random one-time password: in a 0600 file and in the log once; admin123 does not work.
    const file = path.join(dataDir, 'initial-passwords.txt');
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const password = /^admin (\S+)$/m.exec(fs.readFileSync(file, 'utf8'))![1]!;
    expect(password).to.have.length(16);
    expect(await factory.logLine((l) => typeof l.msg === 'string' && l.msg.includes(password))).to.include({ level: 40, username: 'admin' });
    const login = (pw: string) => fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: pw }) });
    expect((await login('admin123')).status).to.equal(401);
    const ok = (await (await login(password)).json()) as { data: { token: string; user: { mustChangePassword: boolean } } };
    expect(ok.data.user.mustChangePassword).to.equal(true);
    const devices = await fetch(`${url}/api/v1/devices`, { headers: { authorization: `Bearer ${ok.data.token}` } });
    expect(devices.status).to.equal(403);
    expect(((await devices.json()) as { error: { code: string } }).error.code).to.equal('PASSWORD_CHANGE_REQUIRED');

    factory.child.kill('SIGTERM');
    expect(await factory.exited).to.deep.equal({ code: 0, signal: null });
    await factory.logLine((l) => l.msg === 'stopped cleanly');
  });

  it('FACTORY_DEMO_USERS=true: the demo users with their known passwords, and a warning', async () => {
    const dataDir = path.join(dir, 'data');
    const factory = start(['--port', '0', '--data-dir', dataDir], { FACTORY_DEMO_USERS: 'true' });
    const started = await factory.logLine((l) => typeof l.port === 'number');
    expect(await factory.logLine((l) => typeof l.msg === 'string' && /default passwords/.test(l.msg))).to.include({ level: 40 });
    const res = await fetch(`http://127.0.0.1:${started.port as number}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'manager', password: 'manager123' }),
    });
    expect(res.status).to.equal(200);
    expect(fs.existsSync(path.join(dataDir, 'initial-passwords.txt'))).to.equal(false);
    factory.child.kill('SIGTERM');
    expect(await factory.exited).to.deep.equal({ code: 0, signal: null });
  });

  it('FACTORY_PORT=abc and a bad --database-url: exit code 2 naming the setting', async () => {
    const badPort = start(['--data-dir', path.join(dir, 'data')], { FACTORY_PORT: 'abc' });
    expect((await badPort.exited).code).to.equal(2);
    expect(badPort.stderr()).to.include('FACTORY_PORT');

    const badUrl = start(['--database-url', 'mysql://x']);
    expect((await badUrl.exited).code).to.equal(2);
    expect(badUrl.stderr()).to.include('databaseUrl');
  });

  it('--help prints the usage and exits 0 without starting', async () => {
    const factory = start(['--help']);
    expect(await factory.exited).to.deep.equal({ code: 0, signal: null });
    expect(factory.stdout()).to.include('Usage: okto-factory');
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });
});
