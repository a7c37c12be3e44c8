import { createFactoryApp } from '../../api/factory/factory-app.js';
import { feedDashboard } from '../../api/factory/dashboard-ws.js';
import { DeviceHub } from '../../api/factory/device-hub.js';
import { refuseUnclaimedUpgrades, WsHub } from '../../api/http/ws-hub.js';
import { observeHttp } from '../../api/http/http-metrics.js';
import { metricsRoutes } from '../../api/http/metrics.routes.js';
import { createFactoryMetrics } from './factory-metrics.js';
import type { ChannelPayload } from '../domain/device-channel.js';
import { startHttpServer } from '../runtime/http-server.js';
import type { FactorySystem } from './system.js';

export const DEVICE_CHANNEL_PATH = '/ws/device';
export const DASHBOARD_PATH = '/ws/dashboard';

/**
 * HTTP + WebSocket front of a running factory system: the REST API, the device channel (what an
 * edge says is a sign of life for its session; settings changes are pushed to every edge), and
 * the dashboard feed.
 */
export async function startFactoryServer(system: FactorySystem) {
  // One feature failing on a message must not keep it from the others, nor drop the device.
  const guarded = (name: string, run: () => void) => {
    try {
      run();
    } catch (error) {
      system.logger.error({ err: error, extension: name }, 'extension failed on a device event');
    }
  };
  const devices = new DeviceHub({
    path: DEVICE_CHANNEL_PATH,
    issuer: system.deviceTokens,
    isCurrent: system.registry.isCurrent,
    logger: system.logger,
    welcome: () => ({ heartbeatIntervalMs: system.config.devices.heartbeatIntervalMs, settings: system.settings() }),
    onOpen: (deviceId) => {
      system.presence.channelOpened(deviceId);
      for (const extension of system.extensions) guarded(extension.name, () => extension.onDeviceConnected?.(deviceId));
    },
    onClose: (deviceId) => {
      system.presence.channelClosed(deviceId);
      for (const extension of system.extensions) guarded(extension.name, () => extension.onDeviceDisconnected?.(deviceId));
    },
    onMessage: (deviceId, message) => {
      if (message.type === 'hello' || message.type === 'heartbeat' || message.type === 'status') {
        system.presence.heartbeat(deviceId, (message.payload as ChannelPayload<'heartbeat'>).status);
        return;
      }
      for (const extension of system.extensions) guarded(extension.name, () => extension.onDeviceMessage?.(deviceId, message));
    },
  });
  system.attachChannel(devices);
  const dashboard = new WsHub({ path: DASHBOARD_PATH, issuer: system.tokens, logger: system.logger });
  const offs = [
    system.registry.onRevoked((deviceId) => devices.revoke(deviceId)),
    system.bus.subscribe('connection.settingsChanged', ({ settings }) => devices.broadcast('settings', settings)),
    feedDashboard(system, dashboard),
  ];

  const app = createFactoryApp(system, devices);
  const metrics = system.config.metrics.enabled
    ? createFactoryMetrics(system, { dashboardClients: () => dashboard.clientCount, deviceChannels: () => devices.connected().length })
    : null;
  if (metrics) {
    observeHttp(app, metrics.registry);
    app.use(metricsRoutes(metrics.registry, system.config.metrics).routes());
  }
  const http = await startHttpServer(app.callback(), system.config.server, (server) => {
    devices.attach(server);
    dashboard.attach(server);
    refuseUnclaimedUpgrades(server, [DEVICE_CHANNEL_PATH, DASHBOARD_PATH]);
  }, system.logger);

  return {
    port: http.port,
    devices,
    dashboard,
    /** The Prometheus registry behind GET /metrics (null when metrics.enabled is false). */
    metrics: metrics?.registry ?? null,
    stopAccepting: http.stopAccepting,
    async close() {
      offs.forEach((off) => off());
      metrics?.dispose();
      devices.close();
      dashboard.close();
      await http.close();
    },
  };
}

export type FactoryServer = Awaited<ReturnType<typeof startFactoryServer>>;
