import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface EdgeProcess {
  child: ChildProcess;
  url: string;
  token: string;
  scannerPort: number;
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Reads a `"port":N` log line from a child's stdout. */
export function portFromLog(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"port":(\d+)/.exec(buffer);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited with ${code} before logging its port`)));
  });
}

/**
 * An edge as a child process (as in production) with one TCP scanner in listen mode that
 * answers every frame OK/NG, logged in as admin.
 */
export async function startEdgeProcess(dataDir: string, extraYaml: string[] = []): Promise<EdgeProcess> {
  fs.mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(dataDir, 'edge-service.yaml');
  fs.writeFileSync(
    configFile,
    [
      'server: { host: 127.0.0.1, port: 0 }',
      `dataDir: ${dataDir}`,
      'mockMode: false',
      'auth: { demoUsers: true }',
      'line: { industry: milk }',
      'log: { level: warn }',
      'scanners:',
      '  - { id: bench, transport: tcp, mode: listen, host: 127.0.0.1, port: 0, reply: { accept: OK, reject: NG } }',
      ...extraYaml,
    ].join('\n'),
  );
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/okto-edge.js'), '--config', configFile, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await portFromLog(child);
  const url = `http://127.0.0.1:${port}`;
  let token = '';
  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(url + route, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as { success: boolean; data: T; error?: unknown };
    if (!json.success) throw new Error(`${method} ${route}: ${JSON.stringify(json.error)}`);
    return json.data;
  };
  token = (await api<{ token: string }>('POST', '/api/v1/auth/login', { username: 'admin', password: 'admin123' })).token;
  for (;;) {
    const status = await api<{ scanners: Array<{ listeningPort: number | null }> }>('GET', '/api/v1/scanner/status');
    const scannerPort = status.scanners[0]?.listeningPort;
    if (scannerPort) {
      return {
        child,
        url,
        token,
        scannerPort,
        api,
        async stop() {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
