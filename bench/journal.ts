/**
 * bench/journal — the HMI journal at size, against an edge child process (as in production).
 *
 *   npm run bench:journal                       (BENCH_JOURNAL=100000 by default: a short run)
 *   BENCH_JOURNAL=1000000 npm run bench:journal (the figures in the README)
 *
 * (a) a filtered page (GET /api/v1/events, several filters, newest first, 100 rows, also deep
 *     pages through the cursor) with BENCH_JOURNAL entries stored: p50/p99 over HTTP;
 * (b) export of every entry (CSV, streamed): entries/s, and the edge's RSS growth while it runs;
 * (c) scan latency at 1,000 codes/s with and without the journal taking 100 entries/s (operator
 *     notes over HTTP, each answered once stored), slices
 *     alternated in the same run so both see the same machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteDatabase } from '../adapters/store/sqlite-database.js';
import { edgeMigrations } from '../migrations/edge/index.js';
import { startEdgeProcess } from './support/edge-process.js';
import { rssMb } from './support/fleet-proc-stats.js';
import { percentile, printTable } from './support/report.js';
import { connectSimulator, formatLatency, latencyAtRate, type LatencyFigures, mergeLatencies, sustained } from './support/scan-driver.js';

const ENTRIES = Number(process.env.BENCH_JOURNAL ?? 100_000);
const PAGE_REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 300);
const RATE = 1000;
const SLICE_SECONDS = Number(process.env.BENCH_SLICE_SECONDS ?? 5);
const SLICES = Number(process.env.BENCH_SLICES ?? 2);
const JOURNAL_RATE = 100;

/** Fills the journal table directly (one statement): spread over 30 days, 8 categories, 40 sources, 10% alarms. */
async function prefill(dataDir: string, n: number) {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await openSqliteDatabase({ filename: path.join(dataDir, 'edge.db'), synchronous: 'NORMAL', migrations: edgeMigrations });
  const nowUs = Date.now() * 1000;
  const spanUs = 30 * 86_400 * 1_000_000;
  await db.writer.raw(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO journal (ts_us, severity, category, source, message_key, params, user, acknowledged, acked_by, acked_at_us)
     SELECT ? - ? + (i * ? / ?),
            CASE WHEN i % 10 = 0 THEN 'alarm' WHEN i % 97 = 0 THEN 'critical' WHEN i % 3 = 0 THEN 'warning' ELSE 'info' END,
            CASE i % 8 WHEN 0 THEN 'line' WHEN 1 THEN 'scanner' WHEN 2 THEN 'printer' WHEN 3 THEN 'plc' WHEN 4 THEN 'ups' WHEN 5 THEN 'sync' WHEN 6 THEN 'system' ELSE 'security' END,
            'source.' || (i % 40), 'scanner.disconnected',
            json_object('scanner', 's' || (i % 8), 'reason', 'ECONNRESET, "peer" closed ' || i), NULL,
            CASE WHEN i % 10 = 0 OR i % 97 = 0 THEN (i % 20 = 0) ELSE 1 END, NULL, NULL
       FROM n`,
    [n, nowUs, spanUs, spanUs, n],
  );
  await db.close();
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-bench-journal-'));
  const dataDir = path.join(work, 'edge');
  console.log(`journal benchmark — ${os.cpus().length} cores, node ${process.version}, ${ENTRIES.toLocaleString('en')} entries stored, synchronous=FULL`);
  const [fillMs] = await timed(() => prefill(dataDir, ENTRIES));
  console.log(`prefilled in ${(fillMs / 1000).toFixed(1)} s`);

  const edge = await startEdgeProcess(dataDir);
  const headers = { authorization: `Bearer ${edge.token}` };
  const get = async (route: string) => {
    const response = await fetch(edge.url + route, { headers });
    if (response.status !== 200) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { data: { events: unknown[]; nextCursor: string | null } };
  };
  try {
    // (a) filtered pages
    const queries = [
      '/api/v1/events?limit=100',
      '/api/v1/events?severity=alarm,critical&limit=100',
      '/api/v1/events?category=plc&limit=100',
      '/api/v1/events?source=source.7&limit=100',
      '/api/v1/events?ack=false&limit=100',
      `/api/v1/events?category=scanner&from_us=${(Date.now() - 7 * 86_400_000) * 1000}&to_us=${(Date.now() - 6 * 86_400_000) * 1000}&limit=100`,
      '/api/v1/events?severity=warning&category=sync&limit=100',
    ];
    for (const q of queries) await get(q); // warm the cache
    const pageTimes: number[] = [];
    for (let i = 0; i < PAGE_REQUESTS; i++) {
      const [ms] = await timed(() => get(queries[i % queries.length]!));
      pageTimes.push(ms);
    }
    // Deep pages: follow the cursor 20 pages into a filter.
    const deepTimes: number[] = [];
    for (let round = 0; round < Math.max(1, Math.floor(PAGE_REQUESTS / 100)); round++) {
      let cursor: string | null = null;
      for (let page = 0; page < 20; page++) {
        const [ms, body] = await timed(() => get(`/api/v1/events?category=printer&limit=100${cursor ? `&cursor=${cursor}` : ''}`));
        deepTimes.push(ms);
        cursor = body.data.nextCursor;
        if (!cursor) break;
      }
    }
    pageTimes.sort((a, b) => a - b);
    deepTimes.sort((a, b) => a - b);

    // (b) export, streamed; the edge's RSS sampled every 50 ms
    const pid = edge.child.pid!;
    const rssBefore = rssMb(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 50);
    const [exportMs, exported] = await timed(async () => {
      const response = await fetch(`${edge.url}/api/v1/events/export?format=csv`, { headers });
      let lines = 0;
      let bytes = 0;
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        for (const byte of value) if (byte === 0x0a) lines++;
      }
      return { rows: lines - 1, bytes };
    });
    clearInterval(sampler);

    // (c) scan latency with and without journal load, alternated
    const sim = await connectSimulator(edge.scannerPort);
    const baseline: LatencyFigures[] = [];
    const loaded: LatencyFigures[] = [];
    let notes = 0;
    try {
      await sustained(sim, 5_000, 256); // warm-up
      for (let slice = 0; slice < SLICES; slice++) {
        baseline.push(await latencyAtRate(sim, RATE, SLICE_SECONDS));
        const started = performance.now();
        const load = setInterval(() => {
          const due = Math.floor(((performance.now() - started) / 1000) * JOURNAL_RATE);
          while (notes < due + slice * SLICE_SECONDS * JOURNAL_RATE) {
            notes++;
            void fetch(`${edge.url}/api/v1/events`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ text: `bench note ${notes}` }) }).catch(() => undefined);
          }
        }, 5);
        try {
          loaded.push(await latencyAtRate(sim, RATE, SLICE_SECONDS));
        } finally {
          clearInterval(load);
        }
      }
    } finally {
      await sim.stop();
    }
    const base = mergeLatencies(baseline);
    const withJournal = mergeLatencies(loaded);

    const fmt = (sorted: number[]) => `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms (n=${sorted.length})`;
    printTable([
      [`(a) filtered page, 100 rows, ${ENTRIES.toLocaleString('en')} stored (7 filters, over HTTP)`, fmt(pageTimes)],
      ['(a) deep pages through the cursor (category=printer, up to page 20)', fmt(deepTimes)],
      [
        `(b) export CSV, ${exported.rows.toLocaleString('en')} entries, ${(exported.bytes / 1e6).toFixed(0)} MB`,
        `${Math.round(exported.rows / (exportMs / 1000)).toLocaleString('en')} entries/s, edge RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} MB (+${(rssPeak - rssBefore).toFixed(0)} MB)`,
      ],
      [`(c) baseline: scans at ${RATE}/s, no journal load`, formatLatency(base)],
      [`(c) scans at ${RATE}/s while the journal takes ${JOURNAL_RATE} entries/s`, formatLatency(withJournal)],
    ]);
  } finally {
    await edge.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
