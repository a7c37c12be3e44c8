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
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScannerSimulator } from '../src/line-sim/scanner-simulator.js';
import { bareInsertRate, prefillBottles } from './support/sqlite-baseline.js';
import { percentile, printTable } from './support/report.js';

const STORED = Number(process.env.BENCH_STORED ?? 10_000_000);
const THROUGHPUT_CODES = Number(process.env.BENCH_CODES ?? 100_000);
const WINDOW = 256; // frames in flight, as a line with several readers and a buffer would have
const RATE = 1000;
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const ROOT = path.resolve(import.meta.dirname, '..');

async function startEdge(dataDir: string): Promise<{ child: ChildProcess; url: string; token: string; scannerPort: number }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(dataDir, 'edge-service.yaml');
  fs.writeFileSync(
    configFile,
    [
      'server: { host: 127.0.0.1, port: 0 }',
      `dataDir: ${dataDir}`,
      'mockMode: false',
      'line: { industry: milk }',
      'log: { level: warn }',
      'storage: { synchronous: FULL }',
      'scanners:',
      '  - { id: bench, transport: tcp, mode: listen, host: 127.0.0.1, port: 0, reply: { accept: OK, reject: NG } }',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/okto-edge.js'), '--config', configFile, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"port":(\d+)/.exec(buffer);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`edge exited with ${code}`)));
  });
  child.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin123' }) });
  const token = ((await login.json()) as { data: { token: string } }).data.token;
  for (;;) {
    const status = (await (await fetch(`${url}/api/v1/scanner/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { scanners: Array<{ listeningPort: number | null }> } };
    const scannerPort = status.data.scanners[0]?.listeningPort;
    if (scannerPort) return { child, url, token, scannerPort };
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopEdge(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function connectSimulator(port: number): Promise<ScannerSimulator> {
  const sim = new ScannerSimulator({ mode: 'connect', host: '127.0.0.1', port, industry: 'milk', ratePerSecond: 0 });
  await sim.start();
  while (!sim.connected) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100)); // the edge's scanner actor reaches `connected`
  return sim;
}

/** Closed loop: keep WINDOW frames outstanding; replies come back in order on one connection. */
async function sustained(sim: ScannerSimulator, total: number): Promise<{ perSecond: number; accepted: number }> {
  let sent = 0;
  let answered = 0;
  let accepted = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const onReply = (line: string) => {
      answered++;
      if (line === 'OK') accepted++;
      if (sent < total) {
        sim.sendFrame('valid');
        sent++;
      }
      if (answered === total) {
        sim.off('reply', onReply);
        resolve();
      }
    };
    sim.on('reply', onReply);
    for (; sent < Math.min(WINDOW, total); sent++) sim.sendFrame('valid');
  });
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: total / seconds, accepted };
}

/** Open loop at a fixed offered rate: latency from the scheduled send to its decision. */
async function latencyAtRate(sim: ScannerSimulator, rate: number, seconds: number): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const total = rate * seconds;
  const sentAt: number[] = [];
  const latencies: number[] = [];
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const onReply = () => {
      latencies.push(performance.now() - sentAt[latencies.length]!);
      if (latencies.length === total) {
        sim.off('reply', onReply);
        clearInterval(timer);
        resolve();
      }
    };
    sim.on('reply', onReply);
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sentAt.length < due) {
        sentAt.push(performance.now());
        sim.sendFrame('valid');
      }
    }, 1);
  });
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]!, n: latencies.length };
}

async function runAgainst(dataDir: string) {
  const edge = await startEdge(dataDir);
  const sim = await connectSimulator(edge.scannerPort);
  try {
    await sustained(sim, 5_000); // warm-up
    const throughput = await sustained(sim, THROUGHPUT_CODES);
    const latency = await latencyAtRate(sim, RATE, RATE_SECONDS);
    return { throughput, latency };
  } finally {
    await sim.stop();
    await stopEdge(edge.child);
  }
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-bench-'));
  const cacheDir = path.join(ROOT, '.bench-cache');
  console.log(`scan-pipeline benchmark — ${os.cpus().length} cores, node ${process.version}, synchronous=FULL, ${WINDOW} frames in flight`);

  const baseline = await bareInsertRate(path.join(work, 'baseline.db'), THROUGHPUT_CODES, WINDOW);
  const fresh = await runAgainst(path.join(work, 'fresh'));

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
    [`(b) latency at ${RATE}/s, empty database`, `p50 ${fresh.latency.p50.toFixed(2)} ms, p99 ${fresh.latency.p99.toFixed(2)} ms, max ${fresh.latency.max.toFixed(1)} ms (n=${fresh.latency.n})`],
  ];
  if (stored) {
    rows.push([`(a') sustained with ${STORED.toLocaleString('en')} stored`, `${Math.round(stored.throughput.perSecond)} codes/s`]);
    rows.push([`(c) latency at ${RATE}/s with ${STORED.toLocaleString('en')} stored`, `p50 ${stored.latency.p50.toFixed(2)} ms, p99 ${stored.latency.p99.toFixed(2)} ms, max ${stored.latency.max.toFixed(1)} ms (n=${stored.latency.n})`]);
  }
  printTable(rows);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
