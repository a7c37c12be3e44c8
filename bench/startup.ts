/**
 * bench/startup — time to ready and idle memory of okto-edge and okto-factory, from the
 * TypeScript sources through tsx (the baseline, as before a build) and from the compiled build.
 *
 *   npm run build && npx tsx bench/startup.ts      (BENCH_RUNS=3 per case; medians)
 *
 * Time to ready: spawn → the "listening" log line (the port answers from then on).
 * Idle RSS: VmRSS from /proc after 3 s of idling.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printTable } from './support/report.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IDLE_MS = 3_000;

async function once(service: 'okto-edge' | 'okto-factory', from: 'source' | 'dist'): Promise<{ readyMs: number; rssMb: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', `${service}.js`), '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
    cwd: dataDir,
    env: { ...process.env, OKTO_RUN_FROM: from, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/listening on/.test(out)) resolve(performance.now() - started);
      });
      child.once('exit', (code) => reject(new Error(`${service} exited with ${code}`)));
    });
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
    return { readyMs, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/edge/main.js'))) throw new Error('no build: run npm run build first');
  console.log(`startup benchmark — ${os.cpus().length} cores, node ${process.version}, ${RUNS} runs per case (medians), idle RSS after ${IDLE_MS} ms`);
  const rows: Array<[string, string]> = [];
  for (const service of ['okto-edge', 'okto-factory'] as const) {
    const figures: Record<string, { readyMs: number; rssMb: number }> = {};
    for (const from of ['source', 'dist'] as const) {
      const runs: Array<{ readyMs: number; rssMb: number }> = [];
      // Alternate-free but interleaved per service: each case gets the same machine state as far as possible.
      for (let i = 0; i < RUNS; i++) runs.push(await once(service, from));
      figures[from] = { readyMs: median(runs.map((r) => r.readyMs)), rssMb: median(runs.map((r) => r.rssMb)) };
    }
    const src = figures.source!;
    const dist = figures.dist!;
    rows.push([`${service} from sources via tsx (baseline)`, `ready in ${Math.round(src.readyMs)} ms, idle RSS ${src.rssMb.toFixed(0)} MB`]);
    rows.push([
      `${service} compiled (dist/)`,
      `ready in ${Math.round(dist.readyMs)} ms (${((dist.readyMs / src.readyMs - 1) * 100).toFixed(0)}%), idle RSS ${dist.rssMb.toFixed(0)} MB (${(dist.rssMb - src.rssMb).toFixed(0)} MB)`,
    ]);
  }
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
