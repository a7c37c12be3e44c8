import { describeRoute } from '../http/openapi/route-description.js';
import { productionQuery } from './dashboard.routes.js';

/** The OpenAPI descriptions of dashboard.routes.ts (validated with the same zod schemas). */
export const dashboardRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/dashboard/overview',
    summary: 'Get dashboard statistics.',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/dashboard/production',
    summary: 'Bottles per line and local hour of a day (today in the company time zone by default).',
    access: 'OPERATOR',
    query: productionQuery,
  }),
];
