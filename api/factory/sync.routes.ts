import Router from '@koa/router';
import { z } from 'zod';
import type { IngestSummary } from '../../adapters/store/factory/ingest-executor.js';
import type { AnyActorRef } from 'xstate';
import type { WithDeviceAuth, WithPresence, WithQueries } from './factory-deps.js';
import { doWork } from '../http/actor-calls.js';
import { requireDevice, type DevicePrincipal } from '../http/device-auth.js';
import { ok } from '../http/envelope.js';
import { parseBody } from '../http/validate.js';

/**
 * The envelope is checked here; each item's content is checked by the ingest store, which answers
 * `rejected` with a reason for a bad item instead of refusing the whole batch (one bad row must not
 * hold back a line's backlog).
 */
export const syncBody = (maxItems: number) =>
  z
    .object({
      items: z
        .array(z.object({ id: z.string().min(1).max(200), kind: z.string().min(1).max(64), payload: z.record(z.string(), z.unknown()) }).strict())
        .min(1)
        .max(maxItems),
      /** The line these items come from, when the edge says; otherwise the device's registered line. */
      lineId: z.string().min(1).max(64).optional(),
    })
    .strict();

/** What the sync route needs from the factory: the ingest worker of a device's lane. */
export type SyncRoutesDeps = WithDeviceAuth & WithPresence & WithQueries & { ingest(deviceId: string): AnyActorRef; config: { sync: { maxItems: number } } };

/** `POST /api/v1/sync`: an edge's outbox batch, idempotent by item id, answered after the commit. */
export function syncRoutes(system: SyncRoutesDeps): Router {
  const router = new Router();
  const body = syncBody(system.config.sync.maxItems);

  router.post('/api/v1/sync', requireDevice(system.deviceTokens, system.registry.isCurrent), async (ctx) => {
    const { items, lineId } = parseBody(ctx, body);
    const { deviceId } = ctx.state.device as DevicePrincipal;
    const device = await system.queries.devices.get(deviceId);
    const summary = await doWork<IngestSummary>(system.ingest(deviceId), { deviceId, lineId: lineId ?? device?.lineId ?? null, items });
    // Sending is a sign of life too.
    system.presence.heartbeat(deviceId);
    ok(ctx, summary);
  });

  return router;
}
