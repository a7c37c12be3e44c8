import { findNonDigit } from './cset82.js';

/**
 * GS1 mod-10 check digit over `body` (all digits): weights 3,1,3,… counted from the rightmost
 * digit, so the same routine serves GTIN-8/12/13/14 and SSCC. Returns -1 when body has a non-digit.
 */
export function mod10CheckDigit(body: string, start = 0, end = body.length): number {
  let sum = 0;
  let weight = 3;
  for (let i = end - 1; i >= start; i--) {
    const d = body.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    sum += d * weight;
    weight = 4 - weight;
  }
  return (10 - (sum % 10)) % 10;
}

function hasValidMod10(s: string, length: number, start: number): boolean {
  if (s.length < start + length || findNonDigit(s, start, start + length) !== -1) return false;
  return mod10CheckDigit(s, start, start + length - 1) === s.charCodeAt(start + length - 1) - 48;
}

/** Check digit for the first 13 digits of a GTIN-14. Throws on anything but 13 digits. */
export function gtinCheckDigit(first13: string): number {
  if (typeof first13 !== 'string' || first13.length !== 13 || findNonDigit(first13) !== -1) {
    throw new RangeError('gtinCheckDigit needs exactly 13 digits');
  }
  return mod10CheckDigit(first13);
}

export function isValidGtin(gtin14: string): boolean {
  return typeof gtin14 === 'string' && gtin14.length === 14 && hasValidMod10(gtin14, 14, 0);
}

export function isValidSscc(sscc18: string): boolean {
  return typeof sscc18 === 'string' && sscc18.length === 18 && hasValidMod10(sscc18, 18, 0);
}

/** Whether the `length` digits of s starting at `start` end in a correct mod-10 check digit. */
export function hasValidCheckDigitAt(s: string, start: number, length: number): boolean {
  return hasValidMod10(s, length, start);
}
