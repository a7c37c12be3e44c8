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

export function scanReasonOf(outcome: string, message: string | null): ScanReasonClass {
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
