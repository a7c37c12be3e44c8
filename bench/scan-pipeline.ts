/**
 * bench/scan-pipeline — scanner frame in → durable decision out, measured end to end.
 *
 *   npm run bench                      (BENCH_STORED=10000000 by default; BENCH_STORED=0 skips (c))
 *
 * The edge runs as a child process (as in production) with a TCP scanner in listen mode that
 * answers every frame with OK/NG; the scanner simulator in this process pushes frames and
 * times each answer. Durability is the production default: WAL, synchronous=FULL.
 * Printed with the raw ceiling measured in the same run: bare SQLite inserts of the same rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEdgeProcess } from './support/edge-process.js';
import { printTable } from './support/report.js';
import { connectSimulator, formatLatency, latencyAtRate, sustained } from './support/scan-driver.js';
import { bareInsertRate, prefillBottles } from './support/sqlite-baseline.js';

const STORED = Number(process.env.BENCH_STORED ?? 10_000_000);
const THROUGHPUT_CODES = Number(process.env.BENCH_CODES ?? 100_000);
const WINDOW = 256; // frames in flight, as a line with several readers and a buffer would have
const RATE = 1000;
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
/** The products of the production order the "with an order" run starts (issue 14: the GTIN lock's cost). */
const ORDER_GTINS = ['04607001234562', '10614141000415'];

async function runAgainst(dataDir: string, synchronous: 'FULL' | 'NORMAL' = 'FULL', withOrder = false) {
  const edge = await startEdgeProcess(dataDir, [`storage: { synchronous: ${synchronous} }`]);
  if (withOrder) {
    const order = await edge.api<{ id: string }>('POST', '/api/v1/orders', {
      number: 'BENCH-1', gtins: ORDER_GTINS, lot: 'BENCH', productionDate: '2026-12-07', expiryDate: '2027-12-07', plannedQuantity: 10_000_000,
    });
    await edge.api('POST', `/api/v1/orders/${order.id}/start`, {});
  }
  // The same codes either way (one of the order's GTINs), so the two runs differ only by the lock.
  const sim = await connectSimulator(edge.scannerPort, ORDER_GTINS);
  try {
    await sustained(sim, 5_000, WINDOW); // warm-up
    const throughput = await sustained(sim, THROUGHPUT_CODES, WINDOW);
    const latency = await latencyAtRate(sim, RATE, RATE_SECONDS);
    return { throughput, latency };
  } finally {
    await sim.stop();
    await edge.stop();
  }
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-bench-'));
  const cacheDir = path.resolve(import.meta.dirname, '../.bench-cache');
  console.log(`scan-pipeline benchmark — ${os.cpus().length} cores, node ${process.version}, synchronous=FULL unless said, ${WINDOW} frames in flight`);

  const baseline = await bareInsertRate(path.join(work, 'baseline.db'), THROUGHPUT_CODES, WINDOW);
  const fresh = await runAgainst(path.join(work, 'fresh'));
  // The same with synchronous=NORMAL: crash-safe, but the last commits may be lost on a power cut.
  const normal = await runAgainst(path.join(work, 'fresh-normal'), 'NORMAL');
  // With a production order active: every code passes the GTIN lock (a Set lookup) and carries the order id.
  const ordered = await runAgainst(path.join(work, 'fresh-order'), 'FULL', true);

  let stored: Awaited<ReturnType<typeof runAgainst>> | null = null;
  if (STORED > 0) {
    const dir = path.join(work, 'stored');
    await prefillBottles(dir, STORED, cacheDir);
    stored = await runAgainst(dir);
  }

  const rows: Array<[string, string]> = [
    ['(d) bare SQLite inserts, same rows, groups of 256 (ceiling)', `${Math.round(baseline.grouped)} rows/s`],
    ['(d) bare SQLite, one row per transaction', `${Math.round(baseline.single)} rows/s`],
    ['(a) sustained accepted codes/s, empty database', `${Math.round(fresh.throughput.perSecond)} codes/s (${(fresh.throughput.perSecond / baseline.grouped * 100).toFixed(0)}% of ceiling)`],
    [`(b) latency at ${RATE}/s, empty database`, formatLatency(fresh.latency)],
    ['(a) with synchronous=NORMAL (no fsync per commit)', `${Math.round(normal.throughput.perSecond)} codes/s`],
    [`(b) with synchronous=NORMAL`, formatLatency(normal.latency)],
    ['(e) sustained with a production order active (GTIN lock)', `${Math.round(ordered.throughput.perSecond)} codes/s`],
    [`(e) latency at ${RATE}/s with a production order active`, formatLatency(ordered.latency)],
  ];
  if (stored) {
    rows.push([`(a') sustained with ${STORED.toLocaleString('en')} stored`, `${Math.round(stored.throughput.perSecond)} codes/s`]);
    rows.push([`(c) latency at ${RATE}/s with ${STORED.toLocaleString('en')} stored`, formatLatency(stored.latency)]);
  }
  printTable(rows);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
