import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from './logger.js';
import { answerClientError } from './raw-http-refusal.js';

// A client that never finishes its request (or a WebSocket peer that never answers the close)
// must not hold a stop open for ever.
const CLOSE_GRACE_MS = 5_000;

/**
 * An HTTP server that stops in two steps, as both services need: `stopAccepting()` refuses new
 * connections while the requests in progress go on and are answered; `close()` waits for them
 * (at most CLOSE_GRACE_MS) and then closes. Once stopping, every response closes its connection,
 * so a keep-alive socket neither holds the stop open nor carries a new request.
 */
export async function startHttpServer(
  handler: http.RequestListener,
  listen: { port: number; host: string },
  setup?: (server: http.Server) => void,
  logger?: Pick<Logger, 'error'>,
) {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5_000;
  // A request the parser refuses (bad request line, oversized headers, garbage) gets its 4xx and a
  // closed socket here, whatever state the socket is in.
  server.on('clientError', answerClientError);
  // WebSocket hubs attach before the first connection can arrive.
  setup?.(server);

  let stopping = false;
  const inFlight = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (_req, res: http.ServerResponse) => {
    if (stopping) res.shouldKeepAlive = false;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  let closed: Promise<void> | null = null;
  const stopAccepting = (): Promise<void> => {
    if (closed) return closed;
    stopping = true;
    for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    // Resolves once every connection has ended, i.e. every request in progress was answered.
    closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    return closed;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, a server error (an accept that fails with EMFILE under a connection flood) is
  // logged; without a listener it would be thrown and end the process.
  server.on('error', (error) => logger?.error({ err: error }, 'HTTP server error'));

  return {
    server,
    port: (server.address() as AddressInfo).port,
    stopAccepting() {
      void stopAccepting();
    },
    /** Waits for the requests in progress to be answered (at most CLOSE_GRACE_MS), then closes. */
    async close() {
      const done = stopAccepting();
      const force = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, CLOSE_GRACE_MS);
      await done;
      clearTimeout(force);
    },
  };
}
