/**
 * Shapes of the edge endpoints this HMI uses that come from branches not merged here yet (journal,
 * line operations). They follow the contract those branches implement (`api/edge/journal-format.ts`
 * `entryView`, `src/edge/line/line-operations.ts` `status()`); once merged, replace them with
 * `import type` of those functions' return types. Everything already on main is typed from its own
 * source with `import type` (see the screens).
 */
export interface JournalEntryView {
  id: number;
  tsUs: number;
  timestamp: string;
  severity: 'info' | 'warning' | 'alarm' | 'critical';
  category: string;
  source: string;
  messageKey: string;
  params: Record<string, string | number | boolean | null>;
  message: string;
  user: string | null;
  requiresAck: boolean;
  acknowledged: boolean;
  ackedBy: string | null;
  ackedAt: string | null;
}

export interface LineCounters {
  accepted: number;
  rejected: { total: number; byReason: Record<string, number> };
  duplicates: number;
  noReads: number;
}

export interface LineStatusView {
  state: string;
  reason: string | null;
  since: string;
  by: string | null;
  causes?: string[];
  shift: { name: string; startedAt: string; counters: LineCounters };
  today: { startedAt: string; counters: LineCounters };
  ratePerMinute: { accepted: number; scanned: number };
}
