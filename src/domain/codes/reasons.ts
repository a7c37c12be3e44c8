import { formatMessage, MESSAGES, type Locale } from '../i18n/messages.js';

/**
 * Why a scan was not accepted, as a stable machine code and the params its words need. The API
 * carries the code (`reasonCode`, `reasonParams`) and the HMI shows its translation from the
 * message catalogue (`reason.<code in lower snake>`, src/domain/i18n/reasons.messages.ts), so an
 * operator reads the reason in their language and clients never parse English sentences. The
 * English `message` the API keeps for compatibility is rendered from the same catalogue.
 */
export const REASON_CODES = [
  // The validator (src/domain/codes)
  'EMPTY_CODE',
  'NOT_A_STRING',
  'UNREADABLE',
  'INVALID_LENGTH',
  'UNKNOWN_INDUSTRY',
  'UNKNOWN_AI',
  'UNEXPECTED_GS',
  'UNEXPECTED_AI',
  'MISSING_AI',
  'DUPLICATE_AI',
  'MISSING_GS',
  'MISSING_GS_AFTER',
  'WRONG_LENGTH',
  'TOO_LONG',
  'EMPTY_ELEMENT',
  'INVALID_CHARACTER',
  'CHECK_DIGIT',
  'INVALID_DATE',
  'TRUNCATED',
  'TRUNCATED_AI',
  // Exact code rules (issue 14): what was read is not a marking code of this line at all
  'NOT_GS1_DATAMATRIX',
  'NOT_PACK_DATAMATRIX',
  'PRODUCT_BARCODE',
  'WRONG_LENGTH_ONE_OF',
  // The scan line (machines/edge/scan-line.machine.ts) and the role stations (src/edge/roles)
  'GTIN_MISMATCH',
  'DUPLICATE',
  'NO_READ',
  'LINE_PAUSED',
  'LINE_DISABLED',
  'LINE_STOPPING',
  'LINE_STOPPED',
  'STORAGE_UNAVAILABLE',
  'ROLE_NOT_AVAILABLE',
  'REFUSED',
  'STORAGE_ERROR',
  // Role stations (adapters/store/role-scan-store.ts, pallet-store.ts): units and batches already handled
  'UNKNOWN_UNIT',
  'ALREADY_REMOVED',
  'ALREADY_REJECTED',
  'NOT_IN_BUFFER',
  'ALREADY_CONSUMED',
  'ALREADY_CONSUMED_BY',
  'ALREADY_IN_BATCH',
  'PACKED_IN_OTHER_BATCH',
  'UNKNOWN_BATCH',
  'UNIT_NOT_IN_BATCH',
  'BATCH_ALREADY_ON_PALLET',
  'BATCH_ON_OTHER_PALLET',
  'BATCH_EMPTY',
  // Aggregation with SSCC (issue 14): BOX labels and one GTIN per box
  'NOT_SSCC_LABEL',
  'SSCC_CHECK_DIGIT',
  'UNKNOWN_SSCC',
  'MIXED_GTIN_IN_BOX',
  // Production orders (src/domain/orders.ts): the GTIN lock and the PLC's reject-all safe state
  'WRONG_PRODUCT',
  'NO_ACTIVE_ORDER',
  'REJECTED_BY_SAFE_STATE',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];
export type ReasonParams = Record<string, string | number>;

export interface ScanReason {
  readonly code: ReasonCode;
  readonly params: ReasonParams;
}

const KNOWN = new Set<string>(REASON_CODES);
export const isReasonCode = (code: unknown): code is ReasonCode => typeof code === 'string' && KNOWN.has(code);

/** The catalogue key of a reason code: `CHECK_DIGIT` → `reason.check_digit`. */
export function reasonKey(code: string): string {
  return `reason.${code.toLowerCase()}`;
}

