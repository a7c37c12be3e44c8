import path from 'node:path';
import { createCloudClient } from '../../adapters/cloud/cloud-client.js';
import { framingSchema } from '../../adapters/scanners/framing.js';
import { startCloudSim } from '../cloud-sim/server.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../cloud-sim/seed.js';
import { edgeConfigSchema, type EdgeConfig } from '../edge/config.js';
import { startEdge } from '../edge/edge.js';
import { factoryConfigSchema } from '../factory/config.js';
import { startFactory } from '../factory/factory.js';
import { ScannerSimulator } from '../line-sim/scanner-simulator.js';
import { createLogger } from '../runtime/logger.js';
import { onShutdownSignals } from '../runtime/shutdown.js';

const EDGE_DEVICE_ID = 'edge-001';

/**
 * `npm start`: the whole chain on one machine, on embedded SQLite under ./data — a simulated TCP
 * scanner feeds the edge, the edge syncs to the factory server (VIA_LOCAL_SERVER) and keeps its
 * device channel open, and the factory forwards to the OKTO Cloud simulator. Mock mode is on so
 * the edge's mock endpoints work too.
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

  // The factory forwards to the cloud as a device of its own (device-002 of the demo company).
  const factoryCloudToken = await activateFactoryInCloud(cloud.url);
  const factory = await startFactory(
    {
      ...factoryConfigSchema.parse({
        server: { port: Number(process.env.FACTORY_PORT ?? 8081), host: process.env.FACTORY_HOST ?? '127.0.0.1' },
        dataDir: path.resolve(process.env.FACTORY_DATA_DIR ?? './data/factory'),
        cloud: { url: cloud.url, deviceToken: factoryCloudToken },
        // The demo opts in to its well-known users (a real factory gets one-time passwords).
        auth: { demoUsers: true },
      }),
      configFile: null,
    },
    createLogger({ name: 'okto-factory', level: process.env.LOG_LEVEL ?? 'info' }),
  );
  const { token: edgeToken, signingKey } = await enrolEdge(factory.url);

  const parsed = edgeConfigSchema.parse({
    server: { port: Number(process.env.EDGE_PORT ?? 8080), host: process.env.EDGE_HOST ?? '127.0.0.1' },
    dataDir: path.resolve(process.env.EDGE_DATA_DIR ?? './data/edge'),
    line: { industry },
    cloud: { url: cloud.url },
    connection: { mode: 'VIA_LOCAL_SERVER' },
    auth: { demoUsers: true },
    factory: { url: factory.url, deviceId: EDGE_DEVICE_ID, deviceToken: edgeToken },
    // The edge stages only firmware signed by its factory's key (GET /api/v1/firmware/signing-key).
    firmware: { trustedKeys: [{ id: signingKey.id, publicKey: signingKey.publicKeyPem }] },
    scanners: [
      { id: 'line-scanner-1', transport: 'tcp', mode: 'connect', host: '127.0.0.1', port: scannerPort, framing: framingSchema.parse({}) },
      { id: 'mock-1', transport: 'mock' },
    ],
  });
  const config: EdgeConfig = { ...parsed, mockMode: true, configFile: null };
  const edge = await startEdge(config, createLogger({ name: 'okto-edge', level: process.env.LOG_LEVEL ?? 'info' }));

  const url = `http://${config.server.host}:${edge.port}`;
  const provisioned = await provisionOnce(url);
  const factoryUrl = `http://${factory.system.config.server.host}:${factory.port}`;
  process.stdout.write(
    [
      '',
      'OKTO Traceability demo is running',
      `  Operator HMI     ${url}/   (edge service: API ${url}/api/v1, health ${url}/health)`,
      `  Factory console  ${factoryUrl}/   (factory server: API ${factoryUrl}/api/v1, live ws://${factory.system.config.server.host}:${factory.port}/ws/dashboard)`,
      `  OKTO Cloud sim   ${cloud.url}   (${DEMO_EMAIL} / ${DEMO_PASSWORD}; received items: ${cloud.url}/admin/stats)`,
      `  Provisioning     ${provisioned}`,
      `  Sync path        edge → factory (VIA_LOCAL_SERVER, device ${EDGE_DEVICE_ID}) → cloud (factory forwards as device-002)`,
      `  Line simulator   TCP scanner on 127.0.0.1:${scannerPort}, ${scanner.options.ratePerSecond} codes/s (valid, duplicate, invalid, no-read)`,
      `  Data             ${config.dataDir}, ${factory.system.config.dataDir}`,
      '  Users            operator / operator123   manager / manager123   admin / admin123 (demo passwords)',
      `  Try              curl -s -X POST ${url}/api/v1/auth/login -H 'Content-Type: application/json' -d '{"username":"operator","password":"operator123"}'`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  onShutdownSignals(async () => {
    await scanner.stop();
    await edge.stop();
    await factory.stop();
    await cloud.close();
  }, logger);
}

/** Signs in to the cloud simulator with the demo account and activates device-002 for the factory. */
async function activateFactoryInCloud(cloudUrl: string): Promise<string> {
  const client = createCloudClient({ baseUrl: cloudUrl });
  const { userToken } = await client.signIn(DEMO_EMAIL, DEMO_PASSWORD);
  return (await client.activate(userToken, 'device-002', 'okto-factory-demo')).deviceToken;
}

/**
 * Registers the demo edge at the factory (once; kept in the factory's database) and issues it a
 * fresh device token, and reads the factory's firmware signing key for the edge to trust, as an
 * integrator would (README, "Enrolling an edge").
 */
async function enrolEdge(factoryUrl: string): Promise<{ token: string; signingKey: { id: string; publicKeyPem: string } }> {
  const call = async (method: string, route: string, token?: string, body?: unknown) => {
    const response = await fetch(factoryUrl + route, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await response.json()) as { success: boolean; data: any; error?: { code: string; message: string } };
  };
  const login = await call('POST', '/api/v1/auth/login', undefined, { username: 'manager', password: process.env.FACTORY_MANAGER_PASSWORD ?? 'manager123' });
  if (!login.success) throw new Error(`factory login failed: ${login.error?.message}`);
  const token = login.data.token as string;
  const created = await call('POST', '/api/v1/devices', token, { id: EDGE_DEVICE_ID, name: 'Production Line 1', lineId: 'line-001' });
  if (!created.success && created.error?.code !== 'CONFLICT') throw new Error(`registering ${EDGE_DEVICE_ID} failed: ${created.error?.message}`);
  const issued = await call('POST', `/api/v1/devices/${EDGE_DEVICE_ID}/token`, token);
  if (!issued.success) throw new Error(`issuing a token for ${EDGE_DEVICE_ID} failed: ${issued.error?.message}`);
  const key = await call('GET', '/api/v1/firmware/signing-key', token);
  if (!key.success) throw new Error(`reading the factory's firmware signing key failed: ${key.error?.message}`);
  return { token: issued.data.token as string, signingKey: key.data as { id: string; publicKeyPem: string } };
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
  if (!activate.success) return `activation failed: ${activate.error?.message}`;
  // Provisioned for the cloud's reference data; codes go through the factory. The stored mode
  // (from an earlier run) would otherwise win over the configured one.
  await call('PUT', '/api/v1/connection/mode', token, { mode: 'VIA_LOCAL_SERVER' });
  return `activated ${activate.data.device.deviceIdentifier} (cloud reference data)`;
}

main().catch((error: unknown) => {
  process.stderr.write(`okto demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
