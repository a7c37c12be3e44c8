import modbusSerial from 'modbus-serial';
import { fromCallback } from 'xstate';
import { FrameDecoder } from './frame-decoder.js';
import type { FramingConfig } from './framing.js';
import type { TransportCommand, TransportEvent } from './tcp-transport.js';

// The package is CommonJS whose typings declare the client class as `default`; at run time both are the class.
const ModbusRTU = modbusSerial.default;

/**
 * A scanner read through Modbus (a reader with a Modbus server, or a gateway/PLC that holds the
 * last code in registers). Handshake: a "code ready" holding register is non-zero while a new code
 * waits in the code registers; the edge reads the code, then clears the flag, and only then may
 * the device write the next one. Modbus TCP (host) or RTU (path). Any failed request ends this
 * invocation with `transport.failed` (the scanner machine backs off and reconnects).
 */

export interface ModbusScannerConfig {
  host?: string | undefined;
  port: number;
  path?: string | undefined;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
  unitId: number;
  readyRegister: number;
  codeRegister: number;
  codeRegisters: number;
  swapBytes: boolean;
  pollIntervalMs: number;
  timeoutMs: number;
  framing: FramingConfig;
}

/** Registers → the code's bytes (two per register), without the NUL padding at the end. */
export function registersToBytes(registers: number[], swapBytes = false): Buffer {
  const bytes = Buffer.alloc(registers.length * 2);
  registers.forEach((value, i) => {
    if (swapBytes) bytes.writeUInt16LE(value & 0xffff, i * 2);
    else bytes.writeUInt16BE(value & 0xffff, i * 2);
  });
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, end);
}

/** The inverse, for simulators and tests: a string → `count` registers, NUL-padded. */
export function stringToRegisters(text: string, count: number, swapBytes = false): number[] {
  const bytes = Buffer.alloc(count * 2);
  Buffer.from(text, 'utf8').copy(bytes, 0, 0, count * 2);
  return Array.from({ length: count }, (_, i) => (swapBytes ? bytes.readUInt16LE(i * 2) : bytes.readUInt16BE(i * 2)));
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ? `${(error as NodeJS.ErrnoException).code}: ${error.message}` : error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

export const modbusScannerTransport = fromCallback<TransportCommand, ModbusScannerConfig, TransportEvent>(({ input, sendBack }) => {
  let done = false;
  const send = (event: TransportEvent): void => {
    if (!done) sendBack(event);
  };
  const client = new ModbusRTU();
  // modbus-serial re-emits serial port errors; without a listener one would end the process.
  client.on('error', (error: unknown) => fail(`modbus link error: ${describe(error)}`));
  let pollTimer: NodeJS.Timeout | null = null;
  const close = () => {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    try {
      client.close(() => undefined);
    } catch {
      // already closed
    }
  };
  const fail = (reason: string): void => {
    send({ type: 'transport.failed', reason });
    done = true;
    close();
  };
  // Each register read is one frame: no terminator to look for.
  const decoder = new FrameDecoder({ ...input.framing, suffix: 'NONE' });
  const peer = input.host !== undefined ? `modbus-tcp://${input.host}:${input.port}/${input.unitId}` : `modbus-rtu://${input.path}/${input.unitId}`;

  async function pollOnce(): Promise<void> {
    const ready = await client.readHoldingRegisters(input.readyRegister, 1);
    if (!ready.data[0]) return;
    const code = await client.readHoldingRegisters(input.codeRegister, input.codeRegisters);
    await client.writeRegister(input.readyRegister, 0);
    const bytes = registersToBytes(code.data, input.swapBytes);
    // An empty code with the flag set is what a reader's "no read" looks like without a no-read string.
    if (bytes.length === 0) {
      send({ type: 'transport.frame', frame: { kind: 'noread', text: '' } });
      return;
    }
    for (const frame of decoder.push(bytes)) send({ type: 'transport.frame', frame });
  }

  const schedule = () => {
    if (done) return;
    pollTimer = setTimeout(() => {
      pollOnce().then(schedule, (error: unknown) => fail(`poll failed: ${describe(error)}`));
    }, input.pollIntervalMs);
  };

  const connect = input.host !== undefined
    ? client.connectTCP(input.host, { port: input.port })
    : client.connectRTUBuffered(input.path!, { baudRate: input.baudRate, dataBits: input.dataBits, parity: input.parity, stopBits: input.stopBits });
  connect.then(
    () => {
      if (done) {
        close();
        return;
      }
      client.setID(input.unitId);
      client.setTimeout(input.timeoutMs);
      send({ type: 'transport.connected', peer });
      schedule();
    },
    (error: unknown) => fail(`connect to ${peer} failed: ${describe(error)}`),
  );

  return () => {
    done = true;
    close();
  };
});
