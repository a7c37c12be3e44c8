import type { Industry } from './industries.js';
import type { AiCharset } from './ai-table.js';

/**
 * Code layouts per industry. Profiles are data (catalogs will edit them): validate.ts and
 * generate.ts are generic over these shapes and know nothing about milk or shoes.
 */

/** One AI of a GS1 layout. `length` is exact: Chestny ZNAK fixes lengths GS1 leaves variable. */
export interface ProfileElement {
  /** AI table id: '01', '21', '93', '310n'. */
  readonly ai: string;
  readonly length: number;
  /** May be absent (e.g. the weight of weight-variable dairy); never generated. */
  readonly optional?: boolean;
  /**
   * Other exact lengths still in circulation (never generated: `length` is what new codes carry).
   * AI 92 of footwear and light industry: 44 today, 88 on codes issued before the switch.
   */
  readonly alternativeLengths?: readonly number[];
}

/**
 * A GS1 element string. Must contain 01 and 21. `elements` is the printed order; reading accepts
 * any order, as GS1 does.
 */
export interface Gs1Profile {
  readonly format: 'gs1';
  /** Used in reasons: "Serial must be 6 characters for milk". */
  readonly name: string;
  readonly elements: readonly ProfileElement[];
}

/** A fixed-position segment of a code without AIs. */
export interface RawSegment {
  readonly name: string;
  readonly length: number;
  readonly charset: AiCharset;
  /** Which segment is the GTIN (14 digits, mod-10 checked) and which the serial. */
  readonly role?: 'gtin' | 'serial';
}

/** A code without AIs or separators: the segments back to back. */
export interface RawProfile {
  readonly format: 'raw';
  readonly name: string;
  readonly segments: readonly RawSegment[];
}

export type IndustryProfile = Gs1Profile | RawProfile;

const GTIN: ProfileElement = { ai: '01', length: 14 };
const CRYPTO_TAIL: ProfileElement = { ai: '93', length: 4 };
const serial = (length: number): ProfileElement => ({ ai: '21', length });

/**
 * Pharma, shoes and light industry share the long form: verification key 91 and code 92.
 * `legacy92`: the group also has codes with the older 88-character verification code in
 * circulation (footwear and light industry; docs/EDGE.md "Exact code rules" has the table).
 */
const longForm = (name: string, legacy92 = false): Gs1Profile => ({
  format: 'gs1',
  name,
  elements: [GTIN, serial(13), { ai: '91', length: 4 }, legacy92 ? { ai: '92', length: 44, alternativeLengths: [88] } : { ai: '92', length: 44 }],
});

export const PROFILES: Record<Industry, IndustryProfile> = {
  milk: {
    format: 'gs1',
    name: 'milk',
    // The 6-character serial comes from the published open code, not from decree ПП 2099 itself.
    // Weight-variable dairy adds its net weight (310n).
    elements: [GTIN, serial(6), CRYPTO_TAIL, { ai: '310n', length: 6, optional: true }],
  },
  water: { format: 'gs1', name: 'water', elements: [GTIN, serial(13), CRYPTO_TAIL] },
  // TO CONFIRM against the beer decree: no Russian layout was found; this is the Uzbek analogue
  // (serial 7).
  beer: { format: 'gs1', name: 'beer', elements: [GTIN, serial(7), CRYPTO_TAIL] },
  tobacco_pack: {
    format: 'raw',
    name: 'tobacco_pack',
    segments: [
      { name: 'GTIN', length: 14, charset: 'numeric', role: 'gtin' },
      { name: 'serial', length: 7, charset: 'cset82', role: 'serial' },
      { name: 'price', length: 4, charset: 'cset82' }, // the MRP, encoded
      { name: 'check code', length: 4, charset: 'cset82' },
    ],
  },
  tobacco_block: {
    format: 'gs1',
    name: 'tobacco_block',
    elements: [GTIN, serial(7), { ai: '8005', length: 6 }, CRYPTO_TAIL],
  },
  pharma: longForm('pharma'),
  shoes: longForm('shoes', true),
  light_industry: longForm('light_industry', true),
};

