/**
 * bench/fleet — a factory server holding a fleet of edges on its device channel, then taking
 * their sync uploads; on SQLite, then on PostgreSQL.
 *
 *   npm run bench:fleet                          (1,000 devices, 60 s hold, 200,000 codes)
 *   npx tsx bench/fleet.ts --devices 50 --seconds 10 --items 20000
 *   options: --devices N --seconds S --items N --senders M --batch B --heartbeat-ms MS --only sqlite|pg --skip-commands
 *   FACTORY_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test): a server on which a
 *   fresh database okto_bench_<random> is created for the run and dropped after.
 *
 * The factory runs as a child process (LOG_LEVEL=warn) with its default settings. This process
 * plays every edge: one `/ws/device` channel each, heartbeats every 5 s from a jittered start,
 * and one `/ws/dashboard` socket. Reported: heartbeat → dashboard latency, devices held, the
 * factory's CPU and RSS from /proc, ingest codes/s — beside the raw insert ceiling of the same
 * database measured in the same run (bare knex, same rows, same batches).
 *
 * Between the hold and the ingest: a command to every device at once (a device group holding all
 * of them, `force_sync` dispatched to the group with `wait: true`). The simulated devices answer
 * each command at once (ack, then an ok result), so the time is the factory's. Reported: the
 * request's wall time (all results back) and the per-command round trip the factory recorded
 * (createdAt → completedAt). --skip-commands leaves this phase out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openFactoryDatabase } from '../adapters/store/factory/factory-database.js';
import { cleanupAll, installCleanupHandlers, onCleanup } from './support/fleet-cleanup.js';
import { benchDevice, enrolDevices, type LatencySummary, SimulatedFleet } from './support/fleet-devices.js';
import { type GroupCommandRun, runGroupCommand, type Spread } from './support/fleet-commands.js';
import { startFactoryProcess } from './support/fleet-factory-process.js';
import { buildSyncBatches, rawInsertRate, runIngest, type SyncBatch } from './support/fleet-ingest.js';
import { createBenchDatabase, redact } from './support/fleet-pg.js';
import { measureProcess, rssMb } from './support/fleet-proc-stats.js';
import { printTable } from './support/report.js';

const TARGETS = { devices: 1000, p99Ms: 100, rssMb: 300, codesPerSecond: 20_000, commandsAllMs: 2000, commandP99Ms: 200 };

const { values: flags } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    items: { type: 'string', default: '200000' },
    senders: { type: 'string', default: '8' },
    batch: { type: 'string', default: '2000' },
    'heartbeat-ms': { type: 'string', default: '5000' },
    only: { type: 'string' },
    'skip-commands': { type: 'boolean', default: false },
  },
});
const positive = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${value}"`);
  return n;
};
const opts = {
  devices: positive('devices', flags.devices),
  seconds: positive('seconds', flags.seconds),
  items: positive('items', flags.items),
  senders: positive('senders', flags.senders),
  batch: positive('batch', flags.batch),
  heartbeatMs: positive('heartbeat-ms', flags['heartbeat-ms']),
};
// The senders are the first enrolled devices.
opts.senders = Math.min(opts.senders, opts.devices);
const PG_URL = process.env.FACTORY_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (n: number) => Math.round(n).toLocaleString('en');
const verdict = (met: boolean, target: string) => `[target ${target}: ${met ? 'met' : 'MISSED'}]`;
const formatSpread = (l: Spread) => `p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (n=${l.n})`;
const formatLatency = (l: LatencySummary) =>
  `p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (n=${l.n}${l.unanswered ? `, ${l.unanswered} unanswered` : ''})`;

/** The factory's pino lines grouped by message: "3× dropping slow websocket client; 1× …". */
function summariseLog(lines: string[]): string {
  if (lines.length === 0) return '0';
  const counts = new Map<string, number>();
  for (const line of lines) {
    let msg = line;
    try {
      msg = String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
    } catch {
      // not JSON: keep the line
    }
    msg = msg.slice(0, 80);
    counts.set(msg, (counts.get(msg) ?? 0) + 1);
  }
  return `${lines.length}: ${[...counts].map(([msg, n]) => `${n}× ${msg}`).join('; ')}`;
}

