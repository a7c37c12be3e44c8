/**
 * The reason of a scan decision in words of the catalogue. The scan line reports an outcome and,
 * for an invalid code, the validator's English reason (src/domain/codes/reasons.ts); this maps
 * that reason onto a catalogue key, so an operator reads "wrong check digit" in their language and
 * never "Unknown AI at position 32".
 */
const PATTERNS: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string>]> = [
  [/check digit mismatch/i, 'reason.check_digit', () => ({})],
  [/^Unknown AI at position (\d+)/i, 'reason.unknown_ai', (m) => ({ position: m[1]! })],
  [/^Unexpected GS separator/i, 'reason.structure', () => ({})],
  [/^Missing GS separator/i, 'reason.structure', () => ({})],
  [/^Code ends inside/i, 'reason.truncated', () => ({})],
  [/^Unexpected AI (\S+)/i, 'reason.wrong_product', (m) => ({ ai: m[1]! })],
  [/^Missing AI (\S+)/i, 'reason.missing_ai', (m) => ({ ai: m[1]! })],
  [/^Duplicate AI/i, 'reason.structure', () => ({})],
  [/must be \d+ characters|longer than \d+ characters|Invalid code length/i, 'reason.length', () => ({})],
  [/^Invalid character/i, 'reason.character', () => ({})],
  [/^Invalid (expiry|production|date)/i, 'reason.date', () => ({})],
  [/^Empty/i, 'reason.empty', () => ({})],
  [/^Unreadable/i, 'reason.unreadable', () => ({})],
  [/GTIN|product/i, 'reason.wrong_product', () => ({ ai: '01' })],
  [/paused|disabled|not running/i, 'reason.line_stopped', () => ({})],
];

export interface ReasonWords {
  key: string;
  params: Record<string, string>;
}

/** `null` for an accepted scan; otherwise the catalogue key (and params) that says why not. */
export function reasonOf(outcome: string, message: string | null | undefined): ReasonWords | null {
  if (outcome === 'accepted') return null;
  if (outcome === 'duplicate') return { key: 'reason.duplicate', params: {} };
  if (outcome === 'noread') return { key: 'reason.noread', params: {} };
  if (message) {
    for (const [pattern, key, params] of PATTERNS) {
      const match = pattern.exec(message);
      if (match) return { key, params: params(match) };
    }
  }
  if (outcome === 'refused') return { key: 'reason.line_stopped', params: {} };
  if (outcome === 'error') return { key: 'reason.storage', params: {} };
  return { key: 'reason.invalid', params: {} };
}
