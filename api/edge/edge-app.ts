import type Koa from 'koa';
import type { EdgeSystem } from '../../src/edge/system.js';
import { createHttpApp } from '../http/app.js';
import { acceptedByAny } from '../http/body-parsing.js';
import { auditMutatingCalls } from '../http/call-audit.js';
import { loginRoutes } from '../http/login.routes.js';
import { userRoutes } from '../http/users.routes.js';
import { auditRoutes } from './audit.routes.js';
import { batchAccountingRoutes } from './batch-accounting.routes.js';
import { batchRoutes } from './batches.routes.js';
import { palletRoutes } from './pallets.routes.js';
import { bottleRoutes } from './bottles.routes.js';
import { eventRoutes } from './events.routes.js';
import { lineRoutes } from './line.routes.js';
import { mockRoutes } from './mock.routes.js';
import { scannerRoutes } from './scanner.routes.js';
import { provisioningRoutes } from './provisioning.routes.js';
import { systemRoutes } from './system.routes.js';
import { upstreamRoutes } from './upstream.routes.js';
import { staticUi } from '../http/static-ui.js';
import { docsRoutes } from '../http/openapi/docs.routes.js';
import { edgeOpenApiDocument } from './edge-openapi.js';

/**
 * Not in the audit log: production traffic (one call per bottle, recorded as scans in their own
 * tables) and the login, which writes its own aggregated entries (src/auth/login-audit.ts).
 */
const UNAUDITED_PATHS = new Set([
  '/api/v1/auth/login',
  '/api/v1/scanner/scan',
  '/api/v1/scanner/validate',
  '/api/v1/mock/scan',
  '/api/v1/mock/generate-code',
  '/api/v1/batch-accounting/verify',
]);

/** The edge's HTTP API: the shared Koa shell plus one router per resource. */
export function createEdgeApp(system: EdgeSystem): Koa {
  const app = createHttpApp({
    logger: system.logger,
    jsonLimitBytes: system.config.server.bodyLimitKb * 1024,
    bodyGate: { accepts: acceptedByAny(system.tokens), publicRoutes: ['POST /api/v1/auth/login'] },
  });
  // Every mutating call is audited (who, from where, what, outcome) without code in the routes.
  app.use(
    auditMutatingCalls({
      record: system.security.recordCall,
      onError: (error, call) => system.logger.error({ err: error, action: call.action }, 'audit entry not written'),
      skip: (ctx) => UNAUDITED_PATHS.has(ctx.path),
    }),
  );
  app.use(staticUi('edge-hmi'));
  const routers = [
    docsRoutes(() => edgeOpenApiDocument(system.version)),
    systemRoutes(system),
    loginRoutes({ ...system.security, logger: system.logger }),
    userRoutes(system.security),
    auditRoutes(system),
    bottleRoutes(system),
    eventRoutes(system),
    lineRoutes(system),
    batchRoutes(system),
    palletRoutes(system),
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