/** The group command's rows: all results back within the target, and the per-command round trip. */
function commandReport(run: GroupCommandRun, usage: { cpuPercent: number; maxRssMb: number }): Array<[string, string]> {
  const allBack = run.succeeded === run.devices;
  const slowest = Math.max(run.requestMs, run.roundTrip.max);
  return [
    [
      `group command: force_sync to ${run.devices} devices (wait: true)`,
      `${run.succeeded} / ${run.devices} SUCCEEDED${run.others ? ` (${run.others})` : ''}; request ${run.requestMs.toFixed(0)} ms ${verdict(allBack && slowest <= TARGETS.commandsAllMs, `all results ≤ ${TARGETS.commandsAllMs} ms`)}`,
    ],
    ['  per-command round trip (factory createdAt → completedAt)', `${formatSpread(run.roundTrip)} ${verdict(run.roundTrip.p99 <= TARGETS.commandP99Ms, `p99 ≤ ${TARGETS.commandP99Ms} ms`)}`],
    ['  request sent → command at the device', formatSpread(run.arrival)],
    ['  factory CPU / RSS max over the phase (set-up, command, read-back); set-up time', `${usage.cpuPercent.toFixed(1)} % / ${usage.maxRssMb.toFixed(0)} MB; ${run.setupMs.toFixed(0)} ms`],
  ];
}

interface Target {
  label: 'SQLite' | 'PostgreSQL';
  databaseUrl?: string;
  /** Opens the database the raw ceiling writes to (same driver settings as the factory's). */
  openRaw: () => ReturnType<typeof openFactoryDatabase>;
}

async function runOn(target: Target, dataDir: string, batches: SyncBatch[]): Promise<Array<[string, string]>> {
  const factory = await startFactoryProcess({ dataDir, ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}) });
  const manager = await factory.login('manager', 'manager123');
  const idleRss = rssMb(factory.pid);

  let started = performance.now();
  const devices = await enrolDevices(factory, manager, opts.devices);
  const enrolSeconds = (performance.now() - started) / 1000;

  const fleet = new SimulatedFleet({ wsUrl: factory.wsUrl, heartbeatMs: opts.heartbeatMs, dashboardToken: manager });
  const closeFleet = onCleanup('device sockets', () => fleet.close());
  started = performance.now();
  await fleet.connect(devices);
  const connectSeconds = (performance.now() - started) / 1000;
  // One interval of warm-up: every device has sent its first heartbeat and the jitter has spread them.
  await sleep(opts.heartbeatMs);

  process.stdout.write(`  ${target.label}: holding ${opts.devices} devices for ${opts.seconds} s…\n`);
  fleet.startPhase('hold');
  const holdUsage = measureProcess(factory.pid);
  await sleep(opts.seconds * 1000);
  const hold = holdUsage.stop();
  fleet.startPhase('ingest');
  const overview = await factory.api<{ devicesOnline: number; devicesOffline: number }>('GET', '/api/v1/dashboard/overview', undefined, manager);
  const connected = (await factory.api<unknown[]>('GET', '/api/v1/devices/connected', undefined, manager)).length;
  const openChannels = fleet.openChannels;

  let commandRows: Array<[string, string]> = [];
  if (!flags['skip-commands']) {
    process.stdout.write(`  ${target.label}: force_sync to a group of all ${opts.devices} devices…\n`);
    fleet.startPhase('commands');
    const commandUsage = measureProcess(factory.pid);
    try {
      commandRows = commandReport(await runGroupCommand(factory, manager, fleet, devices.map((d) => d.id), { type: 'force_sync' }), commandUsage.stop());
    } catch (error) {
      commandUsage.stop();
      commandRows = [['group command (force_sync to all devices)', `FAILED: ${error instanceof Error ? error.message : String(error)}`]];
    }
  }

  process.stdout.write(`  ${target.label}: ingesting ${int(opts.items)} codes from ${opts.senders} devices…\n`);
  const tokens = new Map(devices.map((d) => [d.id, d.token]));
  const ingestUsage = measureProcess(factory.pid);
  const ingest = await runIngest(factory, batches, (id) => tokens.get(id)!);
  const ingestRes = ingestUsage.stop();
  fleet.startPhase('after');
  // Heartbeats sent during the ingest get time to arrive before their figures are read.
  await sleep(Math.min(2000, opts.heartbeatMs));
  const after = await factory.api<{ bottlesToday: number; syncQueueTotal: number }>('GET', '/api/v1/dashboard/overview', undefined, manager);
  const holdLatency = fleet.latency('hold');
  const ingestLatency = fleet.latency('ingest');
  const unexpectedCloses = fleet.unexpectedCloses;

  await closeFleet();
  await factory.stop();
  const logLines = factory.logLines();

  const raw = await target.openRaw();
  let ceiling: number;
  try {
    ceiling = await rawInsertRate(raw.db, batches, opts.senders);
  } finally {
    await raw.close();
  }

  const held = Math.min(openChannels, overview.devicesOnline, connected);
  return [
    [`enrolment (REST, 16 concurrent)`, `${opts.devices} devices in ${enrolSeconds.toFixed(1)} s; channels opened in ${connectSeconds.toFixed(1)} s`],
    [
      'devices held at end of hold (open / online / connected)',
      `${openChannels} / ${overview.devicesOnline} / ${connected} of ${opts.devices}, ${unexpectedCloses} dropped ${verdict(held >= TARGETS.devices, `${int(TARGETS.devices)} held`)}`,
    ],
    ['heartbeat → dashboard latency, hold', `${formatLatency(holdLatency)} ${verdict(holdLatency.p99 <= TARGETS.p99Ms && holdLatency.unanswered === 0, `p99 ≤ ${TARGETS.p99Ms} ms`)}`],
    ...commandRows,
    ...(flags['skip-commands'] ? [] : [['heartbeat → dashboard latency, during the group command', formatLatency(fleet.latency('commands'))] as [string, string]]),
    ['heartbeat → dashboard latency, during ingest', formatLatency(ingestLatency)],
    ['factory CPU, hold (% of one core)', `${hold.cpuPercent.toFixed(1)} %`],
    ['factory RSS max, hold (idle after start, for reference)', `${hold.maxRssMb.toFixed(0)} MB (idle ${idleRss.toFixed(0)} MB) ${verdict(hold.maxRssMb <= TARGETS.rssMb, `≤ ${TARGETS.rssMb} MB`)}`],
    ['factory CPU / RSS max, ingest', `${ingestRes.cpuPercent.toFixed(1)} % / ${ingestRes.maxRssMb.toFixed(0)} MB`],
    [
      `ingest (${opts.senders} devices × ${opts.batch}-item batches, cloudSyncEnabled default on)`,
      `${int(ingest.codesPerSecond)} codes/s, ${ingest.seconds.toFixed(1)} s ${verdict(ingest.codesPerSecond >= TARGETS.codesPerSecond, `≥ ${int(TARGETS.codesPerSecond)} codes/s`)}`,
    ],
    [`raw insert ceiling (bare knex, same rows and batches, ${opts.senders} in flight)`, `${int(ceiling)} rows/s`],
    ['ingest / raw ceiling', `${((ingest.codesPerSecond / ceiling) * 100).toFixed(0)} %`],
    [
      'stored (accepted / dup / rejected; bottlesToday; forward queue)',
      `${int(ingest.accepted)} / ${ingest.duplicates} / ${ingest.rejected} of ${int(opts.items)}; ${int(after.bottlesToday)}; ${int(after.syncQueueTotal)}`,
    ],
    ['factory warn/error log lines', summariseLog(logLines)],
  ];
}

