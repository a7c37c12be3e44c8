import { describeRoute } from './openapi/route-description.js';

/** GET /metrics is mounted by the server (when metrics.enabled), beside the app's routers. */
export const metricsRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition format)',
    description: 'Open to loopback clients; any other client sends `Authorization: Bearer <metrics.token>` (refused with 403 when no token is configured). Mounted only when metrics.enabled is true.',
    access: 'public',
    produces: 'text/plain; version=0.0.4',
  }),
];
