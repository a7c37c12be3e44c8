import { describeRoute } from '../http/openapi/route-description.js';
import { mockScanBody } from './mock.routes.js';

/** The OpenAPI descriptions of mock.routes.ts (validated with the same zod schemas). */
export const mockRoutesDescribed = [
  describeRoute({
    method: 'POST',
    path: '/api/v1/mock/scan',
    summary: 'Simulate a barcode scan (mock mode only).',
    description: 'Simulates a scan on a mock scanner; with no code, scans a freshly generated valid one.',
    access: 'OPERATOR',
    body: mockScanBody,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/mock/generate-code',
    summary: 'Generate a valid code for testing.',
    access: 'OPERATOR',
  }),
];
