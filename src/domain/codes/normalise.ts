import { GS } from './gs.js';

/**
 * Printable stand-ins for GS that reach us from scanners in keyboard mode, config tools, logs and
 * people pasting codes: `<GS>`, `{GS}`, `[GS]`, the FNC1 markers, a literal `\x1d` / `\u001d`,
 * caret notation `^]`, and U+241D (the "␝" glyph some viewers substitute). Compiled once: the scan
 * path must not build a regex per call.
 */
const GS_SUBSTITUTES = /<GS>|\{GS\}|\[GS\]|<FNC1>|\{FNC1\}|\[FNC1\]|\\x1[dD]|\\u001[dD]|\^\]|\u241d/g;

/**
 * Whether a substitute may start anywhere in s, so that a clean string skips the regex. '<' is a
 * CSET 82 character and common in crypto tails, hence the look at the character after it.
 */
function mayHaveSubstitute(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 60 /* < */) {
      const d = s.charCodeAt(i + 1);
      if (d === 71 /* G */ || d === 70 /* F */) return true;
    } else if (c === 91 /* [ */ || c === 92 /* \ */ || c === 94 /* ^ */ || c === 123 /* { */ || c === 0x241d) {
      return true;
    }
  }
  return false;
}

/**
 * C0 controls (CR, LF, TAB, STX/ETX framing, and GS itself: a leading GS is the FNC1 some scanners
 * transmit, a trailing one is encoder noise), space, DEL and a BOM never belong at either end.
 */
function isEdgeNoise(c: number): boolean {
  return c <= 0x20 || c === 0x7f || c === 0xfeff;
}

/**
 * Turns raw scanner output into the GS1 element string: GS substitutes become the GS byte, the
 * AIM symbology identifier (`]d2` GS1 DataMatrix, `]C1` GS1-128, `]e0` DataBar, `]Q3` QR, `]d1`
 * plain DataMatrix as on tobacco packs, …) and surrounding noise are removed. ']' is not a CSET 82
 * character, so a leading ']' can only be an identifier. Returns the input itself when it is already
 * clean, which is the common case on the scan path.
 */
export function normaliseScan(raw: string): string {
  let s = typeof raw === 'string' ? raw : '';
  if (mayHaveSubstitute(s)) s = s.replace(GS_SUBSTITUTES, GS);

  let start = 0;
  let end = s.length;
  while (start < end && isEdgeNoise(s.charCodeAt(start))) start++;
  while (end > start && isEdgeNoise(s.charCodeAt(end - 1))) end--;
  if (end - start >= 3 && s.charCodeAt(start) === 93 /* ] */) {
    start += 3;
    while (start < end && isEdgeNoise(s.charCodeAt(start))) start++;
  }
  return start === 0 && end === s.length ? s : s.substring(start, end);
}
