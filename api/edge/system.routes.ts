import type { JournalRecordEvent } from '../../src/domain/journal-record.js';
import Router from '@koa/router';
import type { EdgeHealthDeps } from './health.js';
import type { WithTokens } from './edge-deps.js';
import { describeActors } from '../../src/runtime/actor-tree.js';
import { mountActorRestart } from '../http/actor-restart.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { disabledMessage } from '../../machines/edge/scan-line.machine.js';
import { edgeHealth } from './health.js';
import { SCAN_LINE } from '../../src/domain/actor-ids.js';

const startedAt = Date.now();

/** What the system routes need from the edge. */
export type SystemRoutesDeps = WithTokens &
  EdgeHealthDeps & { version: string; config: { mockMode: boolean }; bus: { publish(event: JournalRecordEvent): void } };

/**
 * Health (public, for load balancers, process managers and the HMI's watchdog) and actor
 * inspection (ADMIN). /health tells the truth: ok, degraded or down (503) with every reason;
 * /health/live says the process answers; /health/ready says it can take codes now.
 */
export function systemRoutes(system: SystemRoutesDeps): Router {
  const router = new Router();

  router.get('/health', async (ctx) => {
    const health = await edgeHealth(system);
    const line = system.root.system.get(SCAN_LINE) ? (system.scanLine().getSnapshot() as { context: { disabledReason: string | null } }).context : null;
    ok(
      ctx,
      {
        status: health.status,
        reasons: health.reasons,
        service: 'okto-edge',
        version: system.version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        line: health.line,
        // Disabled by the factory (disable_device): the edge is up but refuses every scan.
        disabled: line?.disabledReason != null,
        disabledReason: line?.disabledReason == null ? null : disabledMessage(line.disabledReason),
        scannersConnected: health.scanners.filter((s) => s.connected).length,
        syncQueue: health.outbox ? { size: health.outbox.queueSize, oldestItem: health.outbox.oldestItem, parked: health.outbox.parked } : null,
        mockMode: system.config.mockMode,
      },
      health.status === 'down' ? 503 : 200,
    );
  });

  router.get('/health/live', (ctx) => {
    ok(ctx, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
  });

  /** Ready to serve: the database takes writes and the scan line runs (paused or disabled still serves). */
  router.get('/health/ready', async (ctx) => {
    const health = await edgeHealth(system);
    const blocking = health.reasons.filter((r) => r.level === 'down');
    ok(ctx, { ready: blocking.length === 0, reasons: blocking }, blocking.length === 0 ? 200 : 503);
  });

  router.get('/api/v1/debug/actors', requireRole(system.tokens, 'ADMIN'), (ctx) => {
    ok(ctx, describeActors(system.root));
  });

  mountActorRestart(router, {
    tokens: system.tokens,
    root: () => system.root,
    // A restart by hand is on record in the journal with who asked (the supervisor's own restarts are journaled as they happen).
    restarted: (id, by) =>
      system.bus.publish({ type: 'journal.record', severity: 'warning', category: 'system', source: id, messageKey: 'system.actor_restarted_by_hand', params: { actor: id }, user: by }),
  });

  return router;
}
