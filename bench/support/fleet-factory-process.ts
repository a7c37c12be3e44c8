import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { onCleanup } from './fleet-cleanup.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface FactoryProcess {
  pid: number;
  url: string;
  wsUrl: string;
  /** JSON call with the factory's envelope; throws on `success: false`. */
  api<T = unknown>(method: string, route: string, body?: unknown, token?: string): Promise<T>;
  login(username: string, password: string): Promise<string>;
  /** Warn/error lines the factory logged (it runs at LOG_LEVEL=warn). */
  logLines(): string[];
  stop(): Promise<void>;
}

/**
 * A free TCP port, found by binding port 0 and letting go. The factory runs at LOG_LEVEL=warn,
 * so it never logs the "listening" line a port-0 start would have to be read from.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The environment of the child: ours minus any factory/cloud settings that would change what is measured. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('FACTORY_') || key === 'OKTO_CLOUD_URL' || key === 'LOG_LEVEL') continue;
    env[key] = value;
  }
  // The demo users the bench signs in as (a production factory has one-time passwords instead).
  return { ...env, LOG_LEVEL: 'warn', FACTORY_DEMO_USERS: 'true' };
}

/**
 * `okto-factory` as a child process, as in production: its own event loop, its own /proc entry
 * to read CPU and RSS from. The working directory is the data dir, so no factory-server.yaml
 * lying around the repo is picked up.
 */
export async function startFactoryProcess(options: { dataDir: string; databaseUrl?: string }): Promise<FactoryProcess> {
  const port = await freePort();
  const args = [path.join(ROOT, 'bin/okto-factory.js'), '--host', '127.0.0.1', '--port', String(port), '--data-dir', options.dataDir];
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  const child = spawn(process.execPath, args, { cwd: options.dataDir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    process.stderr.write(chunk);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(forced);
  };
  const forget = onCleanup(`factory pid ${child.pid}`, stop, () => {
    if (!exited) child.kill('SIGKILL');
  });

  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(method: string, route: string, body?: unknown, token?: string): Promise<T> => {
    const response = await fetch(url + route, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as { success: boolean; data: T; error?: unknown };
    if (!json.success) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json.error)}`);
    return json.data;
  };

  // Ready when /health answers; migrations on a fresh database take a moment.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await forget();
      throw new Error(`okto-factory exited before it was ready:\n${stderr}${lines.join('\n')}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await forget();
      throw new Error('okto-factory did not answer /health within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    pid: child.pid!,
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    api,
    async login(username, password) {
      return (await api<{ token: string }>('POST', '/api/v1/auth/login', { username, password })).token;
    },
    logLines: () => lines,
    stop: forget,
  };
}
