import { z } from 'zod';
import { describeRoute } from '../http/openapi/route-description.js';
import { duplicateRecord, duplicatesQuery } from './duplicates.routes.js';

/** The OpenAPI descriptions of duplicates.routes.ts (validated with the same zod schemas). */
export const duplicatesRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/duplicates',
    summary: 'List site-wide duplicate codes',
    description:
      'Codes (`01` GTIN `21` serial) that arrived from a device or line after another had sent them first, newest first. The next page: `cursor` = the `X-Next-Cursor` header of this one.',
    access: 'OPERATOR',
    query: duplicatesQuery,
    response: z.array(duplicateRecord),
  }),
];
