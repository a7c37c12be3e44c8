import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../src/cloud-sim/seed.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/okto-cloud-sim.js');

type Exit = { code: number | null; signal: NodeJS.Signals | null };

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', CLOUD_SIM_PORT: '', CLOUD_SIM_HOST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  /** The first JSON log line matching `pred`, polling stdout until it appears. */
  const logLine = async (pred: (l: Record<string, unknown>) => boolean) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = lines().find(pred);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`log line not seen; stdout: ${out}\nstderr: ${err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { child, exited, logLine, stdout: () => out, stderr: () => err };
}

describe('okto-cloud-sim CLI', function () {
  // Each case starts real processes that load the TypeScript sources with tsx: seconds each, and
  // many more on a loaded machine (as the other CLI suites allow for).
  this.timeout(90_000);
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('logs the bound port and the demo credentials, serves the admin API, and stops cleanly on SIGTERM', async () => {
    const sim = run(['--port', '0']);
    children.push(sim.child);
    const started = await sim.logLine((l) => typeof l.port === 'number');
    const port = started.port as number;
    expect(started.name).to.equal('okto-cloud-sim');
    expect(port).to.be.greaterThan(0);
    expect(started.msg).to.equal(`okto-cloud-sim listening on http://127.0.0.1:${port}`);
    const credentials = await sim.logLine((l) => String(l.msg).startsWith('cloud demo credentials'));
    expect(credentials.msg).to.equal(`cloud demo credentials: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);

    const stats = await (await fetch(`http://127.0.0.1:${port}/admin/stats`)).json();
    expect(stats).to.deep.include({ success: true });
    expect(stats.data.itemsStored).to.equal(0);
    const signIn = await fetch(`http://127.0.0.1:${port}/sign_in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
    });
    expect(signIn.status).to.equal(200);

    sim.child.kill('SIGTERM');
    expect(await sim.exited).to.deep.equal({ code: 0, signal: null });
    expect(sim.stdout()).to.contain('stopped cleanly');
    // Tokens are never logged.
    const { token } = ((await signIn.json()) as { data: { token: string } }).data;
    expect(sim.stdout()).to.not.contain(token);
  });

  it('takes the port from CLOUD_SIM_PORT', async () => {
    const sim = run([], { CLOUD_SIM_PORT: '0' });
    children.push(sim.child);
    const started = await sim.logLine((l) => typeof l.port === 'number');
    expect(started.port).to.be.greaterThan(0);
    sim.child.kill('SIGINT');
    expect((await sim.exited).code).to.equal(0);
  });

  it('prints usage for --help and fails with usage on a bad flag', async () => {
    const help = run(['--help']);
    children.push(help.child);
    expect(await help.exited).to.deep.equal({ code: 0, signal: null });
    expect(help.stdout()).to.match(/^Usage: okto-cloud-sim/);
    expect(help.stdout()).to.contain('POST /admin/faults');

    const bad = run(['--port', 'eighty']);
    children.push(bad.child);
    expect((await bad.exited).code).to.equal(2);
    expect(bad.stderr()).to.contain('okto-cloud-sim: --port');
  });
});
