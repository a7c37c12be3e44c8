import { createSimServer, type SimServer } from './sim-server.js';
import { zplFields } from './templates.js';
import { formatHostStatus, type HostStatus } from './zebra-host-status.js';

/**
 * A Zebra on loopback: takes ^XA…^XZ formats into a receive buffer and prints one every `printMs`
 * while nothing stops it; answers ~HS at once (ahead of the buffer, as a Zebra does) and empties the buffer on ~JA. It can jam
 * (head open), run out of ribbon or paper, pause, go offline and come back, be slow, and send
 * garbage. `printed` holds the field data of every label it printed, ^FH escapes decoded.
 */
export interface ZebraSimulator {
  sim: SimServer;
  port: number;
  printed: string[][];
  buffered(): number;
  jam(): void;
  inkOut(): void;
  paperOut(): void;
  pause(): void;
  /** Clears every fault and resumes printing. */
  clear(): void;
  garbage(data?: string): void;
  stop(): Promise<void>;
}

export async function startZebraSimulator(options: { port?: number; printMs?: number } = {}): Promise<ZebraSimulator> {
  const printMs = options.printMs ?? 20;
  const state = { headUp: false, ribbonOut: false, paperOut: false, paused: false };
  const buffer: string[] = [];
  const printed: string[][] = [];
  let timer: NodeJS.Timeout | null = null;

  const status = (): HostStatus => ({
    ...state,
    formatsInBuffer: buffer.length,
    bufferFull: buffer.length >= 100,
    partialFormat: false,
    labelsRemaining: buffer.length > 0 ? 1 : 0,
    overTemperature: false,
  });
  const canPrint = () => !state.headUp && !state.ribbonOut && !state.paperOut && !state.paused;
  const schedule = () => {
    if (timer || buffer.length === 0 || !canPrint()) return;
    timer = setTimeout(() => {
      timer = null;
      if (!canPrint()) return;
      const format = buffer.shift()!;
      printed.push(zplFields(format));
      schedule();
    }, printMs);
    timer.unref();
  };

  const sim = createSimServer((socket, reply) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      for (;;) {
        const tilde = text.search(/~(HS|JA)/);
        const xa = text.indexOf('^XA');
        if (tilde !== -1 && (xa === -1 || tilde < xa)) {
          const command = text.slice(tilde, tilde + 3);
          text = text.slice(0, tilde) + text.slice(tilde + 3);
          if (command === '~JA') buffer.length = 0;
          else reply(formatHostStatus(status()));
          continue;
        }
        if (xa === -1) break;
        const xz = text.indexOf('^XZ', xa);
        if (xz === -1) break;
        buffer.push(text.slice(xa, xz + 3));
        text = text.slice(xz + 3);
        schedule();
      }
      if (text.length > 65_536) text = '';
    });
  }, '127.0.0.1', options.port ?? 0);
  const port = await sim.online();

  const fault = (key: keyof typeof state) => () => {
    state[key] = true;
  };
  return {
    sim,
    port,
    printed,
    buffered: () => buffer.length,
    jam: fault('headUp'),
    inkOut: fault('ribbonOut'),
    paperOut: fault('paperOut'),
    pause: fault('paused'),
    clear() {
      Object.assign(state, { headUp: false, ribbonOut: false, paperOut: false, paused: false });
      schedule();
    },
    garbage(data = 'garbage\u0007\u00ff!\r\n') {
      sim.broadcast(data);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      await sim.stop();
    },
  };
}
