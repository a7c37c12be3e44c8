import { describeRoute } from '../http/openapi/route-description.js';
import { noQuery, pauseBody, resumeBody } from './line.routes.js';

/** The OpenAPI descriptions of line.routes.ts (validated with the same zod schemas). */
export const lineRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/line/status',
    summary: 'Status',
    access: 'OPERATOR',
    query: noQuery,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/line/pause',
    summary: 'Pause the line',
    access: 'OPERATOR',
    body: pauseBody,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/line/resume',
    summary: 'Resume the line',
    access: 'OPERATOR',
    body: resumeBody,
  }),
];
