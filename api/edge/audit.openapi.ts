import { describeRoute } from '../http/openapi/route-description.js';
import { auditQuery } from './audit.routes.js';

/** The OpenAPI descriptions of audit.routes.ts (validated with the same zod schemas). */
export const auditRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/audit-log',
    summary: 'List the audit log',
    access: 'MANAGER',
    query: auditQuery,
  }),
];
