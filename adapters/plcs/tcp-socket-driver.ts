import net from 'node:net';
import { PlcRequestError } from './modbus-driver.js';
import { oneAtATime } from '../../src/runtime/one-at-a-time.js';
import type { PlcDriver, PlcTag, PlcValue } from './plc-driver.js';

/**
 * TCP_SOCKET: a raw line protocol for PLCs programmed to talk over a plain socket (Siemens
 * TSEND/TRCV, Omron socket services, a PC-based controller). We connect to host:port and send
 * one request at a time, each answered by exactly one line, in order:
 *
 *   → READ <address>\n              ← OK <value>\n   or   ERR <message>\n
 *   → WRITE <address> <value>\n     ← OK\n           or   ERR <message>\n
 *
 * Lines are UTF-8, end in LF (a CR before it is ignored), at most 1024 bytes. An address is 1-128
 * characters without whitespace. A value is `true` / `false`, a decimal number, or a JSON string
 * ("text with \"escapes\""); an unquoted non-numeric reply value is taken as text.
 *
 * Replies are paired with requests by order only, so anything that could shift the pairing ends
 * the connection (the PLC actor reconnects): a line that is neither OK nor ERR, a line with no
 * request waiting, an over-long line, and a request that timed out (its late reply would otherwise
 * be taken as the answer to the next one).
 */

export interface TcpSocketDriverOptions {
  host: string;
  port: number;
  timeoutMs: number;
}

export const MAX_LINE_BYTES = 1024;
const ADDRESS = /^\S{1,128}$/;

export function formatValue(value: PlcValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PlcRequestError(`${value} cannot be sent`, 'BAD_VALUE');
    return String(value);
  }
  return JSON.stringify(value);
}

export function parseValue(text: string): PlcValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // Falls through: taken as plain text.
    }
  }
  return text;
}

interface Pending {
  resolve(line: string): void;
  reject(error: Error): void;
}

export function createTcpSocketDriver(options: TcpSocketDriverOptions): PlcDriver {
  let socket: net.Socket | null = null;
  let buffer = '';
  let pending: Pending | null = null;
  let closed = false;
  const serial = oneAtATime();
  const listeners: Array<(reason: string) => void> = [];

  function lost(reason: string): void {
    if (!socket) return;
    const dead = socket;
    socket = null;
    dead.destroy();
    pending?.reject(new PlcRequestError(`link lost: ${reason}`, reason.startsWith('garbage') ? 'GARBAGE' : 'NOT_CONNECTED'));
    pending = null;
    if (closed) return;
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch {
        // Called from socket events: a listener's failure must not escape into them.
      }
    }
  }

  function onData(chunk: string): void {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (!/^(OK( .*)?|ERR( .*)?)$/.test(line)) return lost(`garbage from the PLC: ${JSON.stringify(line.slice(0, 80))}`);
      if (!pending) return lost(`garbage from the PLC: a reply nobody asked for (${JSON.stringify(line.slice(0, 80))})`);
      const waiting = pending;
      pending = null;
      waiting.resolve(line);
    }
    if (Buffer.byteLength(buffer) > MAX_LINE_BYTES) lost(`garbage from the PLC: a line longer than ${MAX_LINE_BYTES} bytes`);
  }

  /** Sends one request line and waits for its reply line (requests are serialised). */
  function request(line: string): Promise<string> {
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const s = socket;
        if (!s) return reject(new PlcRequestError('not connected', 'NOT_CONNECTED'));
        const timer = setTimeout(() => {
          pending = null;
          reject(new PlcRequestError(`no answer within ${options.timeoutMs} ms`, 'TIMEOUT'));
          lost(`no answer within ${options.timeoutMs} ms`);
        }, options.timeoutMs);
        pending = {
          resolve: (reply) => {
            clearTimeout(timer);
            if (reply.startsWith('ERR')) reject(new PlcRequestError(reply.slice(4) || 'error', 'DEVICE'));
            else resolve(reply.slice(3));
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        s.write(`${line}\n`);
      });
    return serial(run);
  }

  const checkAddress = (address: string) => {
    if (!ADDRESS.test(address)) throw new PlcRequestError(`"${address}" is not a TCP_SOCKET address (1-128 characters, no spaces)`, 'BAD_ADDRESS');
  };

  return {
    protocol: 'TCP_SOCKET',

    connect() {
      closed = false;
      buffer = '';
      return new Promise<void>((resolve, reject) => {
        const s = net.connect({ host: options.host, port: options.port });
        s.setEncoding('utf8');
        s.setNoDelay(true);
        const timer = setTimeout(() => {
          s.destroy();
          reject(new PlcRequestError(`connect timed out after ${options.timeoutMs} ms`, 'TIMEOUT'));
        }, options.timeoutMs);
        s.once('error', (error) => {
          clearTimeout(timer);
          if (socket === s) lost(error.message);
          else reject(error);
        });
        s.once('connect', () => {
          clearTimeout(timer);
          socket = s;
          s.on('error', () => undefined);
          s.on('data', (chunk: string) => {
            try {
              onData(chunk);
            } catch (error) {
              lost(`garbage from the PLC: ${error instanceof Error ? error.message : String(error)}`);
            }
          });
          s.on('close', () => {
            if (socket === s) lost('connection closed by the peer');
          });
          resolve();
        });
      });
    },

    async read(address) {
      checkAddress(address);
      return parseValue(await request(`READ ${address}`));
    },

    async write(address, value) {
      checkAddress(address);
      await request(`WRITE ${address} ${formatValue(value)}`);
    },

    async browse(): Promise<PlcTag[] | null> {
      return null;
    },

    onDisconnect(listener) {
      listeners.push(listener);
    },

    async close() {
      closed = true;
      const s = socket;
      socket = null;
      pending?.reject(new PlcRequestError('driver closed', 'NOT_CONNECTED'));
      pending = null;
      s?.destroy();
    },
  };
}
