import { describeRoute } from '../http/openapi/route-description.js';
import { syncBody } from './sync.routes.js';

/** The OpenAPI descriptions of sync.routes.ts (validated with the same zod schemas). */
export const syncRoutesDescribed = [
  describeRoute({
    method: 'POST',
    path: '/api/v1/sync',
    summary: 'Receive sync data from edge.',
    description:
      'At most `sync.maxItems` items per request (10,000 by default; the schema shows the default). The answer: `results` (one per item), `accepted`, `duplicates`, `rejected`, and `crossLineDuplicates`: new codes of this batch that another device or line sent first (site-wide duplicates, also raised on /ws/dashboard as `unit_duplicates` and listed by GET /api/v1/duplicates).',
    access: 'device',
    body: syncBody(10_000),
  }),
];
