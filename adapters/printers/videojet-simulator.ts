import { createSimServer, type SimServer } from './sim-server.js';
import { encodeCommand, formatStatus, splitMessage } from './videojet-protocol.js';

/**
 * A Videojet-style printer on loopback (protocol in videojet-protocol.ts): ACKs job data, then
 * "prints" the next product after `printMs` (PRS, PRC); refuses data with ERR while faulted and
 * announces a fault that strikes mid-print with FLT instead of PRC. It can jam, run out of ink,
 * pause, go offline and come back, be slow, and send garbage. `printed` holds the job data of
 * every completed print.
 */
export interface VideojetSimulator {
  sim: SimServer;
  port: number;
  printed: Array<Record<string, string>>;
  selectedJob: string | null;
  jam(): void;
  inkOut(): void;
  pause(): void;
  clear(): void;
  /** Stop sending PRC (a printer whose product sensor never fires). */
  withholdComplete: boolean;
  garbage(data?: string): void;
  stop(): Promise<void>;
}

export async function startVideojetSimulator(options: { port?: number; printMs?: number } = {}): Promise<VideojetSimulator> {
  const printMs = options.printMs ?? 20;
  const faults = new Set<string>();
  let paused = false;
  let count = 0;
  const pending = new Set<NodeJS.Timeout>();

  const state = () => (faults.size > 0 ? 'FAULT' : paused ? 'PAUSED' : 'RUNNING');
  const sim = createSimServer((socket, reply) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      let end: number;
      while ((end = text.indexOf('\r')) !== -1) {
        const line = text.slice(0, end);
        text = text.slice(end + 1);
        handle(splitMessage(line), reply);
      }
      if (text.length > 65_536) text = '';
    });
  }, '127.0.0.1', options.port ?? 0);

  function handle([name, ...args]: string[], reply: (data: string) => void) {
    if (name === 'SEL') {
      simulator.selectedJob = args[0] ?? null;
      reply(encodeCommand('ACK'));
    } else if (name === 'GST') {
      reply(formatStatus({ state: state(), faults: [...faults], count }));
    } else if (name === 'JDU') {
      if (state() !== 'RUNNING') {
        reply(encodeCommand('ERR', [faults.size > 0 ? [...faults].join(',') : 'PAUSED']));
        return;
      }
      const data = Object.fromEntries(args.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
      reply(encodeCommand('ACK'));
      const timer = setTimeout(() => {
        pending.delete(timer);
        reply(encodeCommand('PRS'));
        if (state() !== 'RUNNING') {
          reply(encodeCommand('FLT', [faults.size > 0 ? [...faults][0]! : 'PAUSED']));
          return;
        }
        if (simulator.withholdComplete) return;
        count++;
        simulator.printed.push(data);
        reply(encodeCommand('PRC'));
      }, printMs);
      timer.unref();
      pending.add(timer);
    } else {
      reply(encodeCommand('ERR', ['unknown command']));
    }
  }

  const port = await sim.online();
  const simulator: VideojetSimulator = {
    sim,
    port,
    printed: [],
    selectedJob: null,
    withholdComplete: false,
    jam: () => void faults.add('JAM'),
    inkOut: () => void faults.add('INK_OUT'),
    pause: () => void (paused = true),
    clear() {
      faults.clear();
      paused = false;
    },
    garbage(data = '\u0001\u00fe@@garbage\r') {
      sim.broadcast(data);
    },
    async stop() {
      for (const timer of pending) clearTimeout(timer);
      await sim.stop();
    },
  };
  return simulator;
}
