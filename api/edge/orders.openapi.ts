import { z } from 'zod';
import { ORDER_STATUSES } from '../../src/domain/orders.js';
import { describeRoute } from '../http/openapi/route-description.js';
import { orderActionBody, orderCreateBody, orderListQuery } from './orders.routes.js';
import { idParam } from './schemas.js';

/** An order as the edge answers it (src/domain/orders.ts Order). */
const orderAnswer = z.looseObject({
  id: z.string(),
  number: z.string(),
  lineId: z.string(),
  status: z.enum(ORDER_STATUSES),
  productId: z.string().nullable(),
  productName: z.string().nullable(),
  gtins: z.array(z.string()),
  lot: z.string(),
  productionDate: z.string(),
  expiryDate: z.string(),
  plannedQuantity: z.number().int(),
  fields: z.record(z.string(), z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});

const summary = z.object({
  planned: z.number().int(),
  produced: z.number().int(),
  remaining: z.number().int(),
  rejected: z.object({ total: z.number().int(), byReason: z.record(z.string(), z.number().int()) }),
});

const action = (verb: 'start' | 'stop' | 'close', summaryText: string, description: string) =>
  describeRoute({
    method: 'POST',
    path: `/api/v1/orders/:id/${verb}`,
    summary: summaryText,
    description,
    access: 'OPERATOR',
    params: idParam,
    body: orderActionBody,
    response: orderAnswer,
  });

/** The OpenAPI descriptions of orders.routes.ts (validated with the same zod schemas). */
export const ordersRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/orders',
    summary: 'List production orders (newest first) by status, GTIN or lot.',
    access: 'OPERATOR',
    query: orderListQuery,
    response: z.object({ orders: z.array(orderAnswer), total: z.number().int().min(0), nextCursor: z.string().nullable() }),
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/orders',
    summary: 'Create a production order (planned).',
    description: 'GTINs must be GTIN-14 with a valid check digit; the expiry date must be after the production date; the number is unique (409).',
    access: 'OPERATOR',
    body: orderCreateBody,
    status: 201,
    response: orderAnswer,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/orders/:id',
    summary: 'An order with its summary: planned, produced, rejected by reason code.',
    access: 'OPERATOR',
    params: idParam,
    response: orderAnswer.extend({ summary }),
  }),
  action('start', 'Start the order: the line accepts only its GTINs.', 'Planned or stopped orders start; 409 while another order is active on the line.'),
  action('stop', 'Stop the active order.', 'Only the active order stops; the line then follows line.withoutOrder.'),
  action('close', 'Close the order for good.', 'A planned, active or stopped order closes; a closed order cannot start again.'),
];
