import { hasMessage, t } from '../shared/i18n.js';
import type { JournalEntryView } from './contract-types.js';

/** A journal entry in the page's language: from its key when the catalogue has it, else the edge's rendering. */
export function entryText(entry: JournalEntryView): string {
  return hasMessage(entry.messageKey) ? t(entry.messageKey, entry.params) : entry.message;
}
