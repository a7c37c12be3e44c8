import Router from '@koa/router';
import { z } from 'zod';
import { generateCode, GS } from '../../src/domain/codes/index.js';
import type { WithLineConfig, WithScanLine, WithTokens } from './edge-deps.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { codeField, industryField } from './schemas.js';
import { scanThroughLine } from './scanner.routes.js';

export const mockScanBody = z.object({ code: codeField.optional(), scannerId: z.string().min(1).max(64).optional() }).strict();

/** What the mock routes need from the edge. */
export type MockRoutesDeps = WithTokens &
  WithScanLine &
  WithLineConfig & {
    config: { mockMode: boolean; scanners: Array<{ id: string; transport: string }> };
  };

/** Testing helpers: only in mock mode (a fresh edge without a config file), refused otherwise. */
export function mockRoutes(system: MockRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/mock' });
  const anyone = requireRole(system.tokens, 'OPERATOR');
  const mockOnly = async (_ctx: unknown, next: () => Promise<unknown>) => {
    if (!system.config.mockMode) throw new ApiError('FORBIDDEN', 'Mock endpoints are disabled: this edge is not in mock mode (mockMode: false)');
    await next();
  };

  /** Simulates a scan on a mock scanner; with no code, scans a freshly generated valid one. */
  router.post('/scan', anyone, mockOnly, async (ctx) => {
    const body = parseBody(ctx, mockScanBody);
    const mockScanners = system.config.scanners.filter((s) => s.transport === 'MOCK').map((s) => s.id);
    if (body.scannerId !== undefined && !mockScanners.includes(body.scannerId)) {
      throw new ApiError('NOT_FOUND', `No mock scanner ${body.scannerId}`, { mockScanners });
    }
    const scannerId = body.scannerId ?? mockScanners[0] ?? 'mock';
    const code = body.code ?? generateCode(system.config.line.industry);
    ok(ctx, { code: printable(code), ...(await scanThroughLine(system, code, scannerId)) });
  });

  router.post('/generate-code', anyone, mockOnly, (ctx) => {
    const { industry } = parseQuery(ctx, z.object({ industry: industryField.default(system.config.line.industry) }));
    const code = generateCode(industry);
    ok(ctx, { code, printable: printable(code), industry });
  });

  return router;
}

/** GS is invisible in most UIs: show it as <GS>, which normalisation maps back. */
const printable = (code: string) => code.split(GS).join('<GS>');
