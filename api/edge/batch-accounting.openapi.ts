import { describeRoute } from '../http/openapi/route-description.js';
import { batchQuery, loadBody, verifyBody } from './batch-accounting.routes.js';

/** The OpenAPI descriptions of batch-accounting.routes.ts (validated with the same zod schemas). */
export const batchAccountingRoutesDescribed = [
  describeRoute({
    method: 'POST',
    path: '/api/v1/batch-accounting/buffer/load',
    summary: 'Load codes into the buffer',
    access: 'MANAGER',
    body: loadBody,
    status: 201,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/batch-accounting/buffer',
    summary: 'The code buffer',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/batch-accounting/buffer',
    summary: 'Empty the buffer',
    access: 'MANAGER',
    query: batchQuery,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/batch-accounting/verify',
    summary: 'Verify a code against the buffer',
    access: 'OPERATOR',
    body: verifyBody,
  }),
];
