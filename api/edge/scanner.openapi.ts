import { describeRoute } from '../http/openapi/route-description.js';
import { recentQuery, scanBody, validateBody } from './scanner.routes.js';

/** The OpenAPI descriptions of scanner.routes.ts (validated with the same zod schemas). */
export const scannerRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/scanner/status',
    summary: 'Get scanner status.',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/scanner/validate',
    summary: 'Validate a code without storing.',
    description: 'Checks a code against the line\'s (or the given) industry and the stored codes; stores nothing.',
    access: 'OPERATOR',
    body: validateBody,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/scanner/scan',
    summary: 'Process scan (validate and store if valid).',
    access: 'OPERATOR',
    body: scanBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/scanner/recent',
    summary: 'Get recent scan results.',
    access: 'OPERATOR',
    query: recentQuery,
  }),
];
