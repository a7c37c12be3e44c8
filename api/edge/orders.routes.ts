import Router from '@koa/router';
import { z } from 'zod';
import type { Order, OrderAction, OrderDraft, OrderStatus, OrderSummary } from '../../src/domain/orders.js';
import { ORDER_STATUSES, orderProblems } from '../../src/domain/orders.js';
import { requireRole, type AuthState, type TokenIssuer } from '../http/auth.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { ok } from '../http/envelope.js';
import { notFound, validationError } from '../http/errors.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { idParam, limitParam } from './schemas.js';

/** What the order routes need of the orders feature (src/edge/orders/orders.extension.ts). */
export interface OrdersApi {
  list(filter: { status?: OrderStatus | undefined; gtin?: string | undefined; lot?: string | undefined; limit: number; beforeId?: string | undefined }): Promise<{ orders: Order[]; total: number }>;
  get(id: string): Promise<{ order: Order; summary: OrderSummary } | null>;
  create(draft: OrderDraft, user: string | null): Promise<Order>;
  /** start / stop / close: NOT_FOUND, or CONFLICT with the rule that refused it (a DomainError). */
  transition(id: string, action: OrderAction, user: string | null): Promise<Order>;
}

const gtin = z.string().regex(/^\d{14}$/, 'a GTIN-14: 14 digits');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const orderListQuery = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    gtin: gtin.optional(),
    lot: z.string().min(1).max(64).optional(),
    limit: limitParam(50, 500),
    /** From the previous page's nextCursor. */
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();

export const orderCreateBody = z
  .object({
    number: z.string().trim().min(1).max(64),
    productId: z.string().min(1).max(64).nullable().optional(),
    productName: z.string().min(1).max(200).nullable().optional(),
    gtins: z.array(gtin).min(1).max(20),
    lot: z.string().trim().min(1).max(64),
    productionDate: date,
    expiryDate: date,
    plannedQuantity: z.number().int().min(1).max(100_000_000),
    /** Industry fields, e.g. { "vetCertificate": "…" } (a veterinary certificate number for dairy). */
    fields: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), z.string().max(500)).optional(),
  })
  .strict();

export const orderActionBody = z.object({}).strict();

/** A body as an order draft, with the domain's rules (check digits, dates) checked: 400 VALIDATION_ERROR naming the field. */
export function orderDraftOf(body: z.infer<typeof orderCreateBody>): OrderDraft {
  const draft: OrderDraft = {
    number: body.number,
    productId: body.productId ?? null,
    productName: body.productName ?? null,
    gtins: body.gtins,
    lot: body.lot,
    productionDate: body.productionDate,
    expiryDate: body.expiryDate,
    plannedQuantity: body.plannedQuantity,
    fields: body.fields ?? {},
  };
  const problems = orderProblems(draft);
  if (Object.keys(draft.fields).length > 32) problems.push({ field: 'fields', reason: 'at most 32 fields' });
  if (problems.length > 0) throw validationError('Invalid order', { ...problems[0], issues: problems });
  return draft;
}

/**
 * Production orders on the edge (issue 14; docs/EDGE.md "Production orders"): list and read
 * (any signed-in user: OPERATOR and up), create, start, stop, close (OPERATOR and up: the people
 * who run the line, as for pausing it). One active order per line: starting a second is 409.
 */
export function orderRoutes(orders: OrdersApi, tokens: TokenIssuer): Router {
  const router = new Router({ prefix: '/api/v1/orders' });
  const operator = requireRole(tokens, 'OPERATOR');
  const user = (ctx: { state: unknown }) => (ctx.state as AuthState).principal.username;

  router.get('/', operator, async (ctx) => {
    const { cursor, ...filter } = parseQuery(ctx, orderListQuery);
    const beforeId = cursor === undefined ? undefined : (decodeCursor('orders', cursor, 'string') as string);
    const { orders: found, total } = await orders.list({ ...filter, limit: filter.limit + 1, beforeId });
    const page = found.slice(0, filter.limit);
    ok(ctx, { orders: page, total, nextCursor: found.length > filter.limit ? encodeCursor('orders', page[page.length - 1]!.id) : null });
  });

  router.post('/', operator, async (ctx) => {
    const draft = orderDraftOf(parseBody(ctx, orderCreateBody));
    ok(ctx, await orders.create(draft, user(ctx)), 201);
  });

  router.get('/:id', operator, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const found = await orders.get(id);
    if (!found) throw notFound(`Order ${id}`);
    ok(ctx, { ...found.order, summary: found.summary });
  });

  for (const action of ['start', 'stop', 'close'] as const) {
    router.post(`/:id/${action}`, operator, async (ctx) => {
      const { id } = parseParams(ctx, idParam);
      parseBody(ctx, orderActionBody);
      ok(ctx, await orders.transition(id, action, user(ctx)));
    });
  }
  return router;
}
