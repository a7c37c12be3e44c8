import { edgeConfigSchema, type EdgeConfig } from '../../src/edge/config.js';
import { startEdge, type Edge } from '../../src/edge/edge.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { tempDir } from './temp-dir.js';

export interface TestEdge {
  edge: Edge;
  url: string;
  tokens: { operator: string; manager: string; admin: string };
  /** JSON request; returns status, parsed body (or text) and headers. */
  request(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** An edge on port 0 with its data in a temp dir, demo users logged in. Overrides merge into the config. */
export async function startTestEdge(overrides: Record<string, unknown> = {}, extra: Partial<EdgeConfig> = {}): Promise<TestEdge> {
  const { dir, cleanup } = tempDir('okto-edge-');
  const parsed = edgeConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, dataDir: dir, storage: { synchronous: 'NORMAL' }, ...overrides });
  const config: EdgeConfig = { ...parsed, mockMode: true, configFile: null, ...extra };
  const edge = await startEdge(config, silentLogger);
  const url = `http://127.0.0.1:${edge.port}`;

  const request: TestEdge['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsedBody: unknown = text;
    try {
      parsedBody = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsedBody, headers: response.headers };
  };

  const login = async (username: string, password: string) => {
    const res = await request('POST', '/api/v1/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.token as string;
  };
  const tokens = { operator: await login('operator', 'operator123'), manager: await login('manager', 'manager123'), admin: await login('admin', 'admin123') };

  return {
    edge,
    url,
    tokens,
    request,
    async stop() {
      await edge.stop();
      cleanup();
    },
  };
}
