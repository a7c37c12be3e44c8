import path from 'node:path';
import { framingSchema } from '../../adapters/scanners/framing.js';
import { startCloudSim } from '../cloud-sim/server.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../cloud-sim/seed.js';
import { edgeConfigSchema, type EdgeConfig } from '../edge/config.js';
import { startEdge } from '../edge/edge.js';
import { ScannerSimulator } from '../line-sim/scanner-simulator.js';
import { createLogger } from '../runtime/logger.js';
import { onShutdownSignals } from '../runtime/shutdown.js';

/**
 * `npm start`: the whole demo on one machine — the OKTO Cloud simulator, an edge on embedded
 * SQLite under ./data provisioned against it, and a simulated TCP scanner feeding the edge. Mock
 * mode is on so the mock endpoints work too.
 */
async function main() {
  const logger = createLogger({ name: 'okto-demo', level: process.env.LOG_LEVEL ?? 'info' });
  const industry = 'milk' as const;
  const scanner = new ScannerSimulator({
    mode: 'listen',
    host: '127.0.0.1',
    port: 0,
    industry,
    ratePerSecond: Number(process.env.DEMO_RATE ?? 3),
    mix: { duplicate: 0.05, invalid: 0.05, noRead: 0.03 },
  });
  const { port: scannerPort } = await scanner.start();
  const cloud = await startCloudSim({ port: Number(process.env.CLOUD_SIM_PORT ?? 8090), host: '127.0.0.1', logger: createLogger({ name: 'okto-cloud-sim', level: 'warn' }) });

  const parsed = edgeConfigSchema.parse({
    server: { port: Number(process.env.EDGE_PORT ?? 8080), host: process.env.EDGE_HOST ?? '127.0.0.1' },
    dataDir: path.resolve(process.env.EDGE_DATA_DIR ?? './data/edge'),
    line: { industry },
    cloud: { url: cloud.url },
    scanners: [
      { id: 'line-scanner-1', transport: 'tcp', mode: 'connect', host: '127.0.0.1', port: scannerPort, framing: framingSchema.parse({}) },
      { id: 'mock-1', transport: 'mock' },
    ],
  });
  const config: EdgeConfig = { ...parsed, mockMode: true, configFile: null };
  const edge = await startEdge(config, createLogger({ name: 'okto-edge', level: process.env.LOG_LEVEL ?? 'info' }));

  const url = `http://${config.server.host}:${edge.port}`;
  const provisioned = await provisionOnce(url);
  process.stdout.write(
    [
      '',
      'OKTO Traceability demo is running',
      `  Edge service     ${url}   (health: ${url}/health, live feed: ws://${config.server.host}:${edge.port}/ws?token=…)`,
      `  OKTO Cloud sim   ${cloud.url}   (${DEMO_EMAIL} / ${DEMO_PASSWORD}; received items: ${cloud.url}/admin/stats)`,
      `  Provisioning     ${provisioned}`,
      `  Line simulator   TCP scanner on 127.0.0.1:${scannerPort}, ${scanner.options.ratePerSecond} codes/s (valid, duplicate, invalid, no-read)`,
      `  Data             ${config.dataDir}`,
      '  Users            operator / operator123   manager / manager123   admin / admin123 (demo passwords)',
      `  Try              curl -s -X POST ${url}/api/v1/auth/login -H 'Content-Type: application/json' -d '{"username":"operator","password":"operator123"}'`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  onShutdownSignals(async () => {
    await scanner.stop();
    await edge.stop();
    await cloud.close();
  }, logger);
}

/**
 * Signs the demo edge in to the cloud simulator and activates device-001. The simulator keeps
 * nothing between runs, so an edge provisioned by an earlier run is deprovisioned first.
 */
async function provisionOnce(url: string): Promise<string> {
  const call = async (method: string, route: string, token?: string, body?: unknown) => {
    const response = await fetch(url + route, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await response.json()) as { success: boolean; data: any; error?: { message: string } };
  };
  const login = await call('POST', '/api/v1/auth/login', undefined, { username: 'admin', password: process.env.EDGE_ADMIN_PASSWORD ?? 'admin123' });
  if (!login.success) return `skipped (${login.error?.message})`;
  const token = login.data.token as string;
  const status = await call('GET', '/api/v1/provision/status', token);
  if (status.data?.status === 'PROVISIONED') await call('POST', '/api/v1/provision/deprovision', token);
  const signIn = await call('POST', '/api/v1/provision/signin', token, { email: DEMO_EMAIL, password: DEMO_PASSWORD });
  if (!signIn.success) return `sign-in failed: ${signIn.error?.message}`;
  const activate = await call('POST', '/api/v1/provision/activate', token, { deviceId: 'device-001' });
  return activate.success ? `activated ${activate.data.device.deviceIdentifier} (direct-cloud sync running)` : `activation failed: ${activate.error?.message}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`okto demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
