import type Router from '@koa/router';
import type Koa from 'koa';
import type { Logger } from '../../src/runtime/logger.js';
import { createHttpApp } from '../http/app.js';
import { acceptedByAny } from '../http/body-parsing.js';
import { type LoginDeps, loginRoutes } from '../http/login.routes.js';
import { type UserRouteDeps, userRoutes } from '../http/users.routes.js';
import { type AuditRoutesDeps, auditRoutes } from './audit.routes.js';
import { type ConnectionRoutesDeps, connectionRoutes } from './connection.routes.js';
import { type DashboardRoutesDeps, dashboardRoutes } from './dashboard.routes.js';
import type { DeviceHub } from './device-hub.js';
import { type DeviceRoutesDeps, deviceRoutes } from './devices.routes.js';
import { auditForbidden } from './forbidden-audit.js';
import { type SyncRoutesDeps, syncRoutes } from './sync.routes.js';
import { type SystemRoutesDeps, systemRoutes } from './system.routes.js';
import { staticUi } from '../http/static-ui.js';
import { docsRoutes } from '../http/openapi/docs.routes.js';
import { packageVersion } from '../../src/runtime/cli.js';
import { factoryOpenApiDocument } from './factory-openapi.js';
import type { WithDatabase } from './factory-deps.js';

/** What the factory's HTTP API needs: what each of its routers declares, and the shell's own (src/factory/server.ts passes the system). */
export type FactoryAppDeps = SystemRoutesDeps &
  DeviceRoutesDeps &
  SyncRoutesDeps &
  ConnectionRoutesDeps &
  DashboardRoutesDeps &
  AuditRoutesDeps &
  WithDatabase & {
    logger: Logger;
    config: { server: { bodyLimitKb: number } };
    security: Omit<LoginDeps, 'logger'> & UserRouteDeps;
    /** The features' routers (src/factory/extensions.ts). */
    extensions: ReadonlyArray<{ routes?: Router[] }>;
  };

/** The factory's HTTP API: the shared Koa shell plus one router per resource. */
export function createFactoryApp(system: FactoryAppDeps, hub: Pick<DeviceHub, 'connected' | 'isConnected'>): Koa {
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
