import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runService } from '../support/cli-process.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/okto-edge.js');

describe('okto-edge CLI', function () {
  // Each case starts a real process that compiles the TypeScript sources with tsx: seconds, not milliseconds.
  this.timeout(60_000);
  const children: ChildProcess[] = [];
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    // cwd is an empty temp dir: no edge-service.yaml is picked up from the repository.
    ({ dir, cleanup } = tempDir('okto-edge-cli-'));
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

  it('starts on --port 0, logs the bound port, serves /health, writes the JWT secret 0600, stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(dir, 'data');
    const edge = start(['--port', '0', '--data-dir', dataDir]);
    const started = await edge.logLine((l) => typeof l.port === 'number');
    const port = started.port as number;
    expect(port).to.be.greaterThan(0);
    expect(started).to.include({ name: 'okto-edge', dataDir, mockMode: true, configFile: null, industry: 'milk' });

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).to.equal(200);
    const body = (await health.json()) as { success: boolean; data: { status: string } };
    expect(body).to.deep.include({ success: true });
    expect(body.data.status).to.equal('ok');

    const secretFile = path.join(dataDir, 'jwt-secret');
    expect(fs.existsSync(secretFile)).to.equal(true);
    expect(fs.statSync(secretFile).mode & 0o777).to.equal(0o600);
    expect(fs.readFileSync(secretFile, 'utf8').trim().length).to.be.at.least(32);
    expect(fs.existsSync(path.join(dataDir, 'edge.db'))).to.equal(true);

    // The demo passwords are still in use: the edge says so.
    expect(await edge.logLine((l) => typeof l.msg === 'string' && /default passwords/.test(l.msg))).to.include({ level: 40 });

    edge.child.kill('SIGTERM');
    expect(await edge.exited).to.deep.equal({ code: 0, signal: null });
    await edge.logLine((l) => l.msg === 'stopped cleanly');
    expect(edge.stderr()).to.equal('');
  });

  it('keeps its JWT secret across restarts: a token from the first run still works', async () => {
    const dataDir = path.join(dir, 'data');
    const first = start(['--port', '0', '--data-dir', dataDir]);
    const port1 = (await first.logLine((l) => typeof l.port === 'number')).port as number;
    const login = await fetch(`http://127.0.0.1:${port1}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: 'operator123' }),
    });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    const secret = fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8');
    first.child.kill('SIGTERM');
    expect((await first.exited).code).to.equal(0);

    const second = start(['--port', '0', '--data-dir', dataDir]);
    const port2 = (await second.logLine((l) => typeof l.port === 'number')).port as number;
    expect(fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).to.equal(secret);
    const res = await fetch(`http://127.0.0.1:${port2}/api/v1/bottles/count`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).to.equal(0);
  });

  it('reads edge-service.yaml from its cwd (mock mode then off unless set)', async () => {
    fs.writeFileSync(path.join(dir, 'edge-service.yaml'), `server: { port: 0, host: 127.0.0.1 }\ndataDir: ./state\nline: { industry: water }\n`);
    const edge = start([]);
    const started = await edge.logLine((l) => typeof l.port === 'number');
    expect(started).to.include({ host: '127.0.0.1', industry: 'water', mockMode: false, configFile: path.join(dir, 'edge-service.yaml'), dataDir: path.join(dir, 'state') });
    const res = await fetch(`http://127.0.0.1:${started.port as number}/health`);
    expect(res.status).to.equal(200);
    edge.child.kill('SIGTERM');
    expect((await edge.exited).code).to.equal(0);
  });

  it('with a config file (mock mode off): no demo password works; the admin gets a one-time password (0600 file, logged once) to change at first login', async function () {
    // Two starts and a dozen hashes (at the test cost, EDGE_SCRYPT_LOG_N=10 from runService).
    fs.writeFileSync(path.join(dir, 'edge-service.yaml'), `server: { port: 0, host: 127.0.0.1 }\ndataDir: ./state\n`);
    const edge = start([], { EDGE_OPERATOR_PASSWORD: 'Operator-env-pass-1' });
    const url = `http://127.0.0.1:${(await edge.logLine((l) => typeof l.port === 'number')).port as number}`;
    const file = path.join(dir, 'state', 'initial-passwords.txt');
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).to.not.match(/^(manager|operator) /m); // only the admin: the operator's comes from environment, the manager does not exist
    const password = /^admin (\S+)$/m.exec(text)![1]!;
    expect(await edge.logLine((l) => typeof l.msg === 'string' && l.msg.includes(password))).to.include({ level: 40, username: 'admin' });
    const call = async (method: string, route: string, body?: unknown, token?: string) => {
      const res = await fetch(url + route, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as { data: any; error: { code: string } } };
    };
    for (const [username, pw] of [['admin', 'admin123'], ['manager', 'manager123'], ['operator', 'operator123']]) {
      expect((await call('POST', '/api/v1/auth/login', { username, password: pw })).status, username).to.equal(401);
    }
    expect((await call('POST', '/api/v1/auth/login', { username: 'operator', password: 'Operator-env-pass-1' })).status).to.equal(200);
    const first = await call('POST', '/api/v1/auth/login', { username: 'admin', password });
    expect(first.body.data.user.mustChangePassword).to.equal(true);
    const blocked = await call('GET', '/api/v1/bottles/count', undefined, first.body.data.token);
    expect([blocked.status, blocked.body.error.code]).to.deep.equal([403, 'PASSWORD_CHANGE_REQUIRED']);
    const changed = await call('POST', '/api/v1/auth/password', { currentPassword: password, newPassword: 'Cabinet-chosen-77' }, first.body.data.token);
    expect(changed.status).to.equal(200);
    expect((await call('GET', '/api/v1/bottles/count', undefined, changed.body.data.token)).status).to.equal(200);
    edge.child.kill('SIGTERM');
    expect((await edge.exited).code).to.equal(0);

    // A restart keeps the chosen password and writes no new one-time password.
    const again = start([]);
    const url2 = `http://127.0.0.1:${(await again.logLine((l) => typeof l.port === 'number')).port as number}`;
    const relogin = await fetch(`${url2}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'Cabinet-chosen-77' }) });
    expect(relogin.status).to.equal(200);
    expect(fs.readFileSync(file, 'utf8')).to.equal(text);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).to.equal(0);
  });

  it('--port abc: exit code 2, stderr names the flag', async () => {
    const edge = start(['--port', 'abc', '--data-dir', path.join(dir, 'data')]);
    expect((await edge.exited).code).to.equal(2);
    expect(edge.stderr()).to.include('--port');
    expect(fs.existsSync(path.join(dir, 'data'))).to.equal(false);
  });

  it('EDGE_PORT=abc: exit code 2, stderr names the variable', async () => {
    const edge = start(['--data-dir', path.join(dir, 'data')], { EDGE_PORT: 'abc' });
    expect((await edge.exited).code).to.equal(2);
    expect(edge.stderr()).to.include('EDGE_PORT');
  });

  it('a bad edge-service.yaml: exit code 2, stderr names the key and the file', async () => {
    const file = path.join(dir, 'edge-service.yaml');
    fs.writeFileSync(file, 'line: { industry: wine }\nscanners:\n  - { id: s1, transport: tcp }\n');
    const edge = start(['--port', '0']);
    expect((await edge.exited).code).to.equal(2);
    expect(edge.stderr()).to.include('line.industry');
    expect(edge.stderr()).to.include('scanners.0.port');
    expect(edge.stderr()).to.include(file);
  });

  it('a printer at a public address without hardware.allowedHosts: exit code 2 naming the key; listed in allowedHosts it starts', async () => {
    const file = path.join(dir, 'edge-service.yaml');
    fs.writeFileSync(file, `dataDir: ${JSON.stringify(path.join(dir, 'data'))}\nprinters:\n  - { model: ZEBRA_ZPL, host: 127.0.0.1 }\n  - { model: GENERIC_TCP, host: 203.0.113.7, port: 9100 }\n`);
    const refused = start(['--port', '0']);
    expect((await refused.exited).code).to.equal(2);
    expect(refused.stderr()).to.include('printers.1.host');
    expect(refused.stderr()).to.include('203.0.113.7');
    expect(refused.stderr()).to.include('hardware.allowedHosts');

    fs.appendFileSync(file, 'hardware: { allowedHosts: [127.0.0.0/8, 203.0.113.0/24] }\n');
    const allowed = start(['--port', '0']);
    await allowed.logLine((l) => typeof l.port === 'number');
    allowed.child.kill('SIGTERM');
    expect(await allowed.exited, `stderr: ${allowed.stderr()}\nstdout tail: ${allowed.stdout().slice(-2000)}`).to.deep.equal({ code: 0, signal: null });
  });

  it('an unknown key in the YAML: exit code 2 naming it', async () => {
    fs.writeFileSync(path.join(dir, 'edge-service.yaml'), 'server: { prot: 80 }\n');
    const edge = start([]);
    expect((await edge.exited).code).to.equal(2);
    expect(edge.stderr()).to.include('prot');
  });

  it('--help prints the usage and exits 0 without starting', async () => {
    const edge = start(['--help']);
    expect(await edge.exited).to.deep.equal({ code: 0, signal: null });
    expect(edge.stdout()).to.include('Usage: okto-edge');
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });
});
