import { createEdgeApp } from '../../api/edge/edge-app.js';
import { feedEdgeWebSocket, feedJournalToWebSocket } from '../../api/edge/edge-ws.js';
import { refuseUnclaimedUpgrades, WsHub } from '../../api/http/ws-hub.js';
import { observeHttp } from '../../api/http/http-metrics.js';
import { metricsRoutes } from '../../api/http/metrics.routes.js';
import { createEdgeMetrics } from './edge-metrics.js';
import { startHttpServer } from '../runtime/http-server.js';
import type { EdgeSystem } from './system.js';

/** HTTP + WebSocket front of a running edge system. */
export async function startEdgeServer(system: EdgeSystem) {
  const app = createEdgeApp(system);
  const hub = new WsHub({ path: '/ws', issuer: system.tokens, logger: system.logger });
  const metrics = system.config.metrics.enabled ? createEdgeMetrics(system, { wsClients: () => hub.clientCount }) : null;
  if (metrics) {
    observeHttp(app, metrics.registry);
    app.use(metricsRoutes(metrics.registry, system.config.metrics).routes());
  }
  const http = await startHttpServer(app.callback(), system.config.server, (server) => {
    hub.attach(server);
    refuseUnclaimedUpgrades(server, ['/ws']);
  }, system.logger);
  const unfeedBus = feedEdgeWebSocket(system.bus, hub);
  const unfeedJournal = feedJournalToWebSocket(system.journal, hub);
  const unfeed = () => {
    unfeedBus();
    unfeedJournal();
  };

  return {
    port: http.port,
    hub,
    /** The Prometheus registry behind GET /metrics (null when metrics.enabled is false). */
    metrics: metrics?.registry ?? null,
    /** Waits for the requests in progress to be answered (at most a few seconds), then closes. */
    async close() {
      unfeed();
      metrics?.dispose();
      hub.close();
      await http.close();
    },
    /** Stops accepting connections; requests in progress go on and are answered. */
    stopAccepting: http.stopAccepting,
  };
}

export type EdgeServer = Awaited<ReturnType<typeof startEdgeServer>>;
