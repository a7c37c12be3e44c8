import { GS_CHAR_CODE } from './gs.js';
import { matchAi, type AiDefinition } from './ai-table.js';
import { findNonCset82, findNonDigit } from './cset82.js';
import { hasValidCheckDigitAt } from './check-digit.js';
import { reasons, reasonText, type ScanReason } from './reasons.js';
import { isValidGs1Date } from './gs1-date.js';

export type Gs1ErrorKind =
  | 'truncated'
  | 'unknown-ai'
  | 'unexpected-gs'
  | 'empty-element'
  | 'invalid-character'
  | 'check-digit'
  | 'invalid-date'
  | 'too-long'
  | 'missing-gs'
  | 'duplicate-ai';

export interface Gs1ParseError {
  readonly kind: Gs1ErrorKind;
  /** The stable code and params of the reason (what the API and the HMI use). */
  readonly reason: ScanReason;
  /** The reason in English, from the message catalogue. */
  readonly message: string;
  /** The AI being read when the error was found, if one had been identified. */
  readonly ai: string | null;
  readonly position: number;
}

export type Gs1Parse =
  | { readonly ok: true; readonly ais: Record<string, string>; readonly count: number }
  /** ais holds what was read before the error; a GTIN that failed only its check digit is kept. */
  | { readonly ok: false; readonly ais: Record<string, string>; readonly error: Gs1ParseError };

/**
 * The expected length of a variable-length AI (by table id, e.g. '21'). A profile passes its
 * elements here: knowing the serial is 6 long is the only way to tell "serial + missing GS + 93…"
 * from a long serial that happens to contain "93".
 */
export interface LengthHint {
  readonly ai: string;
  readonly length: number;
  /** Other lengths in circulation for the same element (AI 92: 44, and 88 on older codes). */
  readonly alternativeLengths?: readonly number[];
}

function hintFor(hints: readonly LengthHint[] | undefined, id: string): LengthHint | undefined {
  if (hints === undefined) return undefined;
  for (let i = 0; i < hints.length; i++) if (hints[i]!.ai === id) return hints[i];
  return undefined;
}

function isAlternativeLength(hint: LengthHint, len: number): boolean {
  const alternatives = hint.alternativeLengths;
  if (alternatives === undefined) return false;
  for (let i = 0; i < alternatives.length; i++) if (alternatives[i] === len) return true;
  return false;
}

/** The AI a missing GS left at data[at], when it is one the profile expects and has not been read yet. */
function missingGsAt(data: string, hints: readonly LengthHint[], current: AiDefinition, count: number, at: number): string | null {
  const next = matchAi(data, at);
  if (next === null || next === current || hintFor(hints, next.id) === undefined) return null;
  const nextAi = concreteAi(data, at, next);
  return indexOfKey(count, nextAi) === -1 ? nextAi : null;
}

// Scratch for the AIs read so far: parsing is synchronous, so one pair of arrays serves every call.
const KEYS: string[] = [];
const VALUES: string[] = [];

function indexOfKey(count: number, ai: string): number {
  for (let i = 0; i < count; i++) if (KEYS[i] === ai) return i;
  return -1;
}

function toRecord(count: number): Record<string, string> {
  const ais: Record<string, string> = {};
  for (let i = 0; i < count; i++) ais[KEYS[i]!] = VALUES[i]!;
  return ais;
}

function fail(count: number, kind: Gs1ErrorKind, reason: ScanReason, ai: string | null, position: number): Gs1Parse {
  return { ok: false, ais: toRecord(count), error: { kind, reason, message: reasonText(reason), ai, position } };
}

/** The AI as it appears in the data: '3103' for the 310n family; the interned table id otherwise. */
function concreteAi(data: string, p: number, def: AiDefinition): string {
  return def.id.indexOf('n') === -1 ? def.id : data.substring(p, p + def.id.length);
}

function allDigits(s: string, from: number): boolean {
  return from < s.length && findNonDigit(s, from) === -1;
}

/**
 * Reads a GS1 element string (GS bytes in place, no symbology identifier: see normaliseScan).
 * Elements may come in any order, as GS1 allows. Stops at the first error.
 */
