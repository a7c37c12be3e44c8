import type Koa from 'koa';
import type { EdgeSystem } from '../../src/edge/system.js';
import { createHttpApp } from '../http/app.js';
import { loginRoutes } from '../http/login.routes.js';
import { batchAccountingRoutes } from './batch-accounting.routes.js';
import { batchRoutes } from './batches.routes.js';
import { bottleRoutes } from './bottles.routes.js';
import { mockRoutes } from './mock.routes.js';
import { scannerRoutes } from './scanner.routes.js';
import { provisioningRoutes } from './provisioning.routes.js';
import { systemRoutes } from './system.routes.js';
import { upstreamRoutes } from './upstream.routes.js';
import { staticUi } from '../http/static-ui.js';

/** The edge's HTTP API: the shared Koa shell plus one router per resource. */
export function createEdgeApp(system: EdgeSystem): Koa {
  const app = createHttpApp({ logger: system.logger, jsonLimitBytes: system.config.server.bodyLimitKb * 1024 });
  app.use(staticUi('edge-hmi'));
  const routers = [
    systemRoutes(system),
    loginRoutes(system),
    bottleRoutes(system),
    batchRoutes(system),
    batchAccountingRoutes(system),
    scannerRoutes(system),
    mockRoutes(system),
    provisioningRoutes(system),
    upstreamRoutes(system),
    ...system.extensions.flatMap((extension) => extension.routes ?? []),
  ];
  for (const router of routers) {
    app.use(router.routes());
    // Not `throw: true`: that drops the Allow header; the shell turns the bare 405 into the envelope.
    app.use(router.allowedMethods());
  }
  return app;
}
