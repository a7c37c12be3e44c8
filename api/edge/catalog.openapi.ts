import { describeRoute } from '../http/openapi/route-description.js';
import { catalogQuery } from './catalog.routes.js';

/** The OpenAPI descriptions of catalog.routes.ts (validated with the same zod schemas). */
export const catalogRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/catalog/scanners',
    summary: 'List the scanners',
    access: 'MANAGER',
    query: catalogQuery,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/catalog/printers',
    summary: 'List the printers',
    access: 'MANAGER',
    query: catalogQuery,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/catalog/plc-protocols',
    summary: 'Supported PLC protocols',
    access: 'MANAGER',
    query: catalogQuery,
  }),
];
