/**
 * A scan's reason as a small fixed set of label values. Decision messages are free text (they name
 * the AI, the profile, the pause reason), which would make one time series per wording; metrics
 * need a bounded class instead.
 */
export type ScanReasonClass =
  | 'none'
  | 'duplicate'
  | 'noread'
  | 'check_digit'
  | 'length'
  | 'structure'
  | 'character'
  | 'empty'
  | 'paused'
  | 'disabled'
  | 'storage'
  | 'other';

const INVALID_CLASSES: Array<[RegExp, ScanReasonClass]> = [
  [/check digit/i, 'check_digit'],
  [/length|must be \d+ characters|longer than/i, 'length'],
  [/invalid character/i, 'character'],
  [/^empty/i, 'empty'],
  [/\bAI\b|GS separator|ends inside/i, 'structure'],
];

/** The class of each stable reason code (src/domain/codes/reasons.ts); a code not listed is 'other'. */
const CODE_CLASSES: Record<string, ScanReasonClass> = {
  DUPLICATE: 'duplicate',
  NO_READ: 'noread',
  CHECK_DIGIT: 'check_digit',
  INVALID_LENGTH: 'length',
  WRONG_LENGTH: 'length',
  TOO_LONG: 'length',
  INVALID_CHARACTER: 'character',
  EMPTY_CODE: 'empty',
  EMPTY_ELEMENT: 'empty',
  UNKNOWN_AI: 'structure',
  UNEXPECTED_AI: 'structure',
  MISSING_AI: 'structure',
  DUPLICATE_AI: 'structure',
  MISSING_GS: 'structure',
  MISSING_GS_AFTER: 'structure',
  UNEXPECTED_GS: 'structure',
  TRUNCATED: 'structure',
  TRUNCATED_AI: 'structure',
  // Exact code rules (issue 14): the wrong kind of symbol, or a product barcode, is a structure problem.
  NOT_GS1_DATAMATRIX: 'structure',
  NOT_PACK_DATAMATRIX: 'structure',
  PRODUCT_BARCODE: 'structure',
  WRONG_LENGTH_ONE_OF: 'length',
  SSCC_CHECK_DIGIT: 'check_digit',
  LINE_PAUSED: 'paused',
  LINE_DISABLED: 'disabled',
  STORAGE_UNAVAILABLE: 'storage',
  STORAGE_ERROR: 'storage',
};

/** The class of a decision: by its reason code when it has one, else (older callers) by its message. */
export function scanReasonOf(outcome: string, message: string | null, reasonCode?: string | null): ScanReasonClass {
  if (outcome === 'accepted') return 'none';
  if (reasonCode) return CODE_CLASSES[reasonCode] ?? 'other';
  switch (outcome) {
    case 'accepted':
      return 'none';
    case 'duplicate':
      return 'duplicate';
    case 'noread':
      return 'noread';
    case 'invalid': {
      for (const [pattern, reason] of INVALID_CLASSES) if (message && pattern.test(message)) return reason;
      return 'other';
    }
    default: {
      if (!message) return 'other';
      if (/^line paused/i.test(message)) return 'paused';
      if (/disabled/i.test(message)) return 'disabled';
      if (/storage/i.test(message)) return 'storage';
      return 'other';
    }
  }
}
