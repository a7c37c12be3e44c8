/**
 * bench/metrics-overhead — what GET /metrics costs the scan path.
 *
 *   npx tsx bench/metrics-overhead.ts          (BENCH_CODES=20000 per run by default)
 *
 * The same edge child process as bench/scan-pipeline (TCP scanner, synchronous=NORMAL so the
 * disk's fsync does not drown the difference), run alternately with `metrics.enabled: false`
 * (the raw baseline) and with metrics on while a scraper hits /metrics every 2 s (BENCH_SCRAPE_MS).
 * Counters are fed from the event bus and gauges read at scrape time, so the figures should match.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEdgeMetrics } from '../src/edge/edge-metrics.js';
import type { EdgeEvent } from '../src/edge/edge-events.js';
import type { EdgeSystem } from '../src/edge/system.js';
import { createEventBus } from '../src/runtime/event-bus.js';
import { startEdgeProcess } from './support/edge-process.js';
import { printTable } from './support/report.js';
import { connectSimulator, formatLatency, latencyAtRate, sustained } from './support/scan-driver.js';

const CODES = Number(process.env.BENCH_CODES ?? 20_000);
const WINDOW = 256;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** Prometheus scrapes every 15 s by default; 2 s is a busy scraper. */
const SCRAPE_MS = Number(process.env.BENCH_SCRAPE_MS ?? 2000);

async function run(dataDir: string, metrics: boolean) {
  const edge = await startEdgeProcess(dataDir, ['storage: { synchronous: NORMAL }', `metrics: { enabled: ${metrics} }`]);
  const sim = await connectSimulator(edge.scannerPort);
  let scrapes = 0;
  const scraper = metrics
    ? setInterval(() => {
        void fetch(`${edge.url}/metrics`).then(async (res) => {
          await res.text();
          if (res.ok) scrapes++;
        });
      }, SCRAPE_MS)
    : null;
  try {
    await sustained(sim, 2_000, WINDOW); // warm-up
    const cpuBefore = cpuSeconds(edge.child.pid!);
    const throughput = await sustained(sim, CODES, WINDOW);
    // CPU the edge process spent per 1000 codes: steadier than codes/s on a machine shared with other work.
    const cpuPer1000 = ((cpuSeconds(edge.child.pid!) - cpuBefore) / CODES) * 1000 * 1000;
    const latency = await latencyAtRate(sim, 500, 4);
    return { throughput: throughput.perSecond, cpuPer1000, latency, scrapes };
  } finally {
    if (scraper) clearInterval(scraper);
    await sim.stop();
    await edge.stop();
  }
}

/** utime + stime of a process in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

/** The metrics' own per-scan work in isolation: scan.decided published on a bus with and without the edge metrics subscribed. */
function perEventCost(n: number) {
  const time = (withMetrics: boolean) => {
    const bus = createEventBus<EdgeEvent>();
    const fake = { bus, committer: { onGroupCommitted: () => () => undefined, backlog: 0 }, outbox: { status: async () => ({ queueSize: 0, oldestItem: null, parked: 0 }) } };
    const metrics = withMetrics ? createEdgeMetrics(fake as unknown as EdgeSystem, { wsClients: () => 0 }) : null;
    const event: EdgeEvent = {
      type: 'scan.decided',
      role: 'ADD',
      decision: { code: 'x', source: 'bench', outcome: 'accepted', valid: true, duplicate: false, gtin: null, message: null, reasonCode: null, reasonParams: null, bottleId: 'b', timestamp: new Date().toISOString() },
    };
    const started = performance.now();
    for (let i = 0; i < n; i++) bus.publish(event);
    const ns = ((performance.now() - started) * 1e6) / n;
    metrics?.dispose();
    return ns;
  };
  time(true); // warm-up
  return { bare: time(false), metrics: time(true) };
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-bench-metrics-'));
  console.log(`metrics-overhead benchmark — ${os.cpus().length} cores, node ${process.version}, ${CODES} codes per run, ${ROUNDS} rounds alternating`);
  const off: Array<Awaited<ReturnType<typeof run>>> = [];
  const on: Array<Awaited<ReturnType<typeof run>>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(await run(path.join(work, `off-${round}`), false));
    on.push(await run(path.join(work, `on-${round}`), true));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const micro = perEventCost(200_000);
  const offRate = mean(off.map((r) => r.throughput));
  const onRate = mean(on.map((r) => r.throughput));
  printTable([
    ['metrics off (baseline), sustained codes/s', `${Math.round(offRate)} (runs: ${off.map((r) => Math.round(r.throughput)).join(', ')})`],
    [`metrics on + scrape every ${SCRAPE_MS} ms, sustained codes/s`, `${Math.round(onRate)} (runs: ${on.map((r) => Math.round(r.throughput)).join(', ')}; ${((onRate / offRate - 1) * 100).toFixed(1)}%)`],
    ['metrics off, edge CPU per 1000 codes', `${mean(off.map((r) => r.cpuPer1000)).toFixed(1)} ms (runs: ${off.map((r) => r.cpuPer1000.toFixed(1)).join(', ')})`],
    ['metrics on, edge CPU per 1000 codes', `${mean(on.map((r) => r.cpuPer1000)).toFixed(1)} ms (runs: ${on.map((r) => r.cpuPer1000.toFixed(1)).join(', ')})`],
    ['scan.decided on the bus, bare (baseline) per event', `${micro.bare.toFixed(0)} ns`],
    ['scan.decided on the bus, with the metrics subscribed', `${micro.metrics.toFixed(0)} ns (+${(micro.metrics - micro.bare).toFixed(0)} ns per scan)`],
    ['metrics off, latency at 500/s', formatLatency(off[off.length - 1]!.latency)],
    ['metrics on, latency at 500/s', `${formatLatency(on[on.length - 1]!.latency)}; ${on.reduce((a, r) => a + r.scrapes, 0)} scrapes answered`],
  ]);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
