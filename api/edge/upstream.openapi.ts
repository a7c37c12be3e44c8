import { describeRoute } from '../http/openapi/route-description.js';
import { modeBody } from './upstream.routes.js';

/** The OpenAPI descriptions of upstream.routes.ts (validated with the same zod schemas). */
export const upstreamRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/connection/mode',
    summary: 'Get current connection mode.',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/connection/mode',
    summary: 'Set connection mode.',
    access: 'ADMIN',
    body: modeBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/connection/status',
    summary: 'Get connection status.',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/cloud/sync',
    summary: 'Trigger manual sync.',
    access: 'OPERATOR',
    status: 202,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/sync/status',
    summary: 'Get sync queue status.',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/sync/parked',
    summary: 'Sync items parked after permanent refusals',
    access: 'OPERATOR',
  }),
  // Mounted in a loop (`/cloud/${what}`): one description per catalog.
  ...(['lines', 'codes', 'company'] as const).map((what) =>
    describeRoute({
      method: 'GET',
      path: `/api/v1/cloud/${what}`,
      summary: `The OKTO Cloud ${what} catalog (cached; meta says where it came from and how old it is)`,
      access: 'OPERATOR',
    }),
  ),
];
