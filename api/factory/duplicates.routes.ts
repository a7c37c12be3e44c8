import Router from '@koa/router';
import { z } from 'zod';
import type { DuplicateRecord } from '../../adapters/store/factory/unit-identity-index.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { ok } from '../http/envelope.js';
import { parseQuery } from '../http/validate.js';

/** Newest first; `cursor` from the previous page's X-Next-Cursor header (the body is the array). */
export const duplicatesQuery = z
  .object({
    deviceId: z.string().min(1).max(100).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();

export const duplicateRecord = z.object({
  id: z.number().int(),
  identity: z.string().describe('`01` GTIN `21` serial'),
  itemId: z.string(),
  deviceId: z.string(),
  lineId: z.string().nullable(),
  seenAt: z.string(),
  firstDeviceId: z.string(),
  firstLineId: z.string().nullable(),
  firstSeenAt: z.string(),
});

/** What the duplicates list needs (the factory's unit-identity index). */
export interface DuplicateRoutesDeps {
  tokens: TokenIssuer;
  duplicates: { list(options: { limit: number; beforeId?: number; deviceId?: string; since?: string }): Promise<DuplicateRecord[]> };
}

/** `GET /api/v1/duplicates` (any signed-in user): codes that arrived from a second device or line. */
export function duplicateRoutes(deps: DuplicateRoutesDeps): Router {
  const router = new Router();
  router.get('/api/v1/duplicates', requireRole(deps.tokens, 'OPERATOR'), async (ctx) => {
    const { cursor, since, ...filter } = parseQuery(ctx, duplicatesQuery);
    const beforeId = cursor === undefined ? undefined : (decodeCursor('duplicates', cursor, 'number') as number);
    const rows = await deps.duplicates.list({
      ...filter,
      limit: filter.limit + 1,
      ...(beforeId !== undefined ? { beforeId } : {}),
      ...(since ? { since: new Date(since).toISOString() } : {}),
    });
    const page = rows.slice(0, filter.limit);
    if (rows.length > filter.limit) ctx.set('X-Next-Cursor', encodeCursor('duplicates', page[page.length - 1]!.id));
    ok(ctx, page);
  });
  return router;
}
