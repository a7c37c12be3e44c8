import { Readable } from 'node:stream';
import Router from '@koa/router';
import { z } from 'zod';
import { requireRole, type TokenIssuer } from './auth.js';
import { validationError } from './errors.js';
import { parseQuery } from './validate.js';

/** [from, to): ISO instants with a zone. */
export const epcisEventsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .strict();

/** What the route needs: who may read, and the document of a range as text pieces. */
export interface EpcisRoutesDeps {
  tokens: TokenIssuer;
  epcis: { document(range: { from: string; to: string }): AsyncIterable<string> };
}

export const EPCIS_MEDIA_TYPE = 'application/ld+json';

/**
 * `GET /api/v1/epcis/events?from=&to=` (any signed-in user), on the edge and the factory: an
 * EPCIS 2.0 JSON-LD document, streamed as the store is read. Everything is checked before the
 * first byte; a storage failure after it can only cut the stream (the client sees invalid JSON).
 */
export function epcisRoutes(deps: EpcisRoutesDeps): Router {
  const router = new Router();
  router.get('/api/v1/epcis/events', requireRole(deps.tokens, 'OPERATOR'), async (ctx) => {
    const query = parseQuery(ctx, epcisEventsQuery);
    const from = new Date(query.from).toISOString();
    const to = new Date(query.to).toISOString();
    if (from >= to) throw validationError('from must be before to', { field: 'to', reason: 'must be after from' });
    ctx.type = EPCIS_MEDIA_TYPE;
    ctx.body = Readable.from(deps.epcis.document({ from, to }), { objectMode: false });
  });
  return router;
}
