import net from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { stringToRegisters } from './modbus-scanner-transport.js';

/**
 * A reader (or gateway) that offers its codes over Modbus TCP, for tests and the line simulator:
 * `present(code)` writes the code registers and raises the "code ready" register, as the device
 * would; the edge reads and clears it. `ready()` tells whether the last code was taken.
 */

export interface ModbusScannerSimulatorOptions {
  unitId?: number;
  readyRegister?: number;
  codeRegister?: number;
  codeRegisters?: number;
  swapBytes?: boolean;
}

async function freePort(host: string): Promise<number> {
  // ServerTCP turns port 0 into 502: take a free port first.
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startModbusScannerSimulator(options: ModbusScannerSimulatorOptions = {}) {
  const host = '127.0.0.1';
  const unitId = options.unitId ?? 1;
  const readyRegister = options.readyRegister ?? 0;
  const codeRegister = options.codeRegister ?? 10;
  const codeRegisters = options.codeRegisters ?? 32;
  const holding = new Map<number, number>();
  let silent = false;
  const port = await freePort(host);
  const server = new ServerTCP(
    {
      getHoldingRegister: (addr: number, unit: number, cb: (err: Error | null, value: number) => void) => {
        if (silent || unit !== unitId) return; // no answer: the client times out
        cb(null, holding.get(addr) ?? 0);
      },
      getMultipleHoldingRegisters: (addr: number, length: number, unit: number, cb: (err: Error | null, value: number[]) => void) => {
        if (silent || unit !== unitId) return;
        cb(null, Array.from({ length }, (_, i) => holding.get(addr + i) ?? 0));
      },
      setRegister: (addr: number, value: number, unit: number, cb: (err: Error | null) => void) => {
        if (silent || unit !== unitId) return;
        holding.set(addr, value);
        cb(null);
      },
    },
    { host, port, unitID: unitId },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
  });
  server.on('socketError', () => undefined);

  return {
    host,
    port,
    unitId,
    readyRegister,
    codeRegister,
    codeRegisters,
    holding,
    /** Publishes a code (an empty string is a no-read) and raises the ready flag. */
    present(code: string) {
      stringToRegisters(code, codeRegisters, options.swapBytes).forEach((value, i) => holding.set(codeRegister + i, value));
      holding.set(readyRegister, 1);
    },
    /** True when the edge has taken the last code (cleared the flag). */
    taken: () => (holding.get(readyRegister) ?? 0) === 0,
    /** Stops answering (a hung device). */
    setSilent(value: boolean) {
      silent = value;
    },
    /** Closes every client connection from the server side. */
    dropConnections() {
      for (const socket of server.socks.keys()) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type ModbusScannerSimulator = Awaited<ReturnType<typeof startModbusScannerSimulator>>;
