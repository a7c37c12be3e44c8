import type { FactoryEvent } from '../../machines/factory/factory-events.js';
import type { EventBus } from '../../src/runtime/event-bus.js';
import type { Logger } from '../../src/runtime/logger.js';
import type { WithQueries } from './factory-deps.js';
import type { WsHub } from '../http/ws-hub.js';

/** What the dashboard feed needs from the factory. */
export type DashboardFeedDeps = WithQueries & {
  bus: EventBus<FactoryEvent>;
  productionRate: { bottlesPerMinute(): number };
  logger: Logger;
  config: { dashboard: { metricsIntervalMs: number } };
};

/**
 * `/ws/dashboard`: `device_status` on every change of a device's state or of what it reports,
 * and `metrics` at a steady cadence (only while someone is watching).
 */
export function feedDashboard(system: DashboardFeedDeps, hub: WsHub): () => void {
  const iso = (at: number) => new Date(at).toISOString();
  const offs = [
    system.bus.subscribe('dashboard.push', (event) => hub.broadcast(event.message)),
    system.bus.subscribe('device.statusChanged', (event) =>
      hub.broadcast({ type: 'device_status', data: { deviceId: event.deviceId, status: event.status, previous: event.previous, at: iso(event.at) } }),
    ),
    system.bus.subscribe('device.reported', (event) =>
      hub.broadcast({ type: 'device_status', data: { deviceId: event.deviceId, status: event.status, reported: event.reported, at: iso(event.at) } }),
    ),
    // Supervision you can see: an actor the supervisor gave up on, and one started again.
    system.bus.subscribe('supervisor.childFailed', (event) => hub.broadcast({ type: 'actor', data: { id: event.id, status: 'FAILED', error: event.error } })),
    system.bus.subscribe('supervisor.childRestarted', (event) =>
      hub.broadcast({ type: 'actor', data: { id: event.id, status: 'RUNNING', attempt: event.attempt, manual: event.manual === true, error: event.error ?? null } }),
    ),
  ];

  const metrics = setInterval(() => {
    if (hub.clientCount === 0) return;
    system.queries.dashboard
      .overview(new Date())
      .then((today) =>
        hub.broadcast({
          type: 'metrics',
          data: { bottlesPerMinute: system.productionRate.bottlesPerMinute(), batchesCompleted: today.batchesCompletedToday, bottlesToday: today.bottlesToday, at: new Date().toISOString() },
        }),
      )
      .catch((error: unknown) => system.logger.warn({ err: error }, 'dashboard metrics query failed'));
  }, system.config.dashboard.metricsIntervalMs);
  metrics.unref();

  return () => {
    clearInterval(metrics);
    offs.forEach((off) => off());
  };
}
