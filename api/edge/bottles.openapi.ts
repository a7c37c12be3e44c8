import { describeRoute } from '../http/openapi/route-description.js';
import { byCodeQuery, countQuery, createBody, listQuery, statusBody } from './bottles.routes.js';
import { idParam } from './schemas.js';

/** The OpenAPI descriptions of bottles.routes.ts (validated with the same zod schemas). */
export const bottlesRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/bottles',
    summary: 'List bottles with optional filters.',
    access: 'OPERATOR',
    query: listQuery,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/bottles/by-code',
    summary: 'A bottle by its marking code, as printed or scanned',
    description: 'A bottle by its marking code, as printed or scanned: URL-encoded in `code` (a GS may come as itself, %1D, or a printable substitute; any CSET 82 character). Normalised and checked like a scan, then found by its identification code (01 GTIN 21 serial).',
    access: 'OPERATOR',
    query: byCodeQuery,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/bottles/count',
    summary: 'Get bottle counts.',
    access: 'OPERATOR',
    query: countQuery,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/bottles',
    summary: 'Create bottles.',
    description: 'Bulk create goes through the scan line like any scan (validation, de-duplication, group commit). Per-item results: created bottles, and rejected items with the reason. When nothing was created and some item was a duplicate, the whole request is a 409 CONFLICT.',
    access: 'OPERATOR',
    body: createBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/bottles/:id',
    summary: 'Get bottle details.',
    access: 'OPERATOR',
    params: idParam,
  }),
  describeRoute({
    method: 'PATCH',
    path: '/api/v1/bottles/:id/status',
    summary: 'Update bottle status.',
    access: 'MANAGER',
    params: idParam,
    body: statusBody,
  }),
];
