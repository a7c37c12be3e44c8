import Router from '@koa/router';
import type { EdgeSystem } from '../../src/edge/system.js';
import { describeActors } from '../../src/runtime/actor-tree.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { disabledMessage } from '../../machines/edge/scan-line.machine.js';
import { lineStatus } from './line-status.js';

const startedAt = Date.now();

/** Health (public, for load balancers and the HMI's watchdog) and actor inspection (ADMIN). */
export function systemRoutes(system: EdgeSystem): Router {
  const router = new Router();

  router.get('/health', (ctx) => {
    const status = lineStatus(system);
    ok(ctx, {
      status: 'ok',
      service: 'okto-edge',
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      line: status.line.state,
      // Disabled by the factory (disable_device): the edge is up but refuses every scan.
      disabled: status.line.disabledReason !== null,
      disabledReason: status.line.disabledReason === null ? null : disabledMessage(status.line.disabledReason),
      scannersConnected: status.scanners.filter((s) => s.connected).length,
      mockMode: system.config.mockMode,
    });
  });

  router.get('/api/v1/debug/actors', requireRole(system.tokens, 'ADMIN'), (ctx) => {
    ok(ctx, describeActors(system.root));
  });

  return router;
}
