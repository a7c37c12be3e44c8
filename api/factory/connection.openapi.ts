import { describeRoute } from '../http/openapi/route-description.js';
import { connectionSettingsPatch } from './schemas.js';

/** The OpenAPI descriptions of connection.routes.ts (validated with the same zod schemas). */
export const connectionRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/connection/settings',
    summary: 'Get global connection settings.',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/connection/settings',
    summary: 'Update global connection settings.',
    access: 'MANAGER',
    body: connectionSettingsPatch,
  }),
];