/** The catalogue key naming a field (an AI title or a raw segment name): 'expiry date' → `reason.field.expiry_date`. */
export function fieldKey(title: string): string {
  return `reason.field.${title.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/**
 * The words of a reason in a locale. A `field` param (the English title of an AI or segment) is
 * translated when the catalogue knows it; a sentence that opens with the field starts with a capital ("Serial must be …").
 */
export function reasonText(reason: { code: string; params?: ReasonParams | null }, locale: Locale = 'en'): string {
  const params: ReasonParams = { ...(reason.params ?? {}) };
  if (typeof params.field === 'string') {
    const key = fieldKey(params.field);
    const words = formatMessage(key, {}, locale);
    if (words !== key) params.field = words;
  }
  const key = reasonKey(reason.code);
  const template = MESSAGES[key]?.[locale];
  if (template === undefined) return reason.code;
  const text = formatMessage(key, params, locale);
  return template.startsWith('{field}') ? capitalise(text) : text;
}

const r = (code: ReasonCode, params: ReasonParams = {}): ScanReason => ({ code, params });

export const EMPTY_CODE = r('EMPTY_CODE');
export const INVALID_LENGTH = r('INVALID_LENGTH');
export const NOT_A_STRING = r('NOT_A_STRING');
export const UNREADABLE = r('UNREADABLE');

/** Builders of every reason the domain produces (tests use them to build expectations). */
export const reasons = {
  unknownIndustry: (industry: unknown) => r('UNKNOWN_INDUSTRY', { industry: String(industry) }),
  /** found: the characters where an AI was expected, so the words name what was there, not just where. */
  unknownAi: (position: number, found: string) => r('UNKNOWN_AI', { position, found }),
  unexpectedGs: (position: number) => r('UNEXPECTED_GS', { position }),
  unexpectedAi: (ai: string, field: string, profile: string) => r('UNEXPECTED_AI', { ai, field, profile }),
  missingAi: (ai: string, field: string, profile: string) => r('MISSING_AI', { ai, field, profile }),
  duplicateAi: (ai: string) => r('DUPLICATE_AI', { ai }),
  missingGs: (ai: string) => r('MISSING_GS', { ai }),
  missingGsAfter: (ai: string) => r('MISSING_GS_AFTER', { ai }),
  wrongLength: (field: string, length: number, profile: string) => r('WRONG_LENGTH', { field, length, profile }),
  tooLong: (field: string, max: number) => r('TOO_LONG', { field, max }),
  empty: (field: string) => r('EMPTY_ELEMENT', { field }),
  invalidCharacter: (field: string) => r('INVALID_CHARACTER', { field }),
  checkDigit: (field: string) => r('CHECK_DIGIT', { field }),
  invalidDate: (field: string) => r('INVALID_DATE', { field }),
  /** symbology: the identifier as read (`]Q3`), name: what it is ("QR Code"). */
  notGs1DataMatrix: (symbology: string, name: string) => r('NOT_GS1_DATAMATRIX', { symbology, name }),
  notPackDataMatrix: (symbology: string, name: string) => r('NOT_PACK_DATAMATRIX', { symbology, name }),
  productBarcode: () => r('PRODUCT_BARCODE'),
  /** lengths: the allowed lengths joined for reading ("44/88"). */
  wrongLengthOneOf: (field: string, lengths: string, profile: string) => r('WRONG_LENGTH_ONE_OF', { field, lengths, profile }),
  truncated: (ai: string | null) => (ai === null ? r('TRUNCATED') : r('TRUNCATED_AI', { ai })),
  gtinMismatch: () => r('GTIN_MISMATCH'),
  duplicate: () => r('DUPLICATE'),
  noRead: () => r('NO_READ'),
  linePaused: (reason: string) => r('LINE_PAUSED', { reason }),
  lineDisabled: (reason: string) => r('LINE_DISABLED', { reason }),
  lineStopping: () => r('LINE_STOPPING'),
  lineStopped: () => r('LINE_STOPPED'),
  storageUnavailable: (error: string) => r('STORAGE_UNAVAILABLE', { error }),
  roleNotAvailable: (role: string) => r('ROLE_NOT_AVAILABLE', { role }),
  refused: () => r('REFUSED'),
  storageError: () => r('STORAGE_ERROR'),
  unknownUnit: () => r('UNKNOWN_UNIT'),
  alreadyRemoved: () => r('ALREADY_REMOVED'),
  alreadyRejected: () => r('ALREADY_REJECTED'),
  notInBuffer: () => r('NOT_IN_BUFFER'),
  alreadyConsumed: (batch: string, at: string, by: string | null) =>
    by ? r('ALREADY_CONSUMED_BY', { batch, at, by }) : r('ALREADY_CONSUMED', { batch, at }),
  alreadyInBatch: (batch: string) => r('ALREADY_IN_BATCH', { batch }),
  packedInOtherBatch: (batch: string) => r('PACKED_IN_OTHER_BATCH', { batch }),
  unknownBatch: (batch: string) => r('UNKNOWN_BATCH', { batch }),
  unitNotInBatch: () => r('UNIT_NOT_IN_BATCH'),
  batchAlreadyOnPallet: (batch: string, pallet: string) => r('BATCH_ALREADY_ON_PALLET', { batch, pallet }),
  batchOnOtherPallet: (batch: string, pallet: string) => r('BATCH_ON_OTHER_PALLET', { batch, pallet }),
  batchEmpty: (batch: string) => r('BATCH_EMPTY', { batch }),
  notSsccLabel: () => r('NOT_SSCC_LABEL'),
  ssccCheckDigit: (sscc: string) => r('SSCC_CHECK_DIGIT', { sscc }),
  unknownSscc: (sscc: string) => r('UNKNOWN_SSCC', { sscc }),
  mixedGtinInBox: (batch: string, gtin: string) => r('MIXED_GTIN_IN_BOX', { batch, gtin }),
  wrongProduct: (gtin: string) => r('WRONG_PRODUCT', { gtin }),
  noActiveOrder: () => r('NO_ACTIVE_ORDER'),
  rejectedBySafeState: () => r('REJECTED_BY_SAFE_STATE'),
} as const;
