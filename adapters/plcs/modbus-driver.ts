import ModbusSerial from 'modbus-serial';
import { decodeRegisters, encodeRegisters, modbusDataType, type ModbusAddress, parseModbusAddress } from './modbus-address.js';
import { oneAtATime } from '../../src/runtime/one-at-a-time.js';
import type { PlcDriver, PlcTag, PlcValue } from './plc-driver.js';

/**
 * Modbus TCP and Modbus RTU (serial) through modbus-serial. Addresses: see modbus-address.ts.
 *
 * Requests are serialised (one in flight): RTU cannot do otherwise, and many small PLCs and
 * gateways mishandle pipelined TCP requests too. A request that gets no answer within timeoutMs
 * fails; `maxMissed` such failures in a row mean the link is dead even though the socket looks
 * open (a PLC powered off behind a switch never sends a FIN), so the driver reports a disconnect.
 */

// The package is CommonJS (`module.exports = ModbusRTU`) but its typings say `export default`,
// which NodeNext reads as a `.default` property: take whichever of the two holds the class.
const ModbusRTU = ((ModbusSerial as unknown as { default?: unknown }).default ?? ModbusSerial) as typeof ModbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusSerial.default>;

export type ModbusDriverOptions = {
  unitId: number;
  timeoutMs: number;
  /** Consecutive unanswered requests that count as a lost link (default 3). */
  maxMissed?: number;
} & (
  | { transport: 'tcp'; host: string; port: number }
  | { transport: 'rtu'; path: string; baudRate: number; parity?: 'none' | 'even' | 'odd'; dataBits?: 7 | 8; stopBits?: 1 | 2 }
);

export class PlcRequestError extends Error {
  override readonly name = 'PlcRequestError';
  constructor(
    message: string,
    readonly code: 'TIMEOUT' | 'NOT_CONNECTED' | 'BAD_ADDRESS' | 'BAD_VALUE' | 'DEVICE' | 'GARBAGE',
  ) {
    super(message);
  }
}

function addressOf(address: string): ModbusAddress {
  const parsed = parseModbusAddress(address);
  if (typeof parsed === 'string') throw new PlcRequestError(parsed, 'BAD_ADDRESS');
  return parsed;
}

const isTimeout = (error: unknown) => (error as { errno?: string }).errno === 'ETIMEDOUT' || /timed out/i.test((error as Error).message ?? '');

