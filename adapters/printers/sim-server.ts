import net from 'node:net';

/**
 * The TCP side every printer simulator shares: listens on loopback, and can go offline the two
 * ways a real printer does — `refuse` (powered off: the port is closed, connects are refused) and
 * `close` (firmware busy / rebooting: connections are accepted and dropped at once) — and come back
 * on the same port. `delayMs` makes it a slow peer: every reply is held that long.
 */
export interface SimServer {
  readonly port: number;
  readonly connections: number;
  /** Starts (or restarts, after offline) on the same port; port 0 the first time = any free port. */
  online(): Promise<number>;
  offline(mode?: 'refuse' | 'close'): Promise<void>;
  /** Writes to every connected client (after delayMs). */
  broadcast(data: string | Buffer): void;
  delayMs: number;
  /** Replies actually written so far (after their delay). */
  readonly written: number;
  stop(): Promise<void>;
}

export function createSimServer(onConnection: (socket: net.Socket, reply: (data: string | Buffer) => void) => void, host = '127.0.0.1', port = 0): SimServer {
  let server: net.Server | null = null;
  let dropping = false;
  const sockets = new Set<net.Socket>();
  let currentPort = port;
  let written = 0;

  const replier = (socket: net.Socket) => (data: string | Buffer) => {
    const write = () => {
      if (socket.destroyed) return;
      socket.write(data);
      written++;
    };
    if (sim.delayMs > 0) setTimeout(write, sim.delayMs).unref();
    else write();
  };

  const sim: SimServer = {
    delayMs: 0,
    get port() {
      return currentPort;
    },
    get written() {
      return written;
    },
    get connections() {
      return sockets.size;
    },
    async online() {
      dropping = false;
      if (server) return currentPort;
      const listening = net.createServer((socket) => {
        if (dropping) {
          socket.destroy();
          return;
        }
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
        onConnection(socket, replier(socket));
      });
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(currentPort, host, () => resolve());
      });
      server = listening;
      currentPort = (listening.address() as net.AddressInfo).port;
      return currentPort;
    },
    async offline(mode = 'refuse') {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (mode === 'close') {
        dropping = true;
        return;
      }
      const closing = server;
      server = null;
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    broadcast(data) {
      for (const socket of sockets) replier(socket)(data);
    },
    async stop() {
      await sim.offline('refuse');
    },
  };
  return sim;
}
