/**
 * bench/sync — a backlog of stored codes drained to the OKTO Cloud simulator while the line keeps
 * scanning at 1,000 codes/s.
 *
 *   npx tsx bench/sync.ts            (BENCH_BACKLOG=1000000 by default)
 *
 * Reports the drain rate and total time, the scan latency during the drain, and the raw HTTP
 * ceiling measured in the same run: the same payloads posted to the same simulator by a bare
 * client (no database, no actors).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../src/cloud-sim/seed.js';
import { checkCode, generateCode } from '../src/domain/codes/index.js';
import { portFromLog, startEdgeProcess } from './support/edge-process.js';
import { printTable } from './support/report.js';
import { connectSimulator, formatLatency, latencyAtRate, mergeLatencies } from './support/scan-driver.js';
import { prefillBottles } from './support/sqlite-baseline.js';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 1_000_000);
const BATCH = Number(process.env.BENCH_SYNC_BATCH ?? 2000);
const CEILING_ITEMS = Number(process.env.BENCH_CEILING_ITEMS ?? 200_000);
const ROOT = path.resolve(import.meta.dirname, '..');

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = (await response.json()) as { success: boolean; data: T; error?: unknown };
  if (!body.success) throw new Error(`${url}: ${JSON.stringify(body.error)}`);
  return body.data;
}

/** The ceiling: bare HTTP posts of bottle.created items, shaped as the edge sends them, with another device's token. */
async function rawHttpCeiling(cloudUrl: string): Promise<number> {
  const { token } = await json<{ token: string }>(`${cloudUrl}/sign_in`, { method: 'POST', body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }) });
  const { deviceToken } = await json<{ deviceToken: string }>(`${cloudUrl}/devices/device-002/activate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ installationId: 'bench-ceiling' }),
  });
  const batches = Math.ceil(CEILING_ITEMS / BATCH);
  const payloads = Array.from({ length: batches }, (_, b) =>
    JSON.stringify({
      items: Array.from({ length: BATCH }, (_, i) => {
        const check = checkCode(generateCode('milk'), 'milk');
        if (!check.valid) throw new Error('invalid generated code');
        const id = `ceiling-${b}-${i}`;
        const c = check.code;
        return { id: `bottle.created:${id}`, kind: 'bottle.created', payload: { bottleId: id, identifier: c.normalised, identificationCode: c.identificationCode, gtin: c.gtin, productionLineId: 'line-001', productId: null, party: null, deviceId: 'edge-001', createdAt: new Date().toISOString() } };
      }),
    }),
  );
  const started = performance.now();
  for (const body of payloads) {
    await json(`${cloudUrl}/device/sync`, { method: 'POST', headers: { authorization: `Bearer ${deviceToken}` }, body });
  }
  return (batches * BATCH) / ((performance.now() - started) / 1000);
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-bench-sync-'));
  console.log(`sync benchmark — ${os.cpus().length} cores, node ${process.version}, backlog ${BACKLOG.toLocaleString('en')}, ${BATCH} items per upload`);
  const cloud = spawn(process.execPath, [path.join(ROOT, 'bin/okto-cloud-sim.js'), '--port', '0', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const cloudUrl = `http://127.0.0.1:${await portFromLog(cloud)}`;
  try {
    const ceiling = await rawHttpCeiling(cloudUrl);

    const dataDir = path.join(work, 'edge');
    await prefillBottles(dataDir, BACKLOG, path.join(ROOT, '.bench-cache'), { unsynced: true });
    const edge = await startEdgeProcess(dataDir, [`cloud: { url: "${cloudUrl}" }`, `sync: { batchSize: ${BATCH}, pollIntervalMs: 100 }`]);
    const scanner = await connectSimulator(edge.scannerPort);
    try {
      await edge.api('POST', '/api/v1/provision/signin', { email: DEMO_EMAIL, password: DEMO_PASSWORD });
      const started = performance.now();
      await edge.api('POST', '/api/v1/provision/activate', { deviceId: 'device-001' }); // the sync queue starts here
      let drainedAt = 0;
      const drained = (async () => {
        for (;;) {
          // Scanning goes on, so the queue never stays at 0: the backlog is drained when what
          // waits is less than a second of scanning.
          const status = await edge.api<{ queueSize: number }>('GET', '/api/v1/sync/status');
          if (status.queueSize < 1000) {
            drainedAt = performance.now();
            return;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      // Scan at 1,000 codes/s for as long as the drain takes (in 2 s slices, so the figure covers all of it).
      const slices = [];
      while (drainedAt === 0) slices.push(await latencyAtRate(scanner, 1000, 2));
      await drained;
      const seconds = (drainedAt - started) / 1000;
      const scanned = slices.reduce((n, s) => n + s.accepted, 0);
      const worst = slices.reduce((a, b) => (b.p99 > a.p99 ? b : a));
      const merged = mergeLatencies(slices);
      const stats = await json<{ bottles: number }>(`${cloudUrl}/admin/stats`);
      printTable([
        ['raw HTTP ceiling (bare client, same payloads)', `${Math.round(ceiling)} items/s`],
        [`drain of ${BACKLOG.toLocaleString('en')} stored codes (+${scanned} scanned meanwhile)`, `${Math.round((BACKLOG + scanned) / seconds)} codes/s, ${seconds.toFixed(1)} s total (${(((BACKLOG + scanned) / seconds / ceiling) * 100).toFixed(0)}% of ceiling)`],
        ['scan latency at 1,000/s during the drain (worst 2 s slice)', formatLatency(worst)],
        ['scan latency at 1,000/s during the drain (all slices)', formatLatency(merged)],
        ['cloud holds (unique codes, incl. the ceiling run)', `${stats.bottles.toLocaleString('en')} (expected ${(BACKLOG + scanned + CEILING_ITEMS).toLocaleString('en')})`],
      ]);
    } finally {
      await scanner.stop();
      await edge.stop();
    }
  } finally {
    cloud.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
