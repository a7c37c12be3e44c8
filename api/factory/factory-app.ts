import type Koa from 'koa';
import type { FactorySystem } from '../../src/factory/system.js';
import { createHttpApp } from '../http/app.js';
import { acceptedByAny } from '../http/body-parsing.js';
import { loginRoutes } from '../http/login.routes.js';
import { userRoutes } from '../http/users.routes.js';
import { auditRoutes } from './audit.routes.js';
import { connectionRoutes } from './connection.routes.js';
import { dashboardRoutes } from './dashboard.routes.js';
import type { DeviceHub } from './device-hub.js';
import { deviceRoutes } from './devices.routes.js';
import { auditForbidden } from './forbidden-audit.js';
import { syncRoutes } from './sync.routes.js';
import { systemRoutes } from './system.routes.js';
import { staticUi } from '../http/static-ui.js';
import { docsRoutes } from '../http/openapi/docs.routes.js';
import { packageVersion } from '../../src/runtime/cli.js';
import { factoryOpenApiDocument } from './factory-openapi.js';

/** The factory's HTTP API: the shared Koa shell plus one router per resource. */
export function createFactoryApp(system: FactorySystem, hub: Pick<DeviceHub, 'connected' | 'isConnected'>): Koa {
  const app = createHttpApp({
    logger: system.logger,
    jsonLimitBytes: system.config.server.bodyLimitKb * 1024,
    // Users and devices (sync, heartbeat) send bodies; anyone else's is never read.
    bodyGate: { accepts: acceptedByAny(system.tokens, system.deviceTokens), publicRoutes: ['POST /api/v1/auth/login'] },
  });
  app.use(auditForbidden(system));
  app.use(staticUi('factory-console'));
  const routers = [
    docsRoutes(() => factoryOpenApiDocument(packageVersion())),
    systemRoutes(system),
    loginRoutes({ ...system.security, logger: system.logger }),
    userRoutes(system.security),
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
