import { describeRoute } from '../http/openapi/route-description.js';

/** The OpenAPI descriptions of sync.routes.ts (validated with the same zod schemas). */
export const syncRoutesDescribed = [
  describeRoute({
    method: 'POST',
    path: '/api/v1/sync',
    summary: 'Receive sync data from edge.',
    access: 'device',
  }),
];
