import { docsRoutesDescribed } from '../http/openapi/docs.routes.js';
import { epcisRoutesDescribed } from '../http/epcis.openapi.js';
import { buildOpenApiDocument } from '../http/openapi/document.js';
import type { RouteDescription } from '../http/openapi/route-description.js';
import { loginRoutesDescribed } from '../http/login.openapi.js';
import { metricsRoutesDescribed } from '../http/metrics.openapi.js';
import { usersRoutesDescribed } from '../http/users.openapi.js';
import { auditRoutesDescribed } from './audit.openapi.js';
import { catalogsRoutesDescribed } from './catalogs.openapi.js';
import { commandsRoutesDescribed } from './commands.openapi.js';
import { connectionRoutesDescribed } from './connection.openapi.js';
import { dashboardRoutesDescribed } from './dashboard.openapi.js';
import { deviceConfigRoutesDescribed } from './device-config.openapi.js';
import { devicesRoutesDescribed } from './devices.openapi.js';
import { duplicatesRoutesDescribed } from './duplicates.openapi.js';
import { firmwareDeploymentsRoutesDescribed } from './firmware-deployments.openapi.js';
import { firmwareReleasesRoutesDescribed } from './firmware-releases.openapi.js';
import { groupsRoutesDescribed } from './groups.openapi.js';
import { syncRoutesDescribed } from './sync.openapi.js';
import { systemRoutesDescribed } from './system.openapi.js';

/**
 * Every route the factory mounts, described (test/api/factory/openapi.test.ts fails on a mounted
 * route missing here). A new routes file adds its `*.openapi.ts` list to this one array.
 */
export const factoryRouteDescriptions: readonly RouteDescription[] = [
  ...docsRoutesDescribed,
  ...metricsRoutesDescribed,
  ...systemRoutesDescribed,
  ...loginRoutesDescribed,
  ...usersRoutesDescribed,
  ...devicesRoutesDescribed,
  ...syncRoutesDescribed,
  ...connectionRoutesDescribed,
  ...dashboardRoutesDescribed,
  ...auditRoutesDescribed,
  // Extensions (src/factory/*/…extension.ts)
  ...catalogsRoutesDescribed,
  ...deviceConfigRoutesDescribed,
  ...firmwareReleasesRoutesDescribed,
  ...firmwareDeploymentsRoutesDescribed,
  ...groupsRoutesDescribed,
  ...commandsRoutesDescribed,
  ...duplicatesRoutesDescribed,
  ...epcisRoutesDescribed,
];

export const factoryOpenApiDocument = (version: string) =>
  buildOpenApiDocument({
    title: 'OKTO Traceability factory server',
    version,
    description:
      'The API of one site (port 8081): devices, sync from the lines, fleet commands, firmware, the dashboard. Answers are `{ success: true, data }` or `{ success: false, error: { code, message, details? } }`. Users sign in with POST /api/v1/auth/login; devices send the token issued at enrolment.',
    routes: factoryRouteDescriptions,
  });
