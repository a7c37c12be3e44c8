import { z } from 'zod';
import { describeRoute } from '../http/openapi/route-description.js';
import { palletCloseBody, palletListQuery } from './pallets.routes.js';
import { idParam } from './schemas.js';

/** A pallet as the edge answers it (src/domain/pallet.ts Pallet). */
const palletAnswer = z.looseObject({
  id: z.string(),
  identifier: z.string(),
  /** SSCC (AI 00, 18 digits); null without a configured GS1 company prefix. */
  sscc: z.string().regex(/^\d{18}$/).nullable(),
  status: z.enum(['in_progress', 'complete']),
  palletSize: z.number().int().nullable(),
  batchCount: z.number().int().min(0),
  deviceId: z.string().nullable(),
  productionLineId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});

/** The OpenAPI descriptions of pallets.routes.ts. */
export const palletsRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/pallets',
    summary: 'List pallets, newest first, with their SSCC.',
    access: 'OPERATOR',
    query: palletListQuery,
    response: z.object({ pallets: z.array(palletAnswer) }),
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/pallets/:id',
    summary: 'A pallet with its boxes (identifier and SSCC).',
    access: 'OPERATOR',
    params: idParam,
    response: z.object({ pallet: palletAnswer, batches: z.array(z.object({ id: z.string(), identifier: z.string(), sscc: z.string().nullable(), bottleCount: z.number().int().min(0) })) }),
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/pallets/:id/close',
    summary: 'Closes a partial pallet by hand',
    description: 'Completes the pallet with the boxes it has; pallet.completed (with the SSCCs) goes upstream and the pallet label prints. Journaled with who did it.',
    access: 'OPERATOR',
    params: idParam,
    body: palletCloseBody,
    response: z.object({ pallet: palletAnswer }),
  }),
];
