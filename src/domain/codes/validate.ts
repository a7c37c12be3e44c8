import { aiDefinition, aiMatchesId } from './ai-table.js';
import { isValidGtin, mod10CheckDigit } from './check-digit.js';
import { findNonCset82, findNonDigit } from './cset82.js';
import { parseElementString } from './gs1-parser.js';
import { isIndustry, type Industry } from './industries.js';
import { normaliseScan } from './normalise.js';
import { PROFILES, type Gs1Profile, type IndustryProfile, type ProfileElement, type RawProfile } from './profiles.js';
import { aiByPrefix, anyAiTitle } from './ai-prefix.js';
import { GS1_DATAMATRIX_ID, PLAIN_DATAMATRIX_ID, isProductBarcodeId, symbologyIdentifier, symbologyName } from './symbology.js';
import { EMPTY_CODE, INVALID_LENGTH, NOT_A_STRING, UNREADABLE, reasons, reasonText, type ReasonCode, type ReasonParams, type ScanReason } from './reasons.js';

export interface ParsedCode {
  /** The full code with GS bytes. */
  normalised: string;
  /** 14 digits. */
  gtin: string;
  serial: string;
  /** '01' + gtin + '21' + serial: the de-duplication key (no crypto tail). */
  identificationCode: string;
  /** Every AI found, e.g. { '01': …, '21': …, '93': … }; empty for codes without AIs (tobacco packs). */
  ais: Record<string, string>;
}

export type CodeCheck =
  | { valid: true; code: ParsedCode }
  /**
   * reasonCode/reasonParams: why, as a stable code (src/domain/codes/reasons.ts); reason: the same
   * in English from the catalogue. gtin: the 14 digits when they could be read (even with a wrong
   * check digit), else null.
   */
  | { valid: false; reason: string; reasonCode: ReasonCode; reasonParams: ReasonParams; gtin: string | null };

/** Far above any marking code (the long pharma form is 85); bounds the work a garbage scan costs. */
const MAX_RAW_LENGTH = 1024;

function invalid(why: ScanReason, gtin: string | null): CodeCheck {
  return { valid: false, reason: reasonText(why), reasonCode: why.code, reasonParams: why.params, gtin };
}

function isWildcard(ai: string): boolean {
  return ai.charCodeAt(ai.length - 1) === 110; // 'n', as in 310n
}

function titleOf(ai: string): string {
  return aiDefinition(ai)?.title ?? `AI ${ai}`;
}

function elementFor(profile: Gs1Profile, ai: string): ProfileElement | undefined {
  for (const e of profile.elements) if (e.ai === ai || aiMatchesId(ai, e.ai)) return e;
  return undefined;
}

function findByWildcard(ais: Record<string, string>, id: string): string | undefined {
  for (const key in ais) if (aiMatchesId(key, id)) return ais[key];
  return undefined;
}

function wrongLength(e: ProfileElement, profile: Gs1Profile): ScanReason {
  if (e.alternativeLengths === undefined) return reasons.wrongLength(titleOf(e.ai), e.length, profile.name);
  return reasons.wrongLengthOneOf(titleOf(e.ai), [e.length, ...e.alternativeLengths].join('/'), profile.name);
}

/**
 * A variable element longer than the profile says may have swallowed an AI the profile does not
 * expect (a serial followed by "17" + a date, no GS between: "AI 17 (expiry date) is not part of a
 * milk code" says more than "Serial must be 6 characters"). Only claimed when the rest parses
 * cleanly as element strings; off the hot path (only for a code already refused).
 */
function hiddenUnexpectedAi(value: string, e: ProfileElement, profile: Gs1Profile): ScanReason | null {
  if (value.length <= e.length) return null;
  const rest = value.substring(e.length);
  const ai = aiByPrefix(rest, 0);
  if (ai === null || elementFor(profile, ai) !== undefined || aiDefinition(ai) === undefined) return null;
  return parseElementString(rest).ok ? reasons.unexpectedAi(ai, anyAiTitle(ai), profile.name) : null;
}