async function main() {
  installCleanupHandlers();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-bench-fleet-'));
  onCleanup('temp dir', () => fs.rmSync(work, { recursive: true, force: true }), () => fs.rmSync(work, { recursive: true, force: true }));
  console.log(
    `fleet benchmark — ${os.cpus().length} cores, node ${process.version}; ${opts.devices} devices, heartbeat ${opts.heartbeatMs} ms, hold ${opts.seconds} s; ` +
      `ingest ${int(opts.items)} codes, ${opts.senders} senders × ${opts.batch} items`,
  );
  console.log(
    `targets: ${int(TARGETS.devices)} devices held, heartbeat→dashboard p99 ≤ ${TARGETS.p99Ms} ms, RSS ≤ ${TARGETS.rssMb} MB, ingest ≥ ${int(TARGETS.codesPerSecond)} codes/s` +
      (flags['skip-commands'] ? '' : `, group command: all results ≤ ${TARGETS.commandsAllMs} ms, round trip p99 ≤ ${TARGETS.commandP99Ms} ms`),
  );
  console.log('factory settings: defaults (cloudSyncEnabled on: each new item also gets a forward-outbox row; no cloud token, so nothing drains during the run)');

  const senders = Array.from({ length: opts.senders }, (_, i) => benchDevice(i));
  const batches = buildSyncBatches(senders, opts.items, opts.batch);

  if (flags.only !== 'pg') {
    const dataDir = path.join(work, 'sqlite');
    fs.mkdirSync(dataDir);
    const rows = await runOn({ label: 'SQLite', openRaw: () => openFactoryDatabase({ filename: path.join(work, 'raw-ceiling.db') }) }, dataDir, batches);
    console.log('\nSQLite (WAL, synchronous FULL)');
    printTable(rows);
  }

  if (flags.only !== 'sqlite') {
    const database = await createBenchDatabase(PG_URL);
    if ('skipped' in database) {
      console.log(`\nPostgreSQL: skipped — ${database.skipped}`);
    } else {
      const dataDir = path.join(work, 'pg');
      fs.mkdirSync(dataDir);
      const rows = await runOn(
        { label: 'PostgreSQL', databaseUrl: database.url, openRaw: () => openFactoryDatabase({ url: database.url, poolMax: Math.max(10, opts.senders) }) },
        dataDir,
        batches,
      );
      console.log(`\nPostgreSQL (${redact(PG_URL).replace(/\/[^/]*$/, `/${database.name}`)})`);
      printTable(rows);
      await database.drop();
    }
  }
}

main()
  .then(() => cleanupAll())
  .catch(async (error: unknown) => {
    console.error(error);
    await cleanupAll();
    process.exit(1);
  });
