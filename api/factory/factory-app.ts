import type Koa from 'koa';
import type { FactorySystem } from '../../src/factory/system.js';
import { createHttpApp } from '../http/app.js';
import { loginRoutes } from '../http/login.routes.js';
import { recordAudit } from '../../adapters/store/factory/audit-log.js';
import { auditRoutes } from './audit.routes.js';
import { connectionRoutes } from './connection.routes.js';
import { dashboardRoutes } from './dashboard.routes.js';
import type { DeviceHub } from './device-hub.js';
import { deviceRoutes } from './devices.routes.js';
import { syncRoutes } from './sync.routes.js';
import { systemRoutes } from './system.routes.js';
import { staticUi } from '../http/static-ui.js';

/** The factory's HTTP API: the shared Koa shell plus one router per resource. */
export function createFactoryApp(system: FactorySystem, hub: Pick<DeviceHub, 'connected' | 'isConnected'>): Koa {
  const app = createHttpApp({ logger: system.logger, jsonLimitBytes: system.config.server.bodyLimitKb * 1024 });
  const login = loginRoutes({
    ...system,
    onAttempt: ({ username, ip, user }) =>
      recordAudit(system.db, {
        actor: user ? { userId: user.id, username: user.username } : { system: 'login' },
        action: 'auth.login',
        entityType: 'user',
        entityId: user?.id ?? null,
        outcome: user ? 'success' : 'failure',
        detail: user ? `from ${ip}` : `unknown user or wrong password for "${username.slice(0, 64)}" from ${ip}`,
      }),
  });
  app.use(staticUi('factory-console'));
  const routers = [
    systemRoutes(system),
    login,
    deviceRoutes(system, hub),
    syncRoutes(system),
    connectionRoutes(system),
    dashboardRoutes(system),
    auditRoutes(system),
    ...system.extensions.flatMap((extension) => extension.routes ?? []),
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
