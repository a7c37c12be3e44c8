/**
 * bench/unauthenticated-body — what a large JSON body costs the factory's event loop when it comes
 * without a token (read and parsed before authentication until issue 10; now never read), with the
 * baseline measured in the same run: the same body with a valid token (parsed, as every body was
 * before), and a body-less request.
 *
 *   npx tsx bench/unauthenticated-body.ts      (BENCH_BODY_MB=7, BENCH_REQUESTS=20)
 *
 * The client runs in a worker thread, so the main thread's event-loop utilisation is the server's
 * own work: reported as busy milliseconds per request.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { type FactoryConfig, factoryConfigSchema } from '../src/factory/config.js';
import { startFactory } from '../src/factory/factory.js';
import { silentLogger } from '../src/runtime/logger.js';
import { tempDir } from '../test/support/temp-dir.js';
import { percentile, printTable } from './support/report.js';

const BODY_MB = Number(process.env.BENCH_BODY_MB ?? 7);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);

// The client: posts one request per message and answers with its status.
const CLIENT = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, method, token, bodyBytes }) => {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = 'Bearer ' + token;
  const body = bodyBytes > 0 ? JSON.stringify({ pad: 'x'.repeat(bodyBytes) }) : undefined;
  try {
    const res = await fetch(url, { method, headers, body });
    await res.arrayBuffer();
    parentPort.postMessage({ status: res.status });
  } catch (error) {
    parentPort.postMessage({ status: String(error.cause?.code ?? error.message) });
  }
});
`;

async function main() {
  const { dir, cleanup } = tempDir('okto-bench-body-');
  const config: FactoryConfig = {
    ...factoryConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, dataDir: dir, log: { level: 'silent' } }),
    configFile: null,
  };
  const factory = await startFactory(config, silentLogger);
  const base = `http://127.0.0.1:${factory.port}`;
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'manager', password: 'manager123' }) });
  const token = ((await login.json()) as { data: { token: string } }).data.token;
  const worker = new Worker(CLIENT, { eval: true });

  const ask = (message: object) =>
    new Promise<string | number>((resolve) => {
      worker.once('message', (m: { status: number | string }) => resolve(m.status));
      worker.postMessage(message);
    });

  /** Server busy time (ms of main-thread event-loop activity) per request, and the statuses seen. */
  async function measure(label: string, message: object): Promise<[string, string]> {
    const busy: number[] = [];
    const statuses = new Set<string | number>();
    for (let i = 0; i < REQUESTS; i++) {
      const before = performance.eventLoopUtilization();
      statuses.add(await ask(message));
      busy.push(performance.eventLoopUtilization(before).active);
    }
    busy.sort((a, b) => a - b);
    return [label, `busy p50 ${percentile(busy, 50).toFixed(1)} ms, p99 ${percentile(busy, 99).toFixed(1)} ms (status ${[...statuses].join('/')})`];
  }

  const bodyBytes = BODY_MB * 1024 * 1024;
  const url = `${base}/api/v1/devices`;
  const rows: Array<[string, string]> = [];
  rows.push(await measure(`${BODY_MB} MB JSON, no token (never parsed; closed)`, { url, method: 'POST', bodyBytes }));
  rows.push(await measure(`${BODY_MB} MB JSON, valid token (parsed: the pre-fix cost)`, { url, method: 'POST', token, bodyBytes }));
  rows.push(await measure('GET /health (raw baseline)', { url: `${base}/health`, method: 'GET', bodyBytes: 0 }));
  printTable(rows);

  await worker.terminate();
  await factory.stop();
  cleanup();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
