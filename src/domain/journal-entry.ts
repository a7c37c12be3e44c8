import type { JournalCategory, JournalSeverity } from './journal-record.js';

/**
 * One stored HMI journal entry (the journal's own table). The text a person reads is rendered
 * from `messageKey` and `params` through the message catalogue in the language asked for, so an
 * entry written once reads in Russian and English.
 */
export interface JournalEntry {
  id: number;
  /** Microseconds since the epoch. */
  tsUs: number;
  severity: JournalSeverity;
  category: JournalCategory;
  source: string;
  messageKey: string;
  params: Record<string, string | number | boolean | null>;
  user: string | null;
  /** Only alarm and critical entries wait for a person; the others are stored acknowledged (by nobody). */
  acknowledged: boolean;
  ackedBy: string | null;
  /** Microseconds since the epoch. */
  ackedAtUs: number | null;
}

/** An entry before it is stored: the journal gives it its id. */
export type JournalDraft = Omit<JournalEntry, 'id'>;

/** Severities a person has to acknowledge. */
export const needsAcknowledgement = (severity: JournalSeverity) => severity === 'alarm' || severity === 'critical';

/** What the journal's list, ack-all and export filter on (all optional, ANDed). */
export interface JournalFilter {
  severity?: JournalSeverity[] | undefined;
  category?: JournalCategory[] | undefined;
  source?: string | undefined;
  fromUs?: number | undefined;
  toUs?: number | undefined;
  acknowledged?: boolean | undefined;
}
