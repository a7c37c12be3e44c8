import { docsRoutesDescribed } from '../http/openapi/docs.routes.js';
import { epcisRoutesDescribed } from '../http/epcis.openapi.js';
import { buildOpenApiDocument } from '../http/openapi/document.js';
import type { RouteDescription } from '../http/openapi/route-description.js';
import { loginRoutesDescribed } from '../http/login.openapi.js';
import { metricsRoutesDescribed } from '../http/metrics.openapi.js';
import { usersRoutesDescribed } from '../http/users.openapi.js';
import { auditRoutesDescribed } from './audit.openapi.js';
import { batchAccountingRoutesDescribed } from './batch-accounting.openapi.js';
import { batchesRoutesDescribed } from './batches.openapi.js';
import { palletsRoutesDescribed } from './pallets.openapi.js';
import { bottlesRoutesDescribed } from './bottles.openapi.js';
import { catalogRoutesDescribed } from './catalog.openapi.js';
import { configRoutesDescribed } from './config.openapi.js';
import { eventsRoutesDescribed } from './events.openapi.js';
import { gpioRoutesDescribed } from './gpio.openapi.js';
import { lineRoutesDescribed } from './line.openapi.js';
import { mockRoutesDescribed } from './mock.openapi.js';
import { ordersRoutesDescribed } from './orders.openapi.js';
import { plcsRoutesDescribed } from './plcs.openapi.js';
import { printersRoutesDescribed } from './printers.openapi.js';
import { provisioningRoutesDescribed } from './provisioning.openapi.js';
import { rejectLoopRoutesDescribed } from './reject-loop.openapi.js';
import { scannerRoutesDescribed } from './scanner.openapi.js';
import { scannersRoutesDescribed } from './scanners.openapi.js';
import { systemRoutesDescribed } from './system.openapi.js';
import { upsRoutesDescribed } from './ups.openapi.js';
import { upstreamRoutesDescribed } from './upstream.openapi.js';

/**
 * Every route the edge mounts, described (test/api/edge/openapi.test.ts fails on a mounted route
 * missing here). A new routes file adds its `*.openapi.ts` list to this one array.
 */
export const edgeRouteDescriptions: readonly RouteDescription[] = [
  ...docsRoutesDescribed,
  ...metricsRoutesDescribed,
  ...systemRoutesDescribed,
  ...loginRoutesDescribed,
  ...usersRoutesDescribed,
  ...auditRoutesDescribed,
  ...bottlesRoutesDescribed,
  ...eventsRoutesDescribed,
  ...lineRoutesDescribed,
  ...batchesRoutesDescribed,
  ...palletsRoutesDescribed,
  ...batchAccountingRoutesDescribed,
  ...scannerRoutesDescribed,
  ...mockRoutesDescribed,
  ...provisioningRoutesDescribed,
  ...upstreamRoutesDescribed,
  // Extensions (src/edge/*/…extension.ts)
  ...configRoutesDescribed,
  ...catalogRoutesDescribed,
  ...plcsRoutesDescribed,
  ...scannersRoutesDescribed,
  ...printersRoutesDescribed,
  ...gpioRoutesDescribed,
  ...upsRoutesDescribed,
  ...rejectLoopRoutesDescribed,
  ...epcisRoutesDescribed,
  ...ordersRoutesDescribed,
];

export const edgeOpenApiDocument = (version: string) =>
  buildOpenApiDocument({
    title: 'OKTO Traceability edge service',
    version,
    description:
      'The API of one production line (port 8080). Answers are `{ success: true, data }` or `{ success: false, error: { code, message, details? } }`. Sign in with POST /api/v1/auth/login and send `Authorization: Bearer <token>`.',
    routes: edgeRouteDescriptions,
  });
