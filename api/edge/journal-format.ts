import { formatMessage, type Locale } from '../../src/domain/i18n/messages.js';
import { type JournalEntry, needsAcknowledgement } from '../../src/domain/journal-entry.js';

/** Microseconds since the epoch as ISO 8601 with microseconds (`2026-12-07T18:00:00.123456Z`). */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return new Date(ms).toISOString().replace('Z', `${String(us - ms * 1000).padStart(3, '0')}Z`);
}

/** A journal entry as the API shows it: the message rendered in `lang`. */
export function entryView(entry: JournalEntry, lang: Locale) {
  return {
    id: entry.id,
    tsUs: entry.tsUs,
    timestamp: isoMicros(entry.tsUs),
    severity: entry.severity,
    category: entry.category,
    source: entry.source,
    messageKey: entry.messageKey,
    params: entry.params,
    message: formatMessage(entry.messageKey, entry.params, lang),
    user: entry.user,
    requiresAck: needsAcknowledgement(entry.severity),
    acknowledged: entry.acknowledged,
    ackedBy: entry.ackedBy,
    ackedAtUs: entry.ackedAtUs,
    ackedAt: entry.ackedAtUs === null ? null : isoMicros(entry.ackedAtUs),
  };
}

export type EntryView = ReturnType<typeof entryView>;

const CSV_COLUMNS = ['id', 'timestamp', 'ts_us', 'severity', 'category', 'source', 'user', 'message', 'acknowledged', 'acked_by', 'acked_at'] as const;

/** RFC 4180 field: quoted when it holds a quote, comma, CR or LF; a text starting like a formula is defused for spreadsheets. */
function csvField(value: string | number | boolean | null, text = false): string {
  let s = value === null ? '' : String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** UTF-8 byte order mark: without it Excel reads a CSV as the local ANSI code page and garbles Cyrillic. */
export const CSV_HEAD = `\uFEFF${CSV_COLUMNS.join(',')}\r\n`;

export function csvRow(e: EntryView): string {
  return (
    [
      csvField(e.id),
      csvField(e.timestamp),
      csvField(e.tsUs),
      csvField(e.severity),
      csvField(e.category),
      csvField(e.source, true),
      csvField(e.user, true),
      csvField(e.message, true),
      csvField(e.acknowledged),
      csvField(e.ackedBy, true),
      csvField(e.ackedAt),
    ].join(',') + '\r\n'
  );
}

/** Text made safe for XML 1.0: markup characters escaped, characters XML cannot carry dropped. */
export function xmlText(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<journal>\n';
export const XML_TAIL = '</journal>\n';

export function xmlRow(e: EntryView): string {
  const attr = (name: string, value: string | number | boolean | null) => (value === null ? '' : ` ${name}="${xmlText(String(value))}"`);
  return (
    `  <event${attr('id', e.id)}${attr('timestamp', e.timestamp)}${attr('tsUs', e.tsUs)}${attr('severity', e.severity)}${attr('category', e.category)}` +
    `${attr('source', e.source)}${attr('user', e.user)}${attr('acknowledged', e.acknowledged)}${attr('ackedBy', e.ackedBy)}${attr('ackedAt', e.ackedAt)}>` +
    `<message>${xmlText(e.message)}</message></event>\n`
  );
}
