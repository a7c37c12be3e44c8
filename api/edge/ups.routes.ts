import Router from '@koa/router';
import { z } from 'zod';
import type { TokenIssuer } from '../http/auth.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError, unavailable } from '../http/errors.js';
import { parseBody } from '../http/validate.js';

/**
 * /api/v1/ups: the UPS's status (OPERATOR), a forced reconnect-and-read (MANAGER), and the dev
 * helper that drives the simulated UPS (ADMIN, and only where the configuration turns it on).
 * Not configured → 503 SERVICE_UNAVAILABLE, as the spec says.
 */

export interface UpsSimulateRequest {
  onBattery: boolean;
  batteryPercent: number;
  lowBattery?: boolean | undefined;
  fsd?: boolean | undefined;
  offline?: boolean | undefined;
}

/** What the routes need from the UPS feature (see src/edge/hardware/ups.extension.ts). */
export interface UpsRoutesFeature {
  /** Null when the UPS can be used; otherwise why not (→ 503). */
  unavailable(): string | null;
  status(): unknown;
  /** Reconnects and reads once; resolves with the outcome (a failed read is an answer, not an error). */
  test(): Promise<unknown>;
  /** Null when the simulate endpoint is off; otherwise why it is on. */
  simulationOff(): string | null;
  simulate(request: UpsSimulateRequest): Promise<unknown>;
}

export const simulateBody = z
  .object({
    onBattery: z.boolean(),
    batteryPercent: z.number().int().min(0).max(100),
    lowBattery: z.boolean().optional(),
    fsd: z.boolean().optional(),
    /** The simulated UPS stops answering (the connection fails and backs off). */
    offline: z.boolean().optional(),
  })
  .strict();

export function upsRoutes(tokens: TokenIssuer, feature: UpsRoutesFeature): Router {
  const router = new Router({ prefix: '/api/v1/ups' });
  const usable = () => {
    const reason = feature.unavailable();
    if (reason) throw unavailable(reason);
  };

  router.get('/status', requireRole(tokens, 'OPERATOR'), (ctx) => {
    usable();
    ok(ctx, feature.status());
  });

  router.post('/test', requireRole(tokens, 'MANAGER'), async (ctx) => {
    usable();
    ok(ctx, await feature.test());
  });

  router.post('/simulate', requireRole(tokens, 'ADMIN'), async (ctx) => {
    usable();
    // 404, not 403: the endpoint does not exist on this installation, whoever asks.
    const off = feature.simulationOff();
    if (off) throw new ApiError('NOT_FOUND', off);
    ok(ctx, await feature.simulate(parseBody(ctx, simulateBody)));
  });

  return router;
}