export function parseElementString(data: string, hints?: readonly LengthHint[]): Gs1Parse {
  const n = data.length;
  let count = 0;
  let p = 0;

  while (p < n) {
    if (data.charCodeAt(p) === GS_CHAR_CODE) {
      return fail(count, 'unexpected-gs', reasons.unexpectedGs(p), null, p);
    }
    const def: AiDefinition | null = matchAi(data, p);
    if (def === null) {
      // A few trailing digits that could still begin an AI mean the code was cut short.
      if (n - p < 4 && allDigits(data, p)) return fail(count, 'truncated', reasons.truncated(null), null, p);
      return fail(count, 'unknown-ai', reasons.unknownAi(p, data.substring(p, p + 4)), null, p);
    }
    const aiLen = def.id.length;
    const ai = concreteAi(data, p, def);
    if (indexOfKey(count, ai) !== -1) return fail(count, 'duplicate-ai', reasons.duplicateAi(ai), ai, p);
    const v = p + aiLen;

    if (!def.variable) {
      const end = v + def.length;
      if (end > n) return fail(count, 'truncated', reasons.truncated(ai), ai, p);
      const bad = findNonDigit(data, v, end);
      if (bad !== -1) return fail(count, 'invalid-character', reasons.invalidCharacter(def.title), ai, bad);
      KEYS[count] = ai;
      VALUES[count++] = data.substring(v, end);
      if (def.checkDigit && !hasValidCheckDigitAt(data, v, def.length)) {
        return fail(count, 'check-digit', reasons.checkDigit(def.title), ai, end - 1);
      }
      if (def.date && !isValidGs1Date(data, v)) return fail(count, 'invalid-date', reasons.invalidDate(def.title), ai, v);
      if (end < n && data.charCodeAt(end) === GS_CHAR_CODE) {
        p = end + 1; // needed after 8005; after a predefined-length AI it is encoder noise we tolerate
      } else if (end < n && !def.predefined) {
        const next = matchAi(data, end);
        const reason = next === null ? reasons.missingGsAfter(ai) : reasons.missingGs(concreteAi(data, end, next));
        return fail(count, 'missing-gs', reason, ai, end);
      } else {
        p = end;
      }
      continue;
    }

    let end = data.indexOf('\u001d', v);
    if (end === -1) end = n;
    const len = end - v;
    const hint = hintFor(hints, def.id);
    if (hint !== undefined) {
      // Only an AI the profile expects and has not seen yet counts as "the next element", looked
      // for where each length in circulation would end the element (no allocation: hot path).
      if (len > hint.length && !isAlternativeLength(hint, len)) {
        const missing = missingGsAt(data, hints!, def, count, v + hint.length);
        if (missing !== null) return fail(count, 'missing-gs', reasons.missingGs(missing), ai, v + hint.length);
        const alternatives = hint.alternativeLengths;
        if (alternatives !== undefined) {
          for (let i = 0; i < alternatives.length; i++) {
            const at = v + alternatives[i]!;
            if (len <= alternatives[i]!) continue;
            const other = missingGsAt(data, hints!, def, count, at);
            if (other !== null) return fail(count, 'missing-gs', reasons.missingGs(other), ai, at);
          }
        }
      }
      // A wrong length is the profile's to report ("Serial must be 6 characters for milk").
    } else {
      if (len === 0) return fail(count, 'empty-element', reasons.empty(def.title), ai, v);
      if (len > def.length) return fail(count, 'too-long', reasons.tooLong(def.title, def.length), ai, v);
    }
    const bad = def.charset === 'numeric' ? findNonDigit(data, v, end) : findNonCset82(data, v, end);
    if (bad !== -1) return fail(count, 'invalid-character', reasons.invalidCharacter(def.title), ai, bad);
    KEYS[count] = ai;
    VALUES[count++] = data.substring(v, end);
    p = end + 1; // past the GS; a trailing GS simply ends the data
  }
  return { ok: true, ais: toRecord(count), count };
}

