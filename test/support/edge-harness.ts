import { edgeConfigSchema, type EdgeConfig } from '../../src/edge/config.js';
import { startEdge, type Edge } from '../../src/edge/edge.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { demoTokens, type JsonRequester, jsonRequester } from './http-request.js';
import { tempDir } from './temp-dir.js';

export interface TestEdge {
  edge: Edge;
  url: string;
  tokens: { operator: string; manager: string; admin: string };
  request: JsonRequester;
  stop(): Promise<void>;
}

/** An edge on port 0 with its data in a temp dir, demo users logged in. Overrides merge into the config. */
export async function startTestEdge(overrides: Record<string, unknown> = {}, extra: Partial<EdgeConfig> = {}): Promise<TestEdge> {
  const { dir, cleanup } = tempDir('okto-edge-');
  // Cheap password hashes: the cost under test is not the point of most tests (auth tests set it themselves).
  const parsed = edgeConfigSchema.parse({
    server: { port: 0, host: '127.0.0.1' },
    dataDir: dir,
    storage: { synchronous: 'NORMAL' },
    ...overrides,
    // The demo users the tests log in as (also when a test turns mock mode off), with cheap hashes.
    auth: { demoUsers: true, scryptLogN: 10, ...(overrides.auth as Record<string, unknown> | undefined) },
  });
  const config: EdgeConfig = { ...parsed, mockMode: true, configFile: null, ...extra };
  const edge = await startEdge(config, silentLogger);
  const url = `http://127.0.0.1:${edge.port}`;

  const request = jsonRequester(url);
  const tokens = await demoTokens(request);

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
