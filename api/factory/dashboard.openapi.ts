import { describeRoute } from '../http/openapi/route-description.js';

/** The OpenAPI descriptions of dashboard.routes.ts (validated with the same zod schemas). */
export const dashboardRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/dashboard/overview',
    summary: 'Get dashboard statistics.',
    access: 'OPERATOR',
  }),
];
