import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/**
 * A real PLC stand-in: Debian's pymodbus (python3-pymodbus; the pyenv python on PATH has no
 * pymodbus) running pymodbus-recording-server.py, which prints every write it receives — so a
 * test checks what the PLC really got over the wire, TCP or RTU.
 */
export const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pymodbus-recording-server.py');

/** Why pymodbus cannot run here, or null. */
export function pymodbusMissing(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  if (spawnSync(PYTHON, ['-c', 'import pymodbus.server, serial'], { stdio: 'ignore' }).status !== 0) return `pymodbus is not installed for ${PYTHON} (apt install python3-pymodbus)`;
  return null;
}

export interface RecordedModbusWrite {
  table: 'coil' | 'hr';
  address: number;
  value: number;
}

export interface PymodbusPeer {
  /** Every write the server received, in order. */
  writes: RecordedModbusWrite[];
  output(): string;
  stop(): Promise<void>;
}

function run(args: string[]): { peer: PymodbusPeer; ready: Promise<boolean>; child: ChildProcess } {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const writes: RecordedModbusWrite[] = [];
  let out = '';
  let pending = '';
  let ready = false;
  let exited = false;
  child.once('exit', () => (exited = true));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line === 'READY') ready = true;
      const m = /^WRITE (coil|hr) (\d+) (-?\d+)$/.exec(line);
      if (m) writes.push({ table: m[1] as 'coil' | 'hr', address: Number(m[2]), value: Number(m[3]) });
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const peer: PymodbusPeer = {
    writes,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
  return { peer, child, ready: waitFor(() => ready || exited, 20_000, () => `pymodbus to serve; output: ${out}`).then(() => ready) };
}

/** pymodbus as a Modbus TCP server on 127.0.0.1 (a free port; retried if another process takes it first). */
export async function startPymodbusTcp(): Promise<PymodbusPeer & { port: number }> {
  let output = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const { peer, ready } = run(['tcp', String(port)]);
    if (await ready) return { ...peer, port };
    output = peer.output();
    await peer.stop();
  }
  throw new Error(`could not start pymodbus on a free port: ${output}`);
}

/** pymodbus as a Modbus RTU server on a serial device (one end of a socat pty pair). */
export async function startPymodbusRtu(device: string, baudRate: number): Promise<PymodbusPeer> {
  const { peer, ready } = run(['rtu', device, String(baudRate)]);
  if (!(await ready)) throw new Error(`pymodbus RTU server did not start: ${peer.output()}`);
  return peer;
}
