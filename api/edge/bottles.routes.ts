import Router from '@koa/router';
import { z } from 'zod';
import type { ScanReply } from '../../machines/edge/scan-line.machine.js';
import type { Bottle } from '../../src/domain/aggregation.js';
import { type BottleStatus, isBottleStatus } from '../../src/domain/bottle-status.js';
import type { WithAggregation, WithLineConfig, WithQueries, WithScanLine, WithTokens } from './edge-deps.js';
import { askActor, doWork } from '../http/actor-calls.js';
import { type Principal, requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError, notFound, validationError } from '../http/errors.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { checkCode } from '../../src/domain/codes/index.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { codeField, idParam, limitParam } from './schemas.js';

// Exactly one digit: coercing would read `?status=` (and ' ', '0x1', '1e0') as a number, silently filtering on Created.
const statusValue = z
  .string()
  .regex(/^[0-5]$/, 'status must be 0-5')
  .transform((s) => Number(s) as BottleStatus);

/** Newest first; `cursor` from the previous page's X-Next-Cursor header (the body stays the array it always was). */
export const listQuery = z.object({ status: statusValue.optional(), lineId: z.string().min(1).max(64).optional(), limit: limitParam(100), cursor: z.string().min(1).max(200).optional() }).strict();
export const byCodeQuery = z.object({ code: codeField }).strict();
export const countQuery = z.object({ status: statusValue.optional() }).strict();

export const createBody = z
  .object({
    bottles: z
      .array(
        z
          .object({
            identifier: codeField,
            gtin: z.string().regex(/^\d{14}$/, 'GTIN must be 14 digits').optional(),
            productionLineId: z.string().min(1).max(64).optional(),
            productId: z.string().min(1).max(64).optional(),
            party: z.string().min(1).max(64).optional(),
            isPreprint: z.boolean().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
    deviceId: z.string().min(1).max(64).optional(),
  })
  .strict();

export const statusBody = z.object({ status: z.number().int().refine(isBottleStatus, 'status must be 0-5') }).strict();

/** What the bottle routes need from the edge. */
export type BottleRoutesDeps = WithTokens & WithAggregation & WithQueries & WithScanLine & WithLineConfig;

export function bottleRoutes(system: BottleRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/bottles' });
  const anyone = requireRole(system.tokens, 'OPERATOR');

  router.get('/', anyone, async (ctx) => {
    const { cursor, ...filter } = parseQuery(ctx, listQuery);
    const beforeId = cursor === undefined ? undefined : (decodeCursor('bottles', cursor, 'string') as string);
    const bottles = await system.queries.bottles.list({ ...filter, limit: filter.limit + 1, beforeId });
    const page = bottles.slice(0, filter.limit);
    if (bottles.length > filter.limit) ctx.set('X-Next-Cursor', encodeCursor('bottles', page[page.length - 1]!.id));
    ok(ctx, page);
  });

  /**
   * A bottle by its marking code, as printed or scanned: URL-encoded in `code` (a GS may come as
   * itself, %1D, or a printable substitute; any CSET 82 character). Normalised and checked like a
   * scan, then found by its identification code (01 GTIN 21 serial).
   */
  router.get('/by-code', anyone, async (ctx) => {
    const { code } = parseQuery(ctx, byCodeQuery);
    const check = checkCode(code, system.config.line.industry);
    if (!check.valid) throw validationError('Not a valid marking code', { field: 'code', reason: check.reason, reasonCode: check.reasonCode, reasonParams: check.reasonParams });
    const id = await system.queries.bottles.findByIdentificationCode(check.code.identificationCode);
    const bottle = id === null ? null : await system.queries.bottles.get(id);
    if (!bottle) throw notFound('Bottle with this code');
    ok(ctx, bottle);
  });

  router.get('/count', anyone, async (ctx) => {
    const { status } = parseQuery(ctx, countQuery);
    const counts = await system.queries.bottles.count(status);
    ok(ctx, { count: counts.total, byStatus: counts.byStatus, ...(status !== undefined ? { status } : {}) });
  });

  /**
   * Bulk create goes through the scan line like any scan (validation, de-duplication, group
   * commit). Per-item results: created bottles, and rejected items with the reason. When nothing
   * was created and some item was a duplicate, the whole request is a 409 CONFLICT.
   */
  router.post('/', anyone, async (ctx) => {
    const body = parseBody(ctx, createBody);
    const reply = await askActor<ScanReply>(system.scanLine(), (replyTo) => ({
      type: 'SUBMIT_BOTTLES',
      bottles: body.bottles,
      ...(body.deviceId ? { deviceId: body.deviceId } : {}),
      replyTo,
    }));
    const created = reply.decisions.flatMap((d) => (d.outcome === 'accepted' ? [{ id: d.bottleId!, identifier: d.code }] : []));
    const rejected = reply.decisions.flatMap((d, index) =>
      d.outcome === 'accepted' ? [] : [{ index, identifier: body.bottles[index]!.identifier, reason: d.message, duplicate: d.duplicate, existingBottleId: d.duplicate ? d.bottleId : null }],
    );
    if (reply.decisions.some((d) => d.outcome === 'error' || d.outcome === 'refused') && created.length === 0) {
      throw new ApiError('SERVICE_UNAVAILABLE', reply.decisions[0]!.message ?? 'Line unavailable', { rejected });
    }
    if (created.length === 0 && rejected.some((r) => r.duplicate)) {
      throw new ApiError('CONFLICT', 'Bottles already exist', { rejected });
    }
    ok(ctx, { created: created.length, bottles: created, rejected }, created.length > 0 ? 201 : 200);
  });

  router.get('/:id', anyone, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const bottle = await system.queries.bottles.get(id);
    if (!bottle) throw notFound(`Bottle ${id}`);
    ok(ctx, bottle);
  });

  router.patch('/:id/status', requireRole(system.tokens, 'MANAGER'), async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const { status } = parseBody(ctx, statusBody);
    const principal = ctx.state.principal as Principal;
    const audit = { userId: principal.userId, username: principal.username, ip: ctx.ip };
    const bottle = await doWork<Bottle>(system.aggregation(), { op: 'setBottleStatus', bottleId: id, status, audit });
    ctx.state.audited = true; // written with the change (aggregation-store.ts), not after it by the call audit
    ok(ctx, bottle);
  });

  return router;
}
