/**
 * bench/reject-loop — scanner frame in → eject coil written on the Modbus simulator.
 *
 *   npm run bench:reject-loop          (BENCH_SECONDS=10 per rate; BENCH_SYNCHRONOUS=FULL|NORMAL)
 *
 * The edge runs as a child process (as in production) with a TCP line scanner in listen mode
 * that answers every frame OK/NG, a MODBUS_TCP PLC (the simulator in this process) with `eject`
 * bound to a coil, and the reject loop on. A reader in this process sends frames at a fixed rate
 * (about 10 % rejects: corrupt codes and duplicates) and stamps each; the simulator stamps each
 * coil write with the same clock. Latency = frame sent → eject coil set, per rejected unit.
 * Printed with the bare Modbus write round trip measured in the same run (modbus-serial's
 * writeCoil to the same simulator): the floor any eject sits on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startModbusSimulator } from '../adapters/plcs/modbus-simulator.js';
import { startEdgeProcess } from './support/edge-process.js';
import { percentile, printTable } from './support/report.js';
import { bareWriteRoundTrip, formatMs, rejectLatencyAtRate } from './support/reject-driver.js';
import { connectSimulator } from './support/scan-driver.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATES = (process.env.BENCH_RATES ?? '100,1000').split(',').map(Number);
const SYNCHRONOUS = process.env.BENCH_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
const EJECT_COIL = 10;
const BARE_WRITES = Number(process.env.BENCH_BARE_WRITES ?? 2000);
const TARGET_P99_MS = 10;

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-bench-reject-'));
  const plc = await startModbusSimulator();
  console.log(`reject-loop benchmark — ${os.cpus().length} cores, node ${process.version}, synchronous=${SYNCHRONOUS}, ${SECONDS} s per rate, ~10 % rejects`);
  const edge = await startEdgeProcess(path.join(work, 'edge'), [
    `storage: { synchronous: ${SYNCHRONOUS} }`,
    'plcs:',
    `  - { id: bench-plc, protocol: MODBUS_TCP, host: ${plc.host}, port: ${plc.port}, timeoutMs: 1000, safeState: stop }`,
    'plcBindings:',
    `  eject: { plcId: bench-plc, address: "coil:${EJECT_COIL}", kind: coil, pulseMs: 5 }`,
    'rejectLoop: { enabled: true, stopLineOnMissedReject: false }',
  ]);
  const reader = await connectSimulator(edge.scannerPort);
  const rows: Array<[string, string]> = [];
  let verdict = 'not measured';
  try {
    for (;;) {
      const status = await edge.api<{ plcConnected: boolean }>('GET', '/api/v1/reject-loop/status');
      if (status.plcConnected) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await rejectLatencyAtRate(reader, plc, EJECT_COIL, 200, 1); // warm-up
    for (const rate of RATES) {
      const run = await rejectLatencyAtRate(reader, plc, EJECT_COIL, rate, SECONDS);
      rows.push([`frame → eject coil set at ${rate} units/s (${run.rejects} rejects of ${run.units})`, formatMs(run.eject) + (run.lost > 0 ? `, ${run.lost} never written` : '')]);
      rows.push([`  frame → NG reply at the reader (same units)`, formatMs(run.decision)]);
      if (rate === 1000) {
        const p99 = percentile(run.eject, 99);
        verdict = `${p99 <= TARGET_P99_MS && run.lost === 0 ? 'MET' : 'NOT MET'} (p99 ${p99.toFixed(2)} ms)`;
      }
    }
    const status = await edge.api<{ counters: Record<string, number> }>('GET', '/api/v1/reject-loop/status');
    rows.push(['reject loop counters (edge)', JSON.stringify(status.counters)]);
  } finally {
    await reader.stop();
    await edge.stop();
  }
  const bare = await bareWriteRoundTrip(plc, EJECT_COIL + 1, BARE_WRITES);
  rows.push(['bare Modbus writeCoil round trip, same simulator (floor)', formatMs(bare)]);
  rows.push([`target: p99 ≤ ${TARGET_P99_MS} ms at 1,000 units/s`, verdict]);
  printTable(rows);
  await plc.close();
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
