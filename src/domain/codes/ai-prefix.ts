import { aiDefinition } from './ai-table.js';

/**
 * Naming an AI the table does not list. GS1 fixes how many digits an AI has by its first two
 * digits (GS1 General Specifications, the AI-length-by-prefix table: 00–02, 1x, 20–22, 30, 37, 9x
 * have 2; 23–25, 40–42, 71 have 3; 31–36, 39, 43, 70, 72, 80–82 have 4). That is enough to say
 * "AI 240 is not part of a milk code" instead of "unknown AI at position 32" when a code from
 * another application (a logistic label, a pharma pack from abroad) is read on the line.
 * Prefixes GS1 has not assigned return null: those characters are no AI at all.
 */
const LENGTH_BY_PREFIX: Record<string, number> = {};
const assign = (length: number, prefixes: string) => {
  for (const p of prefixes.split(' ')) LENGTH_BY_PREFIX[p] = length;
};
assign(2, '00 01 02 10 11 12 13 15 16 17 20 21 22 30 37 90 91 92 93 94 95 96 97 98 99');
assign(3, '23 24 25 40 41 42 71');
assign(4, '31 32 33 34 35 36 39 43 70 72 80 81 82');

/**
 * Titles of AIs met on mistaken reads that the parser's table does not carry (it lists only what
 * marking codes and our own labels use). Each title has words in the catalogue (`reason.field.*`).
 */
export const UNLISTED_AI_TITLES: Readonly<Record<string, string>> = {
  '12': 'due date',
  '13': 'packaging date',
  '16': 'sell by date',
  '20': 'variant',
  '22': 'consumer product variant',
  '240': 'additional product identification',
  '241': 'customer part number',
  '250': 'secondary serial',
  '30': 'variable count',
  '400': 'order number',
  '422': 'country of origin',
  '7003': 'expiration date and time',
  '8008': 'production date and time',
};

/** The title for any element not in the table and not above. */
export const UNLISTED_TITLE = 'unlisted element';

/** The AI that starts at data[p] by GS1's prefix rule, or null when the digits there cannot begin an AI. */
export function aiByPrefix(data: string, p: number): string | null {
  const length = LENGTH_BY_PREFIX[data.substring(p, p + 2)];
  if (length === undefined || p + length > data.length) return null;
  const ai = data.substring(p, p + length);
  return /^\d+$/.test(ai) ? ai : null;
}

/** Words naming any AI: the table's title, a title listed above, or "unlisted element". */
export function anyAiTitle(ai: string): string {
  return aiDefinition(ai)?.title ?? UNLISTED_AI_TITLES[ai] ?? UNLISTED_TITLE;
}
