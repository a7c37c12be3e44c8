import net from 'node:net';
import { createActor, sendTo, setup, type Actor } from 'xstate';
import { tcpScannerTransport, type TcpScannerConfig, type TransportEvent } from '../../../adapters/scanners/tcp-transport.js';

type HarnessEvent =
  | TransportEvent
  | { type: 'WRITE'; data: string }
  | { type: 'TRIGGER' }
  | { type: 'RESTART' }
  | { type: 'STOP' };

/**
 * A minimal owner for the transport: callback logic needs a parent to sendBack to. It records
 * every transport event and lets a test write, trigger, stop and re-invoke (as a scanner machine
 * does after its backoff).
 */
export function createTransportHarness(config: TcpScannerConfig) {
  const events: TransportEvent[] = [];
  const waiters = new Set<() => void>();
  const machine = setup({
    types: { events: {} as HarnessEvent },
    actors: { transport: tcpScannerTransport },
  }).createMachine({
    initial: 'running',
    states: {
      running: {
        invoke: { id: 'transport', src: 'transport', input: config },
        on: {
          WRITE: { actions: sendTo('transport', ({ event }) => ({ type: 'transport.write' as const, data: event.data })) },
          TRIGGER: { actions: sendTo('transport', { type: 'transport.trigger' as const }) },
          RESTART: { target: 'running', reenter: true },
          STOP: 'stopped',
        },
      },
      stopped: { on: { RESTART: 'running' } },
    },
    on: {
      'transport.*': {
        actions: ({ event }) => {
          events.push(event as TransportEvent);
          for (const w of [...waiters]) w();
        },
      },
    },
  });
  const actor: Actor<typeof machine> = createActor(machine);
  actor.subscribe({ error: (err) => console.error('harness error', err) });
  actor.start();

  /** Resolves with the first event at index >= from matching the predicate. */
  function waitFor<T extends TransportEvent['type']>(
    type: T,
    from = 0,
    timeoutMs = 5000,
  ): Promise<Extract<TransportEvent, { type: T }> & { index: number }> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const index = events.findIndex((e, i) => i >= from && e.type === type);
        if (index < 0) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve({ ...(events[index] as Extract<TransportEvent, { type: T }>), index });
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${type} after index ${from}; got ${JSON.stringify(events)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  /** Resolves once `count` frame events exist at index >= from. */
  function waitForFrames(count: number, from = 0, timeoutMs = 5000): Promise<TransportEvent[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const frames = events.slice(from).filter((e) => e.type === 'transport.frame');
        if (frames.length < count) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(frames);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`expected ${count} frames after ${from}; got ${JSON.stringify(events)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  return { actor, events, waitFor, waitForFrames, send: (e: HarnessEvent) => actor.send(e) };
}

/** A loopback TCP server standing in for a reader in connect mode; tracks its sockets. */
export async function startFakeScanner(port = 0): Promise<{
  port: number;
  server: net.Server;
  sockets: Set<net.Socket>;
  nextSocket(): Promise<net.Socket>;
  close(): Promise<void>;
}> {
  const server = net.createServer();
  const sockets = new Set<net.Socket>();
  const pending: Array<(s: net.Socket) => void> = [];
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    pending.shift()?.(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    server,
    sockets,
    nextSocket: () => {
      const existing = [...sockets].at(-1);
      return existing ? Promise.resolve(existing) : new Promise((resolve) => pending.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export { freePort } from '../../support/free-port.js';

export function connectClient(port: number, localAddress?: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export function collect(socket: net.Socket): { text: () => string; until(sub: string, timeoutMs?: number): Promise<string> } {
  let data = '';
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString('utf8');
    for (const w of [...waiters]) w();
  });
  return {
    text: () => data,
    until: (sub, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!data.includes(sub)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(data);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`did not receive ${JSON.stringify(sub)}; got ${JSON.stringify(data)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

export const tick = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
