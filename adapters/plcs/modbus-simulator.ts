import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { ServerTCP } from 'modbus-serial';

/**
 * A Modbus TCP PLC on loopback for tests, the line simulator and the reject-loop benchmark:
 * coils, discrete inputs, holding and input registers you can set and inspect, every write
 * recorded with its time, and faults on demand (slow answers, no answers, dropped and refused
 * connections).
 */

export interface RecordedWrite {
  table: 'coil' | 'hr';
  address: number;
  value: boolean | number;
  /** Date.now() when the write arrived. */
  at: number;
  /** performance.now() when the write arrived (for latency measured in the same process). */
  hrAt: number;
}

export interface ModbusSimulator {
  readonly host: string;
  readonly port: number;
  readonly unitId: number;
  readonly coils: Map<number, boolean>;
  readonly discreteInputs: Map<number, boolean>;
  readonly holding: Map<number, number>;
  readonly input: Map<number, number>;
  readonly writes: RecordedWrite[];
  /** Every answer is delayed this long (a slow peer). */
  delayMs: number;
  /** Requests are swallowed without an answer (a PLC that hung, or a wrong unit id). */
  silent: boolean;
  /** New connections are accepted and closed at once (a PLC rebooting). */
  refusing: boolean;
  connections(): number;
  /** Closes every open connection from the server side. */
  dropConnections(): void;
  /** Text stored in holding registers from `offset`, two Latin-1 characters per register. */
  text(offset: number, length: number): string;
  close(): Promise<void>;
}

export interface ModbusSimulatorOptions {
  host?: string;
  /** Default: a free port (modbus-serial would turn port 0 into 502). */
  port?: number;
  unitId?: number;
}

/** A free TCP port on host; modbus-serial cannot listen on port 0 itself. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startModbusSimulator(options: ModbusSimulatorOptions = {}): Promise<ModbusSimulator> {
  const host = options.host ?? '127.0.0.1';
  const unitId = options.unitId ?? 1;
  const coils = new Map<number, boolean>();
  const discreteInputs = new Map<number, boolean>();
  const holding = new Map<number, number>();
  const input = new Map<number, number>();
  const writes: RecordedWrite[] = [];
  const state = { delayMs: 0, silent: false, refusing: false };

  /** Answers after the configured delay, or never while silent. */
  const answer = <T>(value: () => T): Promise<T> | T => {
    if (state.silent) return new Promise<T>(() => undefined);
    if (state.delayMs <= 0) return value();
    return new Promise<T>((resolve) => setTimeout(() => resolve(value()), state.delayMs));
  };
  const record = (table: 'coil' | 'hr', address: number, value: boolean | number) => {
    writes.push({ table, address, value, at: Date.now(), hrAt: performance.now() });
  };

  // Parameter counts matter: modbus-serial tells callback-style handlers from promise-style by
  // Function.length, so these take exactly the non-callback arguments.
  const vector = {
    getCoil: (addr: number, _unit: number) => answer(() => coils.get(addr) ?? false),
    getDiscreteInput: (addr: number, _unit: number) => answer(() => discreteInputs.get(addr) ?? false),
    getHoldingRegister: (addr: number, _unit: number) => answer(() => holding.get(addr) ?? 0),
    getInputRegister: (addr: number, _unit: number) => answer(() => input.get(addr) ?? 0),
    getMultipleHoldingRegisters: (addr: number, length: number, _unit: number) =>
      answer(() => Array.from({ length }, (_, i) => holding.get(addr + i) ?? 0)),
    getMultipleInputRegisters: (addr: number, length: number, _unit: number) => answer(() => Array.from({ length }, (_, i) => input.get(addr + i) ?? 0)),
    setCoil: (addr: number, value: boolean, _unit: number) =>
      answer(() => {
        coils.set(addr, value);
        record('coil', addr, value);
      }),
    setRegister: (addr: number, value: number, _unit: number) =>
      answer(() => {
        holding.set(addr, value);
        record('hr', addr, value);
      }),
  };

  let server: ServerTCP | undefined;
  let port = options.port ?? 0;
  // The free port can be taken between probing and listening: try a few.
  for (let attempt = 0; attempt < 5 && !server; attempt++) {
    const candidate = options.port ?? (await freePort(host));
    const s = new ServerTCP(vector, { host, port: candidate, unitID: unitId });
    const ok = await new Promise<boolean>((resolve) => {
      s.once('initialized', () => resolve(true));
      s.once('serverError', () => resolve(false));
    });
    if (ok) {
      server = s;
      port = candidate;
    } else {
      await new Promise<void>((resolve) => s.close(() => resolve()));
      if (options.port !== undefined) throw new Error(`modbus simulator: port ${options.port} is in use`);
    }
  }
  if (!server) throw new Error('modbus simulator: no free port');
  const live = server;
  live.on('socketError', () => undefined);
  const listener = (live as unknown as { _server: net.Server })._server;
  listener.on('connection', (socket: net.Socket) => {
    if (state.refusing) socket.destroy();
  });

  return {
    host,
    port,
    unitId,
    coils,
    discreteInputs,
    holding,
    input,
    writes,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    get silent() {
      return state.silent;
    },
    set silent(value: boolean) {
      state.silent = value;
    },
    get refusing() {
      return state.refusing;
    },
    set refusing(value: boolean) {
      state.refusing = value;
    },
    connections: () => live.socks.size,
    dropConnections() {
      for (const socket of live.socks.keys()) socket.destroy();
    },
    text(offset, length) {
      const buffer = Buffer.alloc(Math.ceil(length / 2) * 2);
      for (let i = 0; i < buffer.length / 2; i++) buffer.writeUInt16BE(holding.get(offset + i) ?? 0, i * 2);
      return buffer.subarray(0, length).toString('latin1').replace(/\0+$/, '');
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of live.socks.keys()) socket.destroy();
        live.close(() => resolve());
      }),
  };
}
