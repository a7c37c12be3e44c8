import { z } from 'zod';
import { MAX_COMPANY_PREFIX_LENGTH, MIN_COMPANY_PREFIX_LENGTH } from './epc-uri.js';

/**
 * `epcis` in the edge's and the factory's configuration: how identities become EPC URIs in
 * GET /api/v1/epcis/events (see epc-uri.ts for the company prefix length problem).
 */
export const epcisConfigSchema = z
  .object({
    /** Company prefix length used when no known prefix matches. */
    companyPrefixLength: z.number().int().min(MIN_COMPANY_PREFIX_LENGTH).max(MAX_COMPANY_PREFIX_LENGTH).default(7),
    /** Known GS1 company prefixes; the longest one a GTIN or SSCC starts with sets the split. */
    companyPrefixes: z
      .array(z.string().regex(new RegExp(`^\\d{${MIN_COMPANY_PREFIX_LENGTH},${MAX_COMPANY_PREFIX_LENGTH}}$`), '6-12 digits'))
      .max(1000)
      .default([]),
    /**
     * Base of the identifiers that have no GS1 key (a box or pallet without an SSCC, a line as
     * read point, the production date's term): `<base>box/B-…`. Set it to a domain the company
     * controls; the default is a reserved, never-resolving name.
     */
    privateBaseUri: z.url({ protocol: /^https?$/ }).default('https://epcis.okto.invalid/'),
  })
  .strict()
  .prefault({});

export type EpcisConfig = z.infer<typeof epcisConfigSchema>;
