import type Koa from 'koa';
import { prom, type MetricsRegistry } from '../../src/runtime/metrics/registry.js';

/**
 * HTTP requests by route and status with a duration histogram. The route label is the router's
 * matched path template (`/api/v1/bottles/:id`), never the raw URL, so an id in a path cannot
 * grow the number of series; a request no router matched is `unmatched`.
 *
 * Installed as the app's outermost middleware and measured when the response has finished, so
 * every answer counts, also the ones the shell's error handler or the body parser gave.
 */
export function observeHttp(app: Koa, registry: MetricsRegistry): void {
  const requests = new prom.Counter({
    name: 'okto_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new prom.Histogram({
    name: 'okto_http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const observe: Koa.Middleware = async (ctx, next) => {
    const started = performance.now();
    ctx.res.once('close', () => {
      const route = routeOf(ctx);
      const method = KNOWN_METHODS.has(ctx.method) ? ctx.method : 'OTHER';
      requests.inc({ method, route, status: String(ctx.status) });
      duration.observe({ method, route }, (performance.now() - started) / 1000);
    });
    await next();
  };
  app.middleware.unshift(observe);
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The router's matched template for this request, or `unmatched`. */
export function routeOf(ctx: Koa.Context): string {
  const matched = (ctx as unknown as { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}
