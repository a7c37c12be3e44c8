import Router from '@koa/router';
import { type HealthReason, overallStatus } from '../../src/domain/health.js';
import type { ForwardOutbox } from '../../adapters/store/factory/forward-outbox.js';
import type { WithFleet, WithRoot, WithTokens } from './factory-deps.js';
import { describeActors } from '../../src/runtime/actor-tree.js';
import { failedChildReasons } from '../../src/runtime/supervised-children.js';
import { mountActorRestart } from '../http/actor-restart.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';

const startedAt = Date.now();
/** The forward queue's oldest item older than this makes the factory degraded. */
const FORWARD_BACKLOG_MAX_AGE_MS = 15 * 60_000;

/** The database (writable?) and the cloud forwarder, with the reasons they give for concern. */
/** What /health and the system routes need from the factory. */
export type SystemRoutesDeps = WithTokens &
  WithRoot &
  WithFleet & {
    config: { databaseUrl?: string | null | undefined };
    probeWritable(): Promise<string | null>;
    /** Where forwarding goes now (null: nowhere), and why not. */
    forwardTarget(): { target: object | null; reason: string | null };
    forwardOutbox: Pick<ForwardOutbox, 'status'>;
    /** Features whose construction threw (src/factory/start-features.ts). */
    disabledFeatures: ReadonlyArray<{ name: string; error: string }>;
  };

async function factoryHealth(system: SystemRoutesDeps) {
  const reasons: HealthReason[] = [];
  const engine = system.config.databaseUrl ? 'postgresql' : 'sqlite';
  const writeError = await system.probeWritable();
  if (writeError) reasons.push({ code: 'DATABASE_UNWRITABLE', level: 'down', message: `the ${engine} database refuses writes: ${writeError}` });

  const ref = system.root.system.get('forwarder');
  const snapshot = ref?.getSnapshot() as { value?: unknown; context?: { targetReady?: boolean; targetReason?: string | null; lastError?: string | null } } | undefined;
  const state = snapshot ? (typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value)) : 'stopped';
  const { target, reason } = system.forwardTarget();
  const queue = await system.forwardOutbox.status().catch(() => null);
  if (!ref) reasons.push({ code: 'FORWARDER_NOT_RUNNING', level: 'degraded', message: 'the cloud forwarder is not running' });
  else if (state === 'backoff') reasons.push({ code: 'FORWARDER_FAILING', level: 'degraded', message: `forwarding to the cloud fails: ${snapshot?.context?.lastError ?? 'retrying'}` });
  // Actors the root supervisor gave up on: the factory serves on, a person should look.
  reasons.push(...failedChildReasons(system.root));
  for (const feature of system.disabledFeatures) {
    reasons.push({ code: 'FEATURE_DISABLED', level: 'degraded', message: `feature ${feature.name} is disabled: it failed to start (${feature.error})` });
  }
  if (queue?.oldestItem && target && Date.now() - Date.parse(queue.oldestItem) > FORWARD_BACKLOG_MAX_AGE_MS) {
    reasons.push({ code: 'FORWARD_BACKLOG', level: 'degraded', message: `${queue.queueSize} items wait to go to the cloud, the oldest since ${queue.oldestItem}` });
  }
  return {
    status: overallStatus(reasons),
    reasons,
    database: { engine, writable: writeError === null },
    forwarder: { state, enabled: target !== null, reason, queueSize: queue?.queueSize ?? null, oldestItem: queue?.oldestItem ?? null, parked: queue?.parked ?? null },
  };
}

/** Health (public, for load balancers and process managers) and actor inspection (ADMIN). */
export function systemRoutes(system: SystemRoutesDeps): Router {
  const router = new Router();

  router.get('/health', async (ctx) => {
    const counts = system.fleet.counts();
    const health = await factoryHealth(system);
    ok(
      ctx,
      {
        status: health.status,
        reasons: health.reasons,
        service: 'okto-factory',
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        database: health.database.engine,
        databaseWritable: health.database.writable,
        forwarder: health.forwarder,
        devices: counts,
      },
      health.status === 'down' ? 503 : 200,
    );
  });

  router.get('/health/live', (ctx) => ok(ctx, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));

  router.get('/health/ready', async (ctx) => {
    const blocking = (await factoryHealth(system)).reasons.filter((r) => r.level === 'down');
    ok(ctx, { ready: blocking.length === 0, reasons: blocking }, blocking.length === 0 ? 200 : 503);
  });

  router.get('/api/v1/debug/actors', requireRole(system.tokens, 'ADMIN'), (ctx) => ok(ctx, describeActors(system.root)));
  mountActorRestart(router, { tokens: system.tokens, root: () => system.root });

  return router;
}
