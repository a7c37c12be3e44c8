import { describeRoute } from '../http/openapi/route-description.js';
import { addBody, closeBody, createBody, listQuery } from './batches.routes.js';
import { idParam } from './schemas.js';

/** The OpenAPI descriptions of batches.routes.ts (validated with the same zod schemas). */
export const batchesRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/batches',
    summary: 'List batches with optional filters.',
    access: 'OPERATOR',
    query: listQuery,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/batches',
    summary: 'Create new batch.',
    access: 'OPERATOR',
    body: createBody,
    status: 201,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/batches/:id',
    summary: 'Get batch with bottles.',
    access: 'OPERATOR',
    params: idParam,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/batches/:id/bottles',
    summary: 'Add bottles to batch.',
    access: 'OPERATOR',
    params: idParam,
    body: addBody,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/batches/:id/close',
    summary: 'Closes a partial batch by hand (the run ended before the box was full)',
    description: 'Closes a partial batch by hand (the run ended before the box was full); journaled with who did it.',
    access: 'OPERATOR',
    params: idParam,
    body: closeBody,
  }),
];
