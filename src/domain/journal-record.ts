/**
 * The shape of one HMI journal entry as a feature announces it on the edge's event bus
 * (`journal.record`). The journal subscribes to the bus and stores every such record; features
 * that have something a person should read (a login, a config change, a paused line) publish one
 * instead of reaching into the journal. The text a person reads is not here: `messageKey` names
 * an entry of the message catalogue (src/domain/i18n) and `params` fill its placeholders, so the
 * same record reads in Russian and English.
 */
export const JOURNAL_SEVERITIES = ['info', 'warning', 'alarm', 'critical'] as const;
export type JournalSeverity = (typeof JOURNAL_SEVERITIES)[number];

export const JOURNAL_CATEGORIES = ['line', 'scanner', 'printer', 'plc', 'ups', 'gpio', 'sync', 'system', 'security', 'operator'] as const;
export type JournalCategory = (typeof JOURNAL_CATEGORIES)[number];

export interface JournalRecordEvent {
  type: 'journal.record';
  severity: JournalSeverity;
  category: JournalCategory;
  /** The actor or feature the entry is about, e.g. `scanner.cognex-1`, `auth`, `config`. */
  source: string;
  /** A key of the message catalogue, e.g. `security.login_failed`. */
  messageKey: string;
  params?: Record<string, string | number | boolean | null>;
  /** The person who caused it, when one did. */
  user?: string | null;
}
