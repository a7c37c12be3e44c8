import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createEdgeApp } from '../../api/edge/edge-app.js';
import { feedEdgeWebSocket } from '../../api/edge/edge-ws.js';
import { refuseUnclaimedUpgrades, WsHub } from '../../api/http/ws-hub.js';
import type { EdgeSystem } from './system.js';

// A client that never finishes its request (or a WebSocket peer that never answers the close)
// must not hold a stop open for ever.
const CLOSE_GRACE_MS = 5_000;

/** HTTP + WebSocket front of a running edge system. */
export async function startEdgeServer(system: EdgeSystem) {
  const app = createEdgeApp(system);
  const server = http.createServer(app.callback());
  // Keep-alive sockets must not hold shutdown hostage.
  server.keepAliveTimeout = 5_000;
  const hub = new WsHub({ path: '/ws', issuer: system.tokens, logger: system.logger });
  hub.attach(server);
  refuseUnclaimedUpgrades(server, ['/ws']);
  const unfeed = feedEdgeWebSocket(system.bus, hub);

  // Once stopping, every response closes its connection: a keep-alive socket must neither hold
  // the stop open nor carry a new request to a server that is going away.
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
    server.listen(system.config.server.port, system.config.server.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    hub,
    /** Waits for the requests in progress to be answered (at most CLOSE_GRACE_MS), then closes. */
    async close() {
      unfeed();
      hub.close();
      const done = stopAccepting();
      const force = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, CLOSE_GRACE_MS);
      await done;
      clearTimeout(force);
    },
    /** Stops accepting connections; requests in progress go on and are answered. */
    stopAccepting() {
      void stopAccepting();
    },
  };
}

export type EdgeServer = Awaited<ReturnType<typeof startEdgeServer>>;
