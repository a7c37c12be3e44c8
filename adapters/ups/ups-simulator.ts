import net from 'node:net';
import { fromCallback } from 'xstate';
import type { UpsConnectionCommand, UpsConnectionEvent, UpsReading } from '../../src/domain/ports/ups-connection.js';
import { parseUpsStatus, splitNutLine } from './nut-protocol.js';

/** upsd always quotes values, escaping \\ and ". */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * A simulated UPS: in-process state (mains or battery, charge, FSD) that the `simulated` driver
 * reads, that POST /api/v1/ups/simulate changes, and that a tiny fake upsd can serve over TCP so
 * the NUT client is tested against garbage, slow answers and dropped connections too.
 */

export interface SimulatedUpsState {
  onBattery: boolean;
  batteryPercent: number;
  /** The UPS's own low-battery flag (LB); the policy also applies its own threshold. */
  lowBattery: boolean;
  fsd: boolean;
  runtimeSeconds: number;
  /** Unreachable: the simulated connection fails (as if upsd or the cable were gone). */
  offline: boolean;
}

export interface UpsSimulator {
  state(): SimulatedUpsState;
  set(change: Partial<SimulatedUpsState>): SimulatedUpsState;
  /** ups.status as a real UPS would say it ("OL", "OL CHRG", "OB DISCHRG LB", "FSD OB LB"). */
  status(): string;
  /** The NUT variables of this UPS. */
  vars(): Record<string, string>;
  reading(now?: number): UpsReading;
  onChange(listener: (state: SimulatedUpsState) => void): () => void;
}

export function createUpsSimulator(initial: Partial<SimulatedUpsState> = {}): UpsSimulator {
  let state: SimulatedUpsState = { onBattery: false, batteryPercent: 100, lowBattery: false, fsd: false, runtimeSeconds: 1800, offline: false, ...initial };
  const listeners = new Set<(state: SimulatedUpsState) => void>();
  const status = () => {
    const flags = [state.fsd ? 'FSD' : null, state.onBattery ? 'OB' : 'OL', state.onBattery ? 'DISCHRG' : state.batteryPercent < 100 ? 'CHRG' : null, state.lowBattery ? 'LB' : null];
    return flags.filter((f) => f !== null).join(' ');
  };
  return {
    state: () => ({ ...state }),
    set(change) {
      state = { ...state, ...change };
      for (const listener of [...listeners]) listener({ ...state });
      return { ...state };
    },
    status,
    vars: () => ({
      'battery.charge': String(state.batteryPercent),
      'battery.runtime': String(state.runtimeSeconds),
      'device.mfr': 'OKTO',
      'device.model': 'Simulated UPS',
      'ups.status': status(),
    }),
    reading: (now = Date.now()) => ({ status: status(), ...parseUpsStatus(status()), batteryPercent: state.batteryPercent, runtimeSeconds: state.runtimeSeconds, at: now }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The `connection` actor for the `simulated` driver: connected at once, a reading on start, on
 * every change and on each poll; `offline: true` fails it (the UPS machine then backs off).
 */
export function simulatedUpsConnection(simulator: UpsSimulator, options: { pollIntervalMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  return fromCallback<UpsConnectionCommand, unknown, UpsConnectionEvent>(({ sendBack, receive }) => {
    let done = false;
    const read = () => {
      if (done) return;
      if (simulator.state().offline) {
        done = true;
        sendBack({ type: 'ups.failed', reason: 'simulated UPS is offline' });
        return;
      }
      sendBack({ type: 'ups.reading', reading: simulator.reading(now()) });
    };
    // Asynchronously: a callback actor that sends back while it starts would run a transition inside its parent's.
    const start = setTimeout(() => {
      if (simulator.state().offline) return read();
      sendBack({ type: 'ups.connected', peer: 'simulated' });
      read();
    }, 0);
    const poll = setInterval(read, options.pollIntervalMs);
    poll.unref();
    const off = simulator.onChange(() => setTimeout(read, 0));
    receive(() => setTimeout(read, 0));
    return () => {
      done = true;
      clearTimeout(start);
      clearInterval(poll);
      off();
    };
  });
}

/** How the fake upsd misbehaves (all off = a well-behaved upsd). */
export interface FakeUpsdBehaviour {
  /** Answer every request with this line instead. */
  garbage?: string | null;
  /** Wait this long before each answer. */
  delayMs?: number;
  /** Close the connection on the next request instead of answering. */
  hangUp?: boolean;
}

export interface FakeUpsd {
  port: number;
  /** Every request line received, in order (PASSWORD lines included: it is a test peer). */
  requests: string[];
  connections(): number;
  behave(behaviour: FakeUpsdBehaviour): void;
  /** Drops every open connection now. */
  dropAll(): void;
  close(): Promise<void>;
}

/** A fake upsd on 127.0.0.1 (port 0 = any) serving one UPS from a simulator; upsd's answers and error codes. */
export async function startFakeUpsd(options: { simulator: UpsSimulator; upsName?: string; port?: number; users?: Record<string, string> }): Promise<FakeUpsd> {
  const upsName = options.upsName ?? 'ups';
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  let behaviour: FakeUpsdBehaviour = {};

  const answer = (words: string[], session: { user: string | null; password: string | null }): string[] => {
    const [cmd, sub, ups, name] = words;
    if (cmd === 'LOGOUT') return ['OK Goodbye'];
    if (cmd === 'USERNAME') {
      if (session.user !== null) return ['ERR ALREADY-SET-USERNAME'];
      session.user = sub ?? '';
      return ['OK'];
    }
    if (cmd === 'PASSWORD') {
      if (session.password !== null) return ['ERR ALREADY-SET-PASSWORD'];
      session.password = sub ?? '';
      return ['OK'];
    }
    if (cmd === 'LOGIN') {
      if (sub !== upsName) return ['ERR UNKNOWN-UPS'];
      const users = options.users ?? {};
      return session.user !== null && users[session.user] === session.password ? ['OK'] : ['ERR ACCESS-DENIED'];
    }
    if (cmd === 'GET' && sub === 'VAR') {
      if (ups !== upsName) return ['ERR UNKNOWN-UPS'];
      const value = options.simulator.vars()[name ?? ''];
      return value === undefined ? ['ERR VAR-NOT-SUPPORTED'] : [`VAR ${upsName} ${name} ${quoted(value)}`];
    }
    if (cmd === 'LIST' && sub === 'VAR') {
      if (ups !== upsName) return ['ERR UNKNOWN-UPS'];
      const vars = Object.entries(options.simulator.vars()).map(([k, v]) => `VAR ${upsName} ${k} ${quoted(v)}`);
      return [`BEGIN LIST VAR ${upsName}`, ...vars, `END LIST VAR ${upsName}`];
    }
    return ['ERR UNKNOWN-COMMAND'];
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    const session = { user: null as string | null, password: null as string | null };
    let buffer = '';
    let chain = Promise.resolve();
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        requests.push(line);
        // Answers go out in order, each after the configured delay.
        chain = chain.then(async () => {
          const now = { ...behaviour };
          if (now.delayMs) await new Promise((resolve) => setTimeout(resolve, now.delayMs));
          if (socket.destroyed) return;
          if (now.hangUp) return void socket.destroy();
          if (now.garbage != null) return void socket.write(`${now.garbage}\n`);
          const reply = answer(splitNutLine(line) ?? [], session);
          socket.write(reply.map((l) => `${l}\n`).join(''));
          if (line === 'LOGOUT') socket.end();
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    connections: () => sockets.size,
    behave(next) {
      behaviour = { ...next };
    },
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
