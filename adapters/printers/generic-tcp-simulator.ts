import type { GenericParams } from './printers-config.js';
import { genericParamsSchema } from './printers-config.js';
import { FrameDecoder } from '../scanners/frame-decoder.js';
import { frameBytes } from './generic-tcp.js';
import { createSimServer, type SimServer } from './sim-server.js';

/**
 * A line-protocol printer on loopback, framed like the generic driver is configured: each frame is
 * a print, answered with the ack after `printMs`, or at once with `ERR JAM` / `ERR INK OUT` /
 * `ERR PAUSED` while faulted; the status command is answered with the ack or the fault. It can go
 * offline and come back, be slow, and send garbage. `printed` holds every printed frame's text.
 */
export interface GenericTcpSimulator {
  sim: SimServer;
  port: number;
  printed: string[];
  jam(): void;
  inkOut(): void;
  pause(): void;
  clear(): void;
  garbage(data?: string): void;
  stop(): Promise<void>;
}

export async function startGenericTcpSimulator(options: { port?: number; printMs?: number; params?: Partial<GenericParams> } = {}): Promise<GenericTcpSimulator> {
  const params = genericParamsSchema.parse(options.params ?? {});
  const printMs = options.printMs ?? 10;
  let fault: string | null = null;
  const printed: string[] = [];
  const sim = createSimServer((socket, reply) => {
    const decoder = new FrameDecoder({ suffix: params.framing.suffix, ...(params.framing.prefix ? { prefix: params.framing.prefix } : {}), noRead: [], maxFrameBytes: 65_536 });
    const answer = (text: string) => reply(frameBytes(params.framing, text));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.kind !== 'code') continue;
        if (params.statusCommand && frame.text === params.statusCommand) answer(fault ? `ERR ${fault}` : params.ackString);
        else if (fault) answer(`ERR ${fault}`);
        else
          setTimeout(() => {
            printed.push(frame.text);
            answer(params.ackString);
          }, printMs).unref();
      }
    });
  }, '127.0.0.1', options.port ?? 0);
  const port = await sim.online();
  return {
    sim,
    port,
    printed,
    jam: () => void (fault = 'JAM'),
    inkOut: () => void (fault = 'INK OUT'),
    pause: () => void (fault = 'PAUSED'),
    clear: () => void (fault = null),
    garbage(data = 'garbage!\r\n') {
      sim.broadcast(data);
    },
    async stop() {
      await sim.stop();
    },
  };
}
