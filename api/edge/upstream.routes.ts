import Router from '@koa/router';
import { z } from 'zod';
import type { CatalogName, CatalogResult } from '../../adapters/cloud/cloud-catalog.js';
import type { ConnectionReply } from '../../machines/edge/connection.machine.js';
import type { SyncNowReply, SyncQueueContext } from '../../machines/shared/sync-queue.machine.js';
import { CONNECTION_MODES } from '../../src/domain/connection-mode.js';
import type { AnyActorRef } from 'xstate';
import type { OutboxDrain } from '../../adapters/store/outbox-drain.js';
import type { ConnectionMode } from '../../src/domain/connection-mode.js';
import type { WithTokens } from './edge-deps.js';
import { apiErrorOf, askActor, doWork } from '../http/actor-calls.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody } from '../http/validate.js';

export const modeBody = z.object({ mode: z.enum(CONNECTION_MODES) }).strict();

/** What the connection and sync routes need from the edge. */
export interface UpstreamRoutesDeps extends WithTokens {
  syncQueue(): AnyActorRef;
  connection(): AnyActorRef;
  cloudCatalog(): AnyActorRef;
  upstream: { mode(): ConnectionMode; target(): { reason: string | null }; modeReason(): string | null };
  outbox: Pick<OutboxDrain, 'status' | 'parked'>;
}

function syncSnapshot(system: Pick<UpstreamRoutesDeps, 'syncQueue'>) {
  const snapshot = system.syncQueue().getSnapshot() as { value: unknown; context: SyncQueueContext };
  const state = typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value as object)[0]!;
  return { state, context: snapshot.context };
}

/** Connection mode and status, cloud reference data, and the sync queue. */
export function upstreamRoutes(system: UpstreamRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1' });
  const anyone = requireRole(system.tokens, 'OPERATOR');

  router.get('/connection/mode', anyone, (ctx) => ok(ctx, { mode: system.upstream.mode() }));

  router.put('/connection/mode', requireRole(system.tokens, 'ADMIN'), async (ctx) => {
    const { mode } = parseBody(ctx, modeBody);
    // The actor refuses (409) while the factory's settings forbid a local override.
    const reply = await askActor<ConnectionReply>(system.connection(), (replyTo) => ({ type: 'SET_MODE', mode, replyTo }));
    if (!reply.ok) throw apiErrorOf(reply.error);
    ok(ctx, { mode: reply.mode });
  });

  router.get('/connection/status', anyone, async (ctx) => {
    const { state, context } = syncSnapshot(system);
    const { queueSize, lastSyncAt } = await system.outbox.status();
    const { reason } = system.upstream.target();
    ok(ctx, {
      mode: system.upstream.mode(),
      /** Why the mode is what it is when the factory server imposes it; null when the local choice stands. */
      modeReason: system.upstream.modeReason(),
      connected: context.targetReady && state !== 'backoff' && state !== 'offline',
      lastSync: lastSyncAt,
      queueSize,
      target: { ready: context.targetReady, reason, lastError: context.lastError },
    });
  });

  for (const what of ['lines', 'codes', 'company'] as CatalogName[]) {
    router.get(`/cloud/${what}`, anyone, async (ctx) => {
      const result = await doWork<CatalogResult>(system.cloudCatalog(), { op: 'fetch', what });
      // The spec's `data` stays as it is; where it came from and how old it is ride beside it.
      ctx.body = { success: true, data: result.data, meta: result.meta };
    });
  }

  router.post('/cloud/sync', requireRole(system.tokens, 'OPERATOR'), async (ctx) => {
    const reply = await askActor<SyncNowReply>(system.syncQueue(), (replyTo) => ({ type: 'SYNC_NOW', replyTo }));
    if (!reply.targetReady) throw new ApiError('CONFLICT', reply.reason ?? 'No sync target', { state: reply.state });
    const { queueSize } = await system.outbox.status();
    ok(ctx, { triggered: true, queueSize }, 202);
  });

  router.get('/sync/status', anyone, async (ctx) => {
    const { state, context } = syncSnapshot(system);
    const { queueSize, oldestItem, parked, lastSyncAt } = await system.outbox.status();
    ok(ctx, {
      queueSize,
      oldestItem,
      lastSync: lastSyncAt,
      syncErrors: context.syncErrors,
      state,
      parked,
      synced: context.syncedTotal,
      lastError: context.lastError,
    });
  });

  router.get('/sync/parked', anyone, async (ctx) => {
    ok(ctx, await system.outbox.parked(100));
  });

  return router;
}