function checkGs1(data: string, profile: Gs1Profile): CodeCheck {
  const parsed = parseElementString(data, profile.elements);
  const ais = parsed.ais;
  const gtin = ais['01'] ?? null; // the parser stores 01 only as 14 digits
  if (!parsed.ok) {
    if (parsed.error.kind === 'truncated') return invalid(INVALID_LENGTH, gtin);
    if (parsed.error.kind === 'unknown-ai') {
      // Digits that GS1 assigns to an AI the table does not list: name it, as for a listed one.
      const ai = aiByPrefix(data, parsed.error.position);
      if (ai !== null) return invalid(reasons.unexpectedAi(ai, anyAiTitle(ai), profile.name), gtin);
    }
    return invalid(parsed.error.reason, gtin);
  }

  // Missing and wrong-length elements are reported after unexpected AIs: "Unexpected AI 91" says
  // more about a code from another product group than "Missing AI 93" does.
  let matched = 0;
  let deferred: ScanReason | null = null;
  for (const e of profile.elements) {
    // Enumerating keys for a measure AI (310n) is skipped once every AI read is accounted for.
    const value = !isWildcard(e.ai) ? ais[e.ai] : matched < parsed.count ? findByWildcard(ais, e.ai) : undefined;
    if (value === undefined) {
      if (!e.optional && deferred === null) deferred = reasons.missingAi(e.ai, titleOf(e.ai), profile.name);
      continue;
    }
    matched++;
    if (deferred === null && value.length !== e.length && !e.alternativeLengths?.includes(value.length)) {
      deferred = hiddenUnexpectedAi(value, e, profile) ?? wrongLength(e, profile);
    }
  }
  if (parsed.count > matched) {
    for (const key in ais) {
      if (elementFor(profile, key) === undefined) return invalid(reasons.unexpectedAi(key, titleOf(key), profile.name), gtin);
    }
  }
  if (deferred !== null) return invalid(deferred, gtin);

  const serial = ais['21']!;
  return {
    valid: true,
    code: { normalised: data, gtin: gtin!, serial, identificationCode: '01' + gtin + '21' + serial, ais },
  };
}

function checkRaw(data: string, profile: RawProfile): CodeCheck {
  const segments = profile.segments;
  let total = 0;
  for (let i = 0; i < segments.length; i++) total += segments[i]!.length;
  // Without AIs the length is the only framing there is; a wrong one leaves no field trustworthy.
  if (data.length !== total) return invalid(INVALID_LENGTH, null);

  let gtin: string | null = null;
  let serial = '';
  let p = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const end = p + s.length;
    const bad = s.charset === 'numeric' ? findNonDigit(data, p, end) : findNonCset82(data, p, end);
    if (bad !== -1) return invalid(reasons.invalidCharacter(s.name), gtin);
    if (s.role === 'gtin') {
      gtin = data.substring(p, end);
      if (!isValidGtin(gtin)) return invalid(reasons.checkDigit(s.name), gtin);
    } else if (s.role === 'serial') {
      serial = data.substring(p, end);
    }
    p = end;
  }
  if (gtin === null) return invalid(UNREADABLE, null); // a profile without a GTIN segment
  return {
    valid: true,
    code: { normalised: data, gtin, serial, identificationCode: '01' + gtin + '21' + serial, ais: {} },
  };
}

/**
 * The symbology identifier decides before the data is read: a GS1 layout is only a GS1 DataMatrix
 * (`]d2`), a tobacco pack only a Data Matrix without FNC1 (`]d1`), and an EAN/UPC is a product
 * barcode whatever the layout (src/domain/codes/symbology.ts).
 */
function refusedSymbology(id: string, profile: IndustryProfile): ScanReason | null {
  if (isProductBarcodeId(id)) return reasons.productBarcode();
  if (profile.format === 'gs1') return id === GS1_DATAMATRIX_ID ? null : reasons.notGs1DataMatrix(id, symbologyName(id));
  return id === PLAIN_DATAMATRIX_ID ? null : reasons.notPackDataMatrix(id, symbologyName(id));
}

/** EAN-8, UPC-A or EAN-13 digits with a right check digit: a product barcode read instead of the marking code. */
function isProductBarcode(data: string): boolean {
  const n = data.length;
  if (n !== 8 && n !== 12 && n !== 13) return false;
  return findNonDigit(data) === -1 && mod10CheckDigit(data, 0, n - 1) === data.charCodeAt(n - 1) - 48;
}

/**
 * Normalises then validates against a profile: the entry point for profiles edited through
 * catalogs. Never throws, whatever it is given.
 */
export function checkCodeWithProfile(raw: string, profile: IndustryProfile): CodeCheck {
  try {
    if (typeof raw !== 'string') return invalid(NOT_A_STRING, null);
    if (raw.length > MAX_RAW_LENGTH) return invalid(INVALID_LENGTH, null);
    const data = normaliseScan(raw);
    if (data.length === 0) return invalid(EMPTY_CODE, null);
    const symbology = symbologyIdentifier(raw);
    if (symbology !== null) {
      const refusal = refusedSymbology(symbology, profile);
      if (refusal !== null) return invalid(refusal, null);
    }
    if (isProductBarcode(data)) return invalid(reasons.productBarcode(), null);
    return profile.format === 'raw' ? checkRaw(data, profile) : checkGs1(data, profile);
  } catch {
    // Only a malformed profile can get here; a scan must still get an answer, not a crash.
    return invalid(UNREADABLE, null);
  }
}

/** Normalises then validates against the industry profile. Never throws. */
export function checkCode(raw: string, industry: Industry): CodeCheck {
  if (!isIndustry(industry)) return invalid(reasons.unknownIndustry(industry), null);
  return checkCodeWithProfile(raw, PROFILES[industry]);
}
