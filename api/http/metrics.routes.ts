import Router from '@koa/router';
import { timingSafeEqual } from 'node:crypto';
import type { MetricsRegistry } from '../../src/runtime/metrics/registry.js';
import { ApiError } from './errors.js';

export interface MetricsAccess {
  /** Bearer token a non-loopback scraper must send; without one, only loopback clients are answered. */
  token?: string | undefined;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * GET /metrics in the Prometheus text format. Open to loopback (a node exporter or an agent on the
 * same machine); any other client needs `Authorization: Bearer <metrics token>`, and with no token
 * configured it is refused (403): the figures reveal the plant's output and its devices.
 */
export function metricsRoutes(registry: MetricsRegistry, access: MetricsAccess): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    const remote = ctx.req.socket.remoteAddress ?? '';
    if (!LOOPBACK.test(remote)) {
      if (!access.token) throw new ApiError('FORBIDDEN', 'Metrics are served to loopback only; set metrics.token to allow remote scrapers');
      const header = ctx.get('authorization');
      const sent = /^Bearer\s+(.+)$/i.exec(header)?.[1] ?? '';
      if (!sent) throw new ApiError('UNAUTHORIZED', 'A bearer token is required for /metrics');
      if (!sameSecret(sent, access.token)) throw new ApiError('UNAUTHORIZED', 'Invalid metrics token');
    }
    ctx.set('Content-Type', registry.contentType);
    ctx.body = await registry.metrics();
  });
  return router;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
