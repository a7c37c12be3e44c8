/**
 * GS1 character set 82 — the printable characters allowed in alphanumeric AIs (serials, crypto
 * tails). Anything else in a serial is either scanner garbage or a keyboard-layout mangling, so it is
 * rejected rather than stored.
 */
export const CSET82_CHARACTERS =
  '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

// Lookup by char code: the scan path checks every character, so a table beats a regex or Set.
const TABLE = new Uint8Array(128);
for (let i = 0; i < CSET82_CHARACTERS.length; i++) TABLE[CSET82_CHARACTERS.charCodeAt(i)] = 1;

/** Index of the first non-CSET82 character of s[start, end), or -1. */
export function findNonCset82(s: string, start = 0, end = s.length): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TABLE[c] !== 1) return i;
  }
  return -1;
}

/** Index of the first non-digit of s[start, end), or -1. */
export function findNonDigit(s: string, start = 0, end = s.length): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return i;
  }
  return -1;
}
