import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { MAX_SYNC_ITEMS, type SyncItem } from '../../adapters/cloud/cloud-types.js';
import { ok } from '../../api/http/envelope.js';
import { ApiError } from '../../api/http/errors.js';
import { parseBody } from '../../api/http/validate.js';
import type { Logger } from '../runtime/logger.js';
import { requireToken, type DeviceState } from './cloud-auth.js';
import type { CloudStore } from './cloud-store.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// The payload is checked per kind by the ledger (a bad one rejects that item, not the batch);
// here only its being an object, cheaply: a 10,000-item batch must not cost a deep walk.
const syncItem = z
  .object({
    id: z.string().min(1).max(128),
    kind: z.string().min(1).max(64),
    payload: z.custom<Record<string, unknown>>(isObject, 'payload must be an object'),
  })
  .strict();

const syncBody = z
  .object({ items: z.array(syncItem).min(1, 'items must not be empty').max(MAX_SYNC_ITEMS, `at most ${MAX_SYNC_ITEMS} items per request`) })
  .strict();

/** The device-token side of the cloud: what an activated edge reads, and where it sends its outbox. */
export function deviceRoutes(store: CloudStore, logger: Logger): Router {
  const router = new Router({ prefix: '/device' });
  router.use(requireToken(store, 'device'));

  const companyOf = (ctx: Context) => {
    const { owner } = ctx.state as DeviceState;
    const company = store.companyRecord(store.deviceCompanyId(owner.deviceId) ?? '');
    // Tokens of a device that no longer exists are revoked with it; this is a broken invariant.
    if (!company) throw new ApiError('SERVER_ERROR', 'Device without a company');
    return { deviceId: owner.deviceId, company };
  };

  router.get('/lines', async (ctx) => ok(ctx, store.linesOf(companyOf(ctx).company.id)));
  router.get('/codes', async (ctx) => ok(ctx, store.codesOf(companyOf(ctx).company.id)));
  router.get('/company', async (ctx) => ok(ctx, store.company(companyOf(ctx).company.id)));

  router.post('/sync', async (ctx) => {
    store.syncRequests++;
    const { deviceId, company } = companyOf(ctx);
    const { items } = parseBody(ctx, syncBody) as { items: SyncItem[] };
    const results = store.ledger.receive(items, { deviceId, industry: company.industry });
    logger.debug({ deviceId, items: items.length }, 'sync batch');
    ok(ctx, { results });
  });

  return router;
}
