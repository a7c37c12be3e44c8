import { CONFIG_MESSAGES } from './config.messages.js';

/**
 * The one message catalogue: every text a person reads (journal entries, HMI and console labels,
 * translations of API error codes) is a key here with a Russian and an English text. Placeholders
 * are `{name}`, filled from a record's params. Operators are Russian: `ru` is the default.
 *
 * Keys are grouped by prefix (`security.`, `line.`, `scanner.` …); add new keys in the group they
 * belong to. A test checks that every key has both languages and the same placeholders in each.
 */
import { SECURITY_MESSAGES } from './security.messages.js';
import { JOURNAL_MESSAGES } from './journal.messages.js';
import { LINE_MESSAGES } from './line.messages.js';
import { HMI_MESSAGES } from './hmi.messages.js';
import { CONSOLE_MESSAGES } from './console.messages.js';
import { REASON_MESSAGES } from './reasons.messages.js';
import { WIRING_MESSAGES } from './wiring.messages.js';
import { CODE_RULE_MESSAGES } from './codes.messages.js';
import { SSCC_LABEL_MESSAGES } from './sscc-labels.messages.js';
import { DUPLICATES_MESSAGES } from './duplicates.messages.js';
import { ORDERS_MESSAGES } from './orders.messages.js';
import { DEFAULT_LOCALE, type Locale, type MessageCatalogue } from './catalogue.js';
import { FIRMWARE_MESSAGES } from './firmware.messages.js';

export { DEFAULT_LOCALE, LOCALES, type Locale, type MessageCatalogue } from './catalogue.js';

export const MESSAGES: MessageCatalogue = {
  'operator.note': { ru: 'Заметка оператора: {text}', en: 'Operator note: {text}' },
  ...CONFIG_MESSAGES,
  ...SECURITY_MESSAGES,
  ...JOURNAL_MESSAGES,
  ...LINE_MESSAGES,
  ...HMI_MESSAGES,
  ...CONSOLE_MESSAGES,
  ...REASON_MESSAGES,
  ...WIRING_MESSAGES,
  ...CODE_RULE_MESSAGES,
  ...SSCC_LABEL_MESSAGES,
  ...DUPLICATES_MESSAGES,
  ...ORDERS_MESSAGES,
  ...FIRMWARE_MESSAGES,
};

/** The text of `key` in `locale` with `{placeholders}` filled; an unknown key reads as itself. */
export function formatMessage(key: string, params: Record<string, unknown> = {}, locale: Locale = DEFAULT_LOCALE): string {
  const parts = compiled(key, locale);
  if (parts.length === 1) return parts[0]!;
  let text = parts[0]!;
  // Odd indices are placeholder names, even ones the text between them.
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    text += (name in params ? String(params[name]) : `{${name}}`) + parts[i + 1]!;
  }
  return text;
}

/** Templates split once at their placeholders (a journal export renders a million messages). */
const COMPILED = new Map<string, string[]>();
function compiled(key: string, locale: Locale): string[] {
  const id = `${locale}\u0000${key}`;
  let parts = COMPILED.get(id);
  if (!parts) {
    parts = (MESSAGES[key]?.[locale] ?? key).split(/\{(\w+)\}/);
    if (COMPILED.size < 10_000) COMPILED.set(id, parts);
  }
  return parts;
}
