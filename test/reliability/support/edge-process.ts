import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dataOf, pollUntil, requestJson } from './http-json.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const EDGE_BIN = path.join(ROOT, 'bin/okto-edge.js');

/** A loaded 2-core machine can take many seconds to start node + tsx; this only bounds a hang. */
const START_TIMEOUT_MS = 90_000;

export interface CrashEdgeConfig {
  dataDir: string;
  cloudUrl: string;
  sync?: { pollIntervalMs: number; batchSize: number };
}

/**
 * The edge as the crash tests run it: real SQLite with synchronous=FULL, no mock endpoints, one
 * TCP scanner in listen mode on any free port that answers every frame OK/NG.
 */
export function writeCrashEdgeConfig(file: string, config: CrashEdgeConfig): void {
  const sync = config.sync ?? { pollIntervalMs: 20, batchSize: 200 };
  fs.writeFileSync(
    file,
    [
      'server: { host: 127.0.0.1, port: 0 }',
      `dataDir: ${JSON.stringify(config.dataDir)}`,
      'mockMode: false',
      'auth: { demoUsers: true, scryptLogN: 10 }',
      'line: { industry: milk }',
      'log: { level: info }',
      'storage: { synchronous: FULL }',
      `cloud: { url: ${JSON.stringify(config.cloudUrl)} }`,
      `sync: { pollIntervalMs: ${sync.pollIntervalMs}, batchSize: ${sync.batchSize} }`,
      'scanners:',
      '  - { id: crash, transport: tcp, mode: listen, host: 127.0.0.1, port: 0, reply: { accept: OK, reject: NG } }',
    ].join('\n') + '\n',
  );
}

/** The environment minus everything that would override the config file (EDGE_*, OKTO_*, LOG_LEVEL). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('EDGE_') || key.startsWith('OKTO_') || key === 'LOG_LEVEL') continue;
    env[key] = value;
  }
  return env;
}

// Last resort when the test process exits without running its after hooks (mocha --exit,
// process.exit on a crash): no edge child may outlive it, listening on a port nobody will close.
const everyLiveChild = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  everyLiveChild.add(child);
  child.once('exit', () => everyLiveChild.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const live of everyLiveChild) live.kill('SIGKILL');
  });
}

/**
 * Every edge child started through it, so a failing test can still kill them all (kill -9 by pid).
 */
export class ChildReaper {
  private readonly children = new Set<ChildProcess>();

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    killOnExit(child);
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => killHard(child)));
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function killHard(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}

/** One `node bin/okto-edge.js --config FILE` child; its stdout and stderr are appended to `logFile`. */
export class EdgeProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(options: { configFile: string; logFile: string; reaper: ChildReaper }): Promise<EdgeProcess> {
    fs.appendFileSync(options.logFile, `--- start ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [EDGE_BIN, '--config', options.configFile], {
      cwd: ROOT,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.reaper.track(child);
    try {
      const port = await listeningPort(child, options.logFile);
      const url = `http://127.0.0.1:${port}`;
      const { token } = await dataOf<{ token: string }>(url, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'admin123' } });
      return new EdgeProcess(child, url, token);
    } catch (error) {
      await killHard(child);
      throw new Error(`${(error as Error).message}\n--- edge log tail ---\n${logTail(options.logFile)}`);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `data` of an authenticated call, throwing on anything but a 2xx envelope. */
  data<T = any>(method: string, apiPath: string, body?: unknown): Promise<T> {
    return dataOf<T>(this.url, method, apiPath, { token: this.token, ...(body !== undefined ? { body } : {}) });
  }

  raw(method: string, apiPath: string, body?: unknown) {
    return requestJson(this.url, method, apiPath, { token: this.token, ...(body !== undefined ? { body } : {}) });
  }

  /** kill -9: no handler runs, no buffer is flushed, no transaction is finished. */
  kill9(): Promise<void> {
    return killHard(this.child);
  }

  /** SIGTERM and wait: the edge drains its scan line and closes the database; resolves with the exit code. */
  async terminate(timeoutMs = 60_000): Promise<number | null> {
    if (exited(this.child)) return this.child.exitCode;
    const gone = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await gone;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The TCP port the scanner listens on (port 0 in the config: a new one at every start). */
  scannerPort(timeoutMs = 30_000): Promise<number> {
    return pollUntil(async () => (await this.data('GET', '/api/v1/scanner/status')).scanners[0]?.listeningPort as number | null, timeoutMs, 'the scanner listening port');
  }

  async waitScannerConnected(timeoutMs = 30_000): Promise<void> {
    await pollUntil(async () => (await this.data('GET', '/api/v1/scanner/status')).scanners[0]?.connected === true, timeoutMs, 'the edge to see the scanner connected');
  }

  async waitProvisioned(timeoutMs = 30_000): Promise<void> {
    await pollUntil(async () => (await this.data('GET', '/api/v1/provision/status')).status === 'PROVISIONED', timeoutMs, 'provisioning status PROVISIONED after restart');
  }
}

/** Reads the child's output until the "okto-edge listening" line and returns the HTTP port from it. */
function listeningPort(child: ChildProcess, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let found = false;
    const timer = setTimeout(() => reject(new Error(`edge did not report its port within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`edge exited before listening (code ${code}, signal ${signal})`));
    };
    child.once('exit', onExit);
    child.stderr!.on('data', (chunk: Buffer) => fs.appendFileSync(logFile, chunk));
    child.stdout!.on('data', (chunk: Buffer) => {
      fs.appendFileSync(logFile, chunk);
      if (found) return;
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        let entry: { msg?: unknown; port?: unknown };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (typeof entry.msg === 'string' && entry.msg.startsWith('okto-edge listening') && typeof entry.port === 'number') {
          found = true;
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(entry.port);
          return;
        }
      }
    });
  });
}

export function logTail(logFile: string, lines = 40): string {
  try {
    return fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
