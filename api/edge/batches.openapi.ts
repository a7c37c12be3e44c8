import { z } from 'zod';
import { describeRoute } from '../http/openapi/route-description.js';
import { addBody, closeBody, createBody, listQuery, unpackBody } from './batches.routes.js';
import { idParam } from './schemas.js';

/** A batch as the edge answers it (src/domain/aggregation.ts Batch). */
const batchAnswer = z.looseObject({
  id: z.string(),
  identifier: z.string(),
  /** The box's SSCC (AI 00, 18 digits, issue 14); null without a configured GS1 company prefix or for boxes made before. */
  sscc: z.string().regex(/^\d{18}$/).nullable(),
  name: z.string(),
  status: z.enum(['in_progress', 'complete']),
  batchSize: z.number().int().nullable(),
  bottleCount: z.number().int().min(0),
  deviceId: z.string().nullable(),
  productionLineId: z.string().nullable(),
  sentStatus: z.enum(['pending', 'sent', 'synced']),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});

const batchChange = z.object({ batch: batchAnswer, bottleCount: z.number().int().min(0) });

/** The OpenAPI descriptions of batches.routes.ts (validated with the same zod schemas). */
export const batchesRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/batches',
    summary: 'List batches with optional filters.',
    access: 'OPERATOR',
    query: listQuery,
    response: z.object({ batches: z.array(batchAnswer), total: z.number().int().min(0), nextCursor: z.string().nullable() }),
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/batches',
    summary: 'Create new batch.',
    access: 'OPERATOR',
    body: createBody,
    status: 201,
    response: batchChange,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/batches/:id',
    summary: 'Get batch with bottles.',
    access: 'OPERATOR',
    params: idParam,
    response: z.object({ batch: batchAnswer, bottles: z.array(z.looseObject({ id: z.string(), identifier: z.string() })) }),
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/batches/:id/bottles',
    summary: 'Add bottles to batch.',
    access: 'OPERATOR',
    params: idParam,
    body: addBody,
    response: batchChange,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/batches/:id/close',
    summary: 'Closes a partial batch by hand (the run ended before the box was full)',
    description: 'Closes a partial batch by hand (the run ended before the box was full); journaled with who did it.',
    access: 'OPERATOR',
    params: idParam,
    body: closeBody,
    response: batchChange,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/batches/:id/unpack',
    summary: 'Unpacks a box (disaggregation)',
    description: 'Every unit leaves the box (In Batch → Created; units already reported keep their status); the box stays, with its identifier and SSCC, open for repacking. batch.unpacked (SSCC, units by GTIN + serial) goes upstream. 409 for a box on a pallet or an empty box. Journaled.',
    access: 'OPERATOR',
    params: idParam,
    body: unpackBody,
    response: z.object({ batch: batchAnswer, bottleCount: z.number().int().min(0), unpacked: z.number().int().min(0) }),
  }),
];
