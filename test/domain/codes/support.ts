import { seededRng } from '../../../src/domain/seeded-rng.js';
export { seededRng };

export const GS = '\u001d';
/** Valid GTIN-14: 0460084074937 has check digit 2 (from the reference milk example). */
export const GTIN = '04600840749372';
/** 4006381333931 is a well-known valid EAN-13 (weights 1,3,… sum 89 → check 1). */
export const GTIN_EAN13 = '04006381333931';
