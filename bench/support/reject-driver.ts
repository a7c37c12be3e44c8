import ModbusSerial from 'modbus-serial';
import type { ModbusSimulator } from '../../adapters/plcs/modbus-simulator.js';
import type { ScannerSimulator } from '../../src/line-sim/scanner-simulator.js';
import { percentile } from './report.js';

// The package is CommonJS (`module.exports = ModbusRTU`) but its typings say `export default` (as in modbus-driver.ts).
const ModbusRTU = ((ModbusSerial as unknown as { default?: unknown }).default ?? ModbusSerial) as typeof ModbusSerial.default;

export interface RejectLatency {
  rate: number;
  units: number;
  rejects: number;
  /** Frame sent → eject coil set on the simulator, per rejected unit (ms, sorted). */
  eject: number[];
  /** Frame sent → decision reply (NG) back at the reader, per rejected unit (ms, sorted). */
  decision: number[];
  /** Rejected units whose eject never reached the coil within the drain time. */
  lost: number;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

/**
 * Open loop at a fixed offered rate from one reader: every tenth unit (about) is a reject, half
 * corrupt codes, half duplicates. Each rejected frame's send time is paired with the n-th
 * eject-coil set the simulator recorded (ejects reach the coil in decision order: one reader,
 * one PLC connection, requests serialised) and with the n-th NG reply.
 */
export async function rejectLatencyAtRate(
  reader: ScannerSimulator,
  plc: ModbusSimulator,
  coil: number,
  rate: number,
  seconds: number,
  rejectShare = 0.1,
): Promise<RejectLatency> {
  const total = Math.round(rate * seconds);
  const isEjectSet = (w: { table: string; address: number; value: boolean | number }) => w.table === 'coil' && w.address === coil && w.value === true;
  const writesFrom = plc.writes.length;
  const rejectSentAt: number[] = [];
  const ngAt: number[] = [];
  let replies = 0;
  const onReply = (line: string) => {
    replies++;
    if (line.startsWith('NG')) ngAt.push(performance.now());
  };
  reader.on('reply', onReply);
  let sent = 0;
  let rejectsPlanned = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) {
        // Spread the rejects evenly (deterministic), alternating corrupt and duplicate codes.
        const reject = Math.floor((sent + 1) * rejectShare) > Math.floor(sent * rejectShare);
        const at = performance.now();
        const frame = reader.sendFrame(reject ? (rejectsPlanned++ % 2 === 0 ? 'invalid' : 'duplicate') : 'valid');
        if (frame.kind === 'invalid' || frame.kind === 'duplicate') rejectSentAt.push(at);
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  // Drain: every frame answered, every eject written (or give up after 5 s).
  const deadline = performance.now() + 5000;
  const ejectSets = () => plc.writes.slice(writesFrom).filter(isEjectSet);
  while ((replies < total || ejectSets().length < rejectSentAt.length) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  reader.off('reply', onReply);
  const sets = ejectSets();
  const eject = rejectSentAt.slice(0, sets.length).map((at, i) => sets[i]!.hrAt - at);
  const decision = rejectSentAt.slice(0, ngAt.length).map((at, i) => ngAt[i]! - at);
  return { rate, units: total, rejects: rejectSentAt.length, eject: sorted(eject), decision: sorted(decision), lost: rejectSentAt.length - sets.length };
}

/** The bare Modbus write round trip: modbus-serial's writeCoil against the same simulator, one at a time. */
export async function bareWriteRoundTrip(plc: ModbusSimulator, coil: number, count: number): Promise<number[]> {
  const client = new ModbusRTU();
  client.on('error', () => undefined);
  await client.connectTCP(plc.host, { port: plc.port });
  client.setID(plc.unitId);
  client.setTimeout(1000);
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await client.writeCoil(coil, i % 2 === 0);
      samples.push(performance.now() - start);
    }
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
  return sorted(samples);
}

export const formatMs = (samples: number[]) =>
  samples.length === 0
    ? 'no samples'
    : `p50 ${percentile(samples, 50).toFixed(2)} ms, p99 ${percentile(samples, 99).toFixed(2)} ms, max ${samples[samples.length - 1]!.toFixed(1)} ms (n=${samples.length})`;
