import net from 'node:net';

/**
 * A Cognex DataMan as seen over DMCC (telnet, TCP 23) on loopback, for tests and the line
 * simulator: answers `||>GET DEVICE.NAME` with its name, `||>TRIGGER ON` with the next queued
 * code (or its no-read string), and can push codes unprompted (continuous/external trigger).
 * Silent response mode (the reader's default): answers are bare lines ending in CRLF.
 */

export interface DmccSimulatorOptions {
  deviceName?: string;
  noRead?: string;
  /** Answer in extended mode (`||[0]value`) instead of silent. */
  extended?: boolean;
}

export async function startDmccSimulator(options: DmccSimulatorOptions = {}) {
  const deviceName = options.deviceName ?? 'DM262-SIM';
  const noRead = options.noRead ?? 'NoRead';
  const queue: string[] = [];
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const answer = (value: string) => (options.extended ? `||[0]${value}\r\n` : `${value}\r\n`);

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let at: number;
      while ((at = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, at).replace(/\r$/, '');
        buffer = buffer.slice(at + 1);
        const match = /^\|\|(?:[01](?::\d+)?)?>(.*)$/.exec(line);
        if (!match) continue;
        const command = match[1]!.trim();
        commands.push(command);
        const upper = command.toUpperCase();
        if (upper === 'GET DEVICE.NAME') socket.write(answer(deviceName));
        else if (upper === 'TRIGGER ON') socket.write(`${queue.shift() ?? noRead}\r\n`);
        else if (options.extended) socket.write('||[101]\r\n');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as net.AddressInfo).port,
    deviceName,
    /** Commands received (without header and footer), in order. */
    commands,
    /** Codes the next triggers read, in order. */
    queue,
    connections: () => sockets.size,
    /** Sends a read result unprompted, as a reader in continuous or hardware-trigger mode does. */
    push(code: string) {
      for (const socket of sockets) socket.write(`${code}\r\n`);
    },
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type DmccSimulator = Awaited<ReturnType<typeof startDmccSimulator>>;
