import { z } from 'zod';
import { INDUSTRIES } from '../../src/domain/codes/index.js';

/** Query-string integers arrive as text: coerce, then bound. */
export const limitParam = (fallback: number, max = 1000) => z.coerce.number().int().min(1).max(max).default(fallback);

export const idParam = z.object({ id: z.string().min(1).max(64) });

/** A scanned code as a client sends it: printable GS substitutes and symbology prefixes allowed. */
export const codeField = z.string().min(1).max(512);

export const industryField = z.enum(INDUSTRIES);
