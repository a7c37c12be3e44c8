import { describeRoute } from '../http/openapi/route-description.js';

/** The OpenAPI descriptions of reject-loop.routes.ts (validated with the same zod schemas). */
export const rejectLoopRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/reject-loop/status',
    summary: 'Status',
    access: 'OPERATOR',
  }),
];
