import Router from '@koa/router';
import type { Knex } from 'knex';
import type { AnyActorRef } from 'xstate';
import { z } from 'zod';
import { getPallet, listPallets } from '../../adapters/store/pallet-store.js';
import type { Pallet } from '../../src/domain/pallet.js';
import type { JournalRecordEvent } from '../../src/domain/journal-record.js';
import { doWork } from '../http/actor-calls.js';
import { requireRole, type AuthState, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { notFound } from '../http/errors.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { idParam, limitParam } from './schemas.js';

export const palletListQuery = z.object({ limit: limitParam(100) }).strict();
export const palletCloseBody = z.object({}).strict();

/** What the pallet routes need of the edge (declared here: routes never import the composition root). */
export interface PalletRouteDeps {
  tokens: TokenIssuer;
  db: { reader: Knex };
  /** The aggregation actor: pallet changes are serialised with every other aggregation change. */
  aggregation(): AnyActorRef;
  bus: { publish(event: JournalRecordEvent): void };
}

/**
 * Pallets (issue 14): the boxes a BOX scanner stacked, each with its P-… identifier and SSCC.
 * OPERATOR reads, and closes a partial pallet (the run ended before it was full): it completes,
 * `pallet.completed` goes upstream with the pallet's SSCC and its boxes' SSCCs, and its label prints.
 */
export function palletRoutes(deps: PalletRouteDeps): Router {
  const router = new Router({ prefix: '/api/v1/pallets' });
  const operator = requireRole(deps.tokens, 'OPERATOR');

  router.get('/', operator, async (ctx) => {
    const { limit } = parseQuery(ctx, palletListQuery);
    ok(ctx, { pallets: await listPallets(deps.db.reader, limit) });
  });

  router.get('/:id', operator, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const found = await getPallet(deps.db.reader, id);
    if (!found) throw notFound(`Pallet ${id}`);
    ok(ctx, found);
  });

  router.post('/:id/close', operator, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    parseBody(ctx, palletCloseBody);
    const user = (ctx.state as AuthState).principal.username;
    const result = await doWork<{ pallet: Pallet }>(deps.aggregation(), { op: 'closePallet', palletId: id, closedBy: user });
    deps.bus.publish({ type: 'journal.record', severity: 'info', category: 'line', source: 'aggregation', messageKey: 'line.pallet_closed', params: { pallet: result.pallet.identifier, count: result.pallet.batchCount }, user });
    ok(ctx, result);
  });

  return router;
}