export function createModbusDriver(options: ModbusDriverOptions): PlcDriver {
  const maxMissed = options.maxMissed ?? 3;
  let client: ModbusRTU | null = null;
  let closed = false;
  let missed = 0;
  const serial = oneAtATime();
  const listeners: Array<(reason: string) => void> = [];
  /** Rejects the request in flight when the link drops, instead of waiting for its timeout. */
  let abortInFlight: ((error: Error) => void) | null = null;

  function lost(reason: string): void {
    if (!client) return;
    const dead = client;
    client = null;
    abortInFlight?.(new PlcRequestError(`link lost: ${reason}`, 'NOT_CONNECTED'));
    (dead as unknown as NodeJS.EventEmitter).removeAllListeners('close');
    try {
      dead.close(() => undefined);
    } catch {
      // Already closed.
    }
    if (!closed) for (const listener of listeners) listener(reason);
  }

  /** Runs `request` after the ones queued before it; fails fast when there is no link. */
  function enqueue<T>(request: (c: ModbusRTU) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const c = client;
      if (c && !c.isOpen) lost('connection lost');
      if (!c || !c.isOpen) throw new PlcRequestError('not connected', 'NOT_CONNECTED');
      try {
        const result = await new Promise<T>((resolve, reject) => {
          abortInFlight = reject;
          request(c).then(resolve, reject);
        });
        missed = 0;
        return result;
      } catch (error) {
        if (error instanceof PlcRequestError) throw error;
        if (isTimeout(error)) {
          missed++;
          if (missed >= maxMissed) lost(`no answer to ${missed} requests in a row`);
          throw new PlcRequestError(`no answer within ${options.timeoutMs} ms`, 'TIMEOUT');
        }
        missed = 0;
        throw new PlcRequestError((error as Error).message ?? String(error), 'DEVICE');
      } finally {
        abortInFlight = null;
      }
    };
    return serial(run);
  }

  return {
    protocol: options.transport === 'tcp' ? 'MODBUS_TCP' : 'MODBUS_RTU',

    async connect() {
      closed = false;
      missed = 0;
      const c = new ModbusRTU();
      // modbus-serial emits 'error' for port errors; unheard, that would crash the process.
      c.on('error', () => undefined);
      let timer: NodeJS.Timeout | undefined;
      const opening =
        options.transport === 'tcp'
          ? c.connectTCP(options.host, { port: options.port })
          : c.connectRTUBuffered(options.path, { baudRate: options.baudRate, parity: options.parity ?? 'none', dataBits: options.dataBits ?? 8, stopBits: options.stopBits ?? 1 });
      try {
        await Promise.race([
          opening,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new PlcRequestError(`connect timed out after ${options.timeoutMs} ms`, 'TIMEOUT')), options.timeoutMs);
          }),
        ]);
      } catch (error) {
        opening.catch(() => undefined);
        try {
          c.close(() => undefined);
        } catch {
          // Never opened.
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
      c.setID(options.unitId);
      c.setTimeout(options.timeoutMs);
      c.on('close', () => lost('connection closed by the peer'));
      // modbus-serial relays 'close' only when no socket error came first: a reset (a PLC that
      // died with data in flight) would go unnoticed. The TCP socket itself always closes.
      const socket = (c as unknown as { _port?: { _client?: NodeJS.EventEmitter } })._port?._client;
      socket?.once('close', () => {
        if (client === c) lost('connection closed by the peer');
      });
      client = c;
    },

    async read(address) {
      const a = addressOf(address);
      return enqueue(async (c): Promise<PlcValue> => {
        switch (a.table) {
          case 'coil':
            return (await c.readCoils(a.offset, 1)).data[0] ?? false;
          case 'di':
            return (await c.readDiscreteInputs(a.offset, 1)).data[0] ?? false;
          case 'hr':
            return decodeRegisters(a, (await c.readHoldingRegisters(a.offset, a.count)).data);
          case 'ir':
            return decodeRegisters(a, (await c.readInputRegisters(a.offset, a.count)).data);
        }
      });
    },

    async write(address, value) {
      const a = addressOf(address);
      if (!a.writable) throw new PlcRequestError(`${address} is read-only`, 'BAD_ADDRESS');
      let words: number[] = [];
      try {
        if (a.table === 'hr') words = encodeRegisters(a, value);
      } catch (error) {
        throw new PlcRequestError((error as Error).message, 'BAD_VALUE');
      }
      return enqueue(async (c) => {
        if (a.table === 'coil') await c.writeCoil(a.offset, value === true || value === 1 || value === '1' || value === 'true');
        // FC16 even for one register: some gateways implement only "write multiple".
        else await c.writeRegisters(a.offset, words);
      });
    },

    async browse(): Promise<PlcTag[] | null> {
      return null;
    },

    onDisconnect(listener) {
      listeners.push(listener);
    },

    async close() {
      closed = true;
      const c = client;
      client = null;
      abortInFlight?.(new PlcRequestError('driver closed', 'NOT_CONNECTED'));
      if (!c) return;
      // A socket that is already gone may never call back: do not let close() hang on it.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        try {
          c.close(() => {
            clearTimeout(timer);
            resolve();
          });
        } catch {
          clearTimeout(timer);
          resolve();
        }
      });
    },
  };
}

/** A tag as browse() or the tags route shows it, from a Modbus address. */
export function modbusTag(name: string, address: string): PlcTag {
  const parsed = parseModbusAddress(address);
  if (typeof parsed === 'string') return { address, name, dataType: 'unknown', writable: false };
  return { address, name, dataType: modbusDataType(parsed), writable: parsed.writable };
}
