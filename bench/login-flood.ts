/**
 * bench/login-flood — does a login flood stall the line?
 *
 *   npx tsx bench/login-flood.ts        (BENCH_RATE_SECONDS=10, BENCH_FLOOD=32 by default)
 *
 * The edge runs as a child process (as in production, password hashes at the production cost:
 * scrypt N=2^17, r=8, p=1) with a TCP scanner in listen mode that answers every frame OK/NG. The
 * scanner simulator in this process sends 1,000 codes/s and times each answer, first on an idle
 * edge (the baseline of the same run), then while a worker thread keeps 32 logins in flight:
 * (a) the right password of a real user (attempts reach the hasher until the throttle or the
 * hasher's queue bound refuses them), (b) wrong passwords for many usernames, (c) one locked
 * username (429 without hashing: the cost of the HTTP handling alone).
 * Target: p99 during a flood ≤ 2 × the idle p99 (the mean of the idle runs before and after).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startEdgeProcess } from './support/edge-process.js';
import { printTable } from './support/report.js';
import { connectSimulator, formatLatency, latencyAtRate, sustained, type LatencyFigures } from './support/scan-driver.js';

const RATE = 1000;
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const FLOOD = Number(process.env.BENCH_FLOOD ?? 32);

// The flood runs in its own thread so that its HTTP work does not delay the simulator's timing.
// Its thread runs at nice 19: the attacker's CPU is not the edge's in real life, and on this one
// machine the load generator must not take the edge's cores (that would measure the bench, not the edge).
const FLOOD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try { require('node:os').setPriority(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()), 19); } catch {}
const { url, concurrency, mode } = workerData;
let stopping = false;
const statuses = {};
let n = 0;
const started = Date.now();
async function loop(i) {
  while (!stopping) {
    const body = mode === 'right'
      ? { username: 'admin', password: 'admin123' }
      : mode === 'locked'
        ? { username: 'locked', password: 'wrong-' + n }
        : { username: 'guess' + (n % 500), password: 'wrong-' + n };
    n++;
    try {
      const res = await fetch(url + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] || 0) + 1;
    } catch (error) {
      statuses.error = (statuses.error || 0) + 1;
    }
  }
}
const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
parentPort.on('message', async () => {
  stopping = true;
  await Promise.all(loops);
  parentPort.postMessage({ statuses, seconds: (Date.now() - started) / 1000 });
});
`;

interface FloodResult {
  statuses: Record<string, number>;
  seconds: number;
}

async function duringFlood(url: string, mode: 'right' | 'wrong' | 'locked', measure: () => Promise<LatencyFigures>): Promise<{ latency: LatencyFigures; flood: FloodResult }> {
  const worker = new Worker(FLOOD_SOURCE, { eval: true, workerData: { url, concurrency: FLOOD, mode } });
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the flood is in full swing
  const latency = await measure();
  const flood = await new Promise<FloodResult>((resolve) => {
    worker.once('message', resolve);
    worker.postMessage('stop');
  });
  await worker.terminate();
  return { latency, flood };
}

const describeFlood = (f: FloodResult) => {
  const total = Object.values(f.statuses).reduce((a, b) => a + b, 0);
  const parts = Object.entries(f.statuses).map(([status, count]) => `${count} × ${status}`);
  return `${Math.round(total / f.seconds)} logins/s: ${parts.join(', ')}`;
};

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-bench-login-'));
  console.log(`login-flood benchmark — ${os.cpus().length} cores, node ${process.version}, ${RATE} codes/s for ${RATE_SECONDS} s, ${FLOOD} logins in flight`);
  const edge = await startEdgeProcess(path.join(work, 'edge'));
  const sim = await connectSimulator(edge.scannerPort);
  try {
    await sustained(sim, 5_000, 64); // warm-up
    const measure = () => latencyAtRate(sim, RATE, RATE_SECONDS);
    const idle = await measure();
    const right = await duringFlood(edge.url, 'right', measure);
    // The throttle's waits from the flood above must not decide the next one: a quiet second.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const wrong = await duringFlood(edge.url, 'wrong', measure);
    // (c) one username, locked after its free failures: nearly every answer is a 429 without
    // hashing, so this is what the HTTP handling of a flood costs by itself.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const locked = await duringFlood(edge.url, 'locked', measure);
    const idleAgain = await measure();
    // The idle baseline is measured before and after the floods; their mean is the reference
    // (on a shared machine the idle figure itself drifts, and the two show by how much).
    const idleP99 = (idle.p99 + idleAgain.p99) / 2;
    const ratio = (l: LatencyFigures) => `${(l.p99 / idleP99).toFixed(2)} × idle p99`;
    printTable([
      [`scan latency at ${RATE}/s, idle (baseline)`, formatLatency(idle)],
      [`(a) during ${FLOOD}-way flood, right password (hashing)`, `${formatLatency(right.latency)} — ${ratio(right.latency)}`],
      ['    the flood', describeFlood(right.flood)],
      [`(b) during ${FLOOD}-way flood, wrong passwords`, `${formatLatency(wrong.latency)} — ${ratio(wrong.latency)}`],
      ['    the flood', describeFlood(wrong.flood)],
      [`(c) during ${FLOOD}-way flood, one locked username`, `${formatLatency(locked.latency)} — ${ratio(locked.latency)}`],
      ['    the flood', describeFlood(locked.flood)],
      [`scan latency at ${RATE}/s, idle again`, formatLatency(idleAgain)],
      [`idle p99 (mean of before and after)`, `${idleP99.toFixed(2)} ms`],
      ['target: flood p99 ≤ 2 × idle p99', right.latency.p99 <= 2 * idleP99 && wrong.latency.p99 <= 2 * idleP99 ? 'met' : 'NOT met'],
    ]);
  } finally {
    await sim.stop();
    await edge.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
