import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdgeApp } from '../../api/edge/edge-app.js';
import { feedEdgeWebSocket } from '../../api/edge/edge-ws.js';
import { refuseUnclaimedUpgrades, WsHub } from '../../api/http/ws-hub.js';
import type { EdgeSystem } from './system.js';

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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(system.config.server.port, system.config.server.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    hub,
    async close() {
      unfeed();
      hub.close();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    /** Stops accepting requests but lets in-flight ones finish. */
    stopAccepting() {
      server.close();
      server.closeIdleConnections();
    },
  };
}

export type EdgeServer = Awaited<ReturnType<typeof startEdgeServer>>;
