/**
 * Reasons shown to operators on the HMI and returned by the validate endpoint. One place, so the
 * wording stays consistent and tests can build the expected text instead of copying it.
 */
export const EMPTY_CODE = 'Empty code';
export const INVALID_LENGTH = 'Invalid code length for industry';
export const NOT_A_STRING = 'Code must be a string';
export const UNREADABLE = 'Unreadable code';

export function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

export const reasons = {
  unknownIndustry: (industry: unknown) => `Unknown industry ${String(industry)}`,
  unknownAi: (position: number) => `Unknown AI at position ${position}`,
  unexpectedGs: (position: number) => `Unexpected GS separator at position ${position}`,
  unexpectedAi: (ai: string, profile: string) => `Unexpected AI ${ai} for ${profile}`,
  missingAi: (ai: string, profile: string) => `Missing AI ${ai} for ${profile}`,
  duplicateAi: (ai: string) => `Duplicate AI ${ai}`,
  missingGs: (ai: string) => `Missing GS separator before AI ${ai}`,
  missingGsAfter: (ai: string) => `Missing GS separator after AI ${ai}`,
  wrongLength: (title: string, length: number, profile: string) =>
    `${capitalise(title)} must be ${length} characters for ${profile}`,
  tooLong: (title: string, max: number) => `${capitalise(title)} longer than ${max} characters`,
  empty: (title: string) => `Empty ${title}`,
  invalidCharacter: (title: string) => `Invalid character in ${title}`,
  checkDigit: (title: string) => `${title} check digit mismatch`,
  invalidDate: (title: string) => `Invalid ${title}`,
  truncated: (ai: string | null) => (ai === null ? 'Code ends inside an AI' : `Code ends inside AI ${ai}`),
} as const;
