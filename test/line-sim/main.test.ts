import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/okto-line-sim.js');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  /** Resolves with the first JSON log line matching the predicate. */
  logLine(pred: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = (): Array<Record<string, unknown>> =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    child,
    stdout: () => out,
    exited,
    logLine: (pred) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines().find(pred);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`log line not seen; stdout: ${out}\nstderr: ${err}`));
        }, 15_000);
        waiters.add(check);
        check();
        void exited.then(() => setTimeout(check, 10));
      }),
  };
}

describe('okto-line-sim CLI', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('logs the bound port and stops cleanly on SIGTERM', async () => {
    const sim = run(['--port', '0', '--total', '3']);
    children.push(sim.child);
    const started = await sim.logLine((l) => typeof l.port === 'number');
    expect(started.name).to.equal('okto-line-sim');
    expect(started.port).to.be.greaterThan(0);
    expect(started.msg).to.equal(`scanner simulator listening on 127.0.0.1:${started.port}`);
    sim.child.kill('SIGTERM');
    expect(await sim.exited).to.deep.equal({ code: 0, signal: null });
    const stopped = await sim.logLine((l) => l.msg === 'scanner simulator stopped');
    expect(stopped.why).to.equal('SIGTERM');
  });

  it('sends --total frames to a connecting edge and exits on its own', async () => {
    const sim = run(['--port', '0', '--total', '3', '--rate', '100', '--seed', '1'], { LINE_SIM_INDUSTRY: 'water' });
    children.push(sim.child);
    const { port } = (await sim.logLine((l) => typeof l.port === 'number')) as { port: number };
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    expect(await sim.exited).to.deep.equal({ code: 0, signal: null });
    await closed;
    const frames = received.split('\r\n').filter(Boolean);
    expect(frames).to.have.length(3);
    for (const f of frames) expect(f).to.match(/^01\d{14}21.{13}\u001d93.{4}$/);
    const stopped = await sim.logLine((l) => l.msg === 'scanner simulator stopped');
    expect(stopped).to.deep.include({ why: 'total reached' });
    expect((stopped.stats as { sent: number }).sent).to.equal(3);
  });

  it('prints usage for --help and fails with usage on a bad flag', async () => {
    const help = run(['--help']);
    children.push(help.child);
    expect(await help.exited).to.deep.equal({ code: 0, signal: null });
    expect(help.stdout()).to.match(/^Usage: okto-line-sim/);

    const bad = run(['--industry', 'vodka']);
    children.push(bad.child);
    expect((await bad.exited).code).to.equal(2);
  });
});
