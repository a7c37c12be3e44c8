import { describeRoute } from '../http/openapi/route-description.js';
import { indexParams, testBody } from './scanners.routes.js';
import { scannersListSchema } from '../../adapters/scanners/scanners-config.js';

/** The OpenAPI descriptions of scanners.routes.ts (validated with the same zod schemas). */
export const scannersRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/scanners',
    summary: 'List the scanners',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/scanners',
    summary: 'Replace the scanners',
    access: 'ADMIN',
    body: scannersListSchema,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/scanners/:index/status',
    summary: 'Status of a scanner',
    access: 'OPERATOR',
    params: indexParams,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/scanners/:index/test',
    summary: 'Test a scanner',
    access: 'MANAGER',
    params: indexParams,
    body: testBody,
  }),
];
