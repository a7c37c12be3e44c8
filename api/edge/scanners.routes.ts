import Router from '@koa/router';
import { z } from 'zod';
import { MAX_SCANNERS, type ScannerConfig, scannersListSchema } from '../../adapters/scanners/scanners-config.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseParams } from '../http/validate.js';

/**
 * /api/v1/scanners: the line's scanners (up to 10), addressed by their position in the list.
 * Reads are OPERATOR; forcing a reconnect is MANAGER; replacing the list (which tells the edge
 * where to connect) is ADMIN, and only to hosts in hardware.allowedHosts. An edge with no
 * scanners answers an empty list (not 503): scanners are configured through this very API.
 * The legacy single-line endpoints (/api/v1/scanner/*) stay in scanner.routes.ts.
 */

/** The list itself, or `{ scanners: [...] }`. Each item as in edge-service.yaml `scanners:`. */
const wrappedList = z.object({ scanners: scannersListSchema }).strict().transform((body) => body.scanners);
export const indexParams = z.object({ index: z.coerce.number().int().min(0).max(MAX_SCANNERS - 1) });
export const testBody = z.object({ timeoutMs: z.number().int().min(100).max(60_000).optional() }).strict();

/** What the routes need from the scanners feature (src/edge/hardware/scanners-feature.ts). */
export interface ScannersRoutesFeature {
  list(): object[];
  status(index: number): object | null;
  replace(next: ScannerConfig[]): Promise<object>;
  test(index: number, timeoutMs?: number): Promise<object | null>;
}

export function scannersRoutes(tokens: TokenIssuer, feature: ScannersRoutesFeature): Router {
  const router = new Router({ prefix: '/api/v1/scanners' });
  const notFound = (index: number) => new ApiError('NOT_FOUND', `No scanner at index ${index}`, { index, count: feature.list().length });

  router.get('/', requireRole(tokens, 'OPERATOR'), (ctx) => {
    ok(ctx, feature.list());
  });

  router.put('/', requireRole(tokens, 'ADMIN'), async (ctx) => {
    // Picked by shape (not a union), so a bad item is reported by its own field, e.g. 0.transport.
    const scanners = Array.isArray((ctx.request as { body?: unknown }).body) ? parseBody(ctx, scannersListSchema) : parseBody(ctx, wrappedList);
    const applied = await feature.replace(scanners);
    ok(ctx, { applied, scanners: feature.list() });
  });

  router.get('/:index/status', requireRole(tokens, 'OPERATOR'), (ctx) => {
    const { index } = parseParams(ctx, indexParams);
    const status = feature.status(index);
    if (!status) throw notFound(index);
    ok(ctx, status);
  });

  router.post('/:index/test', requireRole(tokens, 'MANAGER'), async (ctx) => {
    const { index } = parseParams(ctx, indexParams);
    const { timeoutMs } = parseBody(ctx, testBody);
    const report = await feature.test(index, timeoutMs);
    if (!report) throw notFound(index);
    ok(ctx, report);
  });

  return router;
}
