import { describeRoute } from '../http/openapi/route-description.js';
import { simulateBody } from './ups.routes.js';

/** The OpenAPI descriptions of ups.routes.ts (validated with the same zod schemas). */
export const upsRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/ups/status',
    summary: 'Status',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/ups/test',
    summary: 'Test the UPS',
    access: 'MANAGER',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/ups/simulate',
    summary: 'Simulate a UPS event',
    access: 'ADMIN',
    body: simulateBody,
  }),
];
