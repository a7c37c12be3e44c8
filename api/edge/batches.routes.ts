import Router from '@koa/router';
import { z } from 'zod';
import type { Batch } from '../../src/domain/aggregation.js';
import type { EdgeSystem } from '../../src/edge/system.js';
import { doWork } from '../http/actor-calls.js';
import { requireRole, type AuthState } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { notFound } from '../http/errors.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { idParam, limitParam } from './schemas.js';

const bottleIds = z.array(z.string().min(1).max(64)).max(10_000);

export const listQuery = z.object({
  sentStatus: z.enum(['pending', 'sent', 'synced']).optional(),
  deviceId: z.string().min(1).max(64).optional(),
  limit: limitParam(100),
  /** From the previous page's nextCursor. */
  cursor: z.string().min(1).max(200).optional(),
}).strict();

export const createBody = z
  .object({
    batch: z
      .object({
        name: z.string().min(1).max(128),
        deviceId: z.string().min(1).max(64).optional(),
        batchSize: z.number().int().min(1).max(100_000).nullable().optional(),
      })
      .strict(),
    bottles: bottleIds.default([]),
  })
  .strict();

export const addBody = z.object({ bottles: bottleIds.min(1) }).strict();
export const closeBody = z.object({}).strict();
export const unpackBody = z.object({}).strict();

export function batchRoutes(system: EdgeSystem): Router {
  const router = new Router({ prefix: '/api/v1/batches' });
  const anyone = requireRole(system.tokens, 'OPERATOR');

  router.get('/', anyone, async (ctx) => {
    const { cursor, ...filter } = parseQuery(ctx, listQuery);
    const beforeId = cursor === undefined ? undefined : (decodeCursor('batches', cursor, 'string') as string);
    const { batches, total } = await system.queries.batches.list({ ...filter, limit: filter.limit + 1, beforeId });
    const page = batches.slice(0, filter.limit);
    ok(ctx, { batches: page, total, nextCursor: batches.length > filter.limit ? encodeCursor('batches', page[page.length - 1]!.id) : null });
  });

  router.post('/', anyone, async (ctx) => {
    const body = parseBody(ctx, createBody);
    const { config } = system;
    const result = await doWork<{ batch: Batch; bottleCount: number }>(system.aggregation(), {
      op: 'createBatch',
      name: body.batch.name,
      deviceId: body.batch.deviceId ?? config.line.deviceId,
      productionLineId: config.line.id,
      batchSize: body.batch.batchSize === undefined ? config.line.batchSize : body.batch.batchSize,
      bottleIds: body.bottles,
    });
    ok(ctx, result, 201);
  });

  router.get('/:id', anyone, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const batch = await system.queries.batches.get(id);
    if (!batch) throw notFound(`Batch ${id}`);
    ok(ctx, { batch, bottles: await system.queries.bottles.inBatch(id) });
  });

  router.post('/:id/bottles', anyone, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const { bottles } = parseBody(ctx, addBody);
    ok(ctx, await doWork<{ batch: Batch; bottleCount: number }>(system.aggregation(), { op: 'addBottles', batchId: id, bottleIds: bottles }));
  });

  /** Closes a partial batch by hand (the run ended before the box was full); journaled with who did it. */
  router.post('/:id/close', anyone, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    parseBody(ctx, closeBody);
    const user = (ctx.state as AuthState).principal.username;
    const result = await doWork<{ batch: Batch; bottleCount: number }>(system.aggregation(), { op: 'closeBatch', batchId: id, closedBy: user });
    system.bus.publish({
      type: 'journal.record',
      severity: 'info',
      category: 'line',
      source: 'aggregation',
      messageKey: 'line.batch_closed',
      params: { batch: result.batch.identifier, count: result.bottleCount },
      user,
    });
    ok(ctx, result);
  });

  /** Disaggregation (issue 14): the units leave the box, which stays open (same SSCC) for repacking; journaled. */
  router.post('/:id/unpack', anyone, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    parseBody(ctx, unpackBody);
    const user = (ctx.state as AuthState).principal.username;
    const result = await doWork<{ batch: Batch; bottleCount: number; unpacked: number }>(system.aggregation(), { op: 'unpackBatch', batchId: id, unpackedBy: user });
    system.bus.publish({ type: 'journal.record', severity: 'info', category: 'line', source: 'aggregation', messageKey: 'line.box_unpacked', params: { batch: result.batch.identifier, count: result.unpacked }, user });
    ok(ctx, result);
  });

  return router;
}
