import { reasonText, type ReasonParams } from '../../domain/codes/reasons.js';
import type { Locale } from '../../domain/i18n/messages.js';

/**
 * The reason of a scan decision in words of the catalogue. Every rejected scan the edge reports
 * (scan answers, `/scanner/recent`, `/ws` scan events) carries a stable `reasonCode` and its
 * `reasonParams` (src/domain/codes/reasons.ts); this looks the code up, so an operator reads
 * "AI 17 (срок годности) не входит в код товарной группы milk" in their language and never the
 * validator's English. No sentence is parsed.
 */
export interface ScanReasonView {
  code: string;
  params: ReasonParams;
}

/** What an outcome means when the decision names no code (rows stored before codes existed). */
const OUTCOME_CODES: Record<string, string> = {
  duplicate: 'DUPLICATE',
  noread: 'NO_READ',
  refused: 'REFUSED',
  error: 'STORAGE_ERROR',
};

/** `null` for an accepted scan; otherwise the reason code (and params) that says why not. */
export function reasonOf(outcome: string, reasonCode?: string | null, reasonParams?: ReasonParams | null): ScanReasonView | null {
  if (outcome === 'accepted') return null;
  const code = reasonCode ?? OUTCOME_CODES[outcome] ?? 'INVALID';
  return { code, params: reasonParams ?? {} };
}

/** The reason's words in `locale`; a code the catalogue does not know reads as the code itself. */
export function reasonWords(reason: ScanReasonView, locale: Locale): string {
  return reasonText(reason, locale);
}

/**
 * The words of a reason code alone (the line counters count by code, without params): each
 * placeholder reads as "…", and a code the catalogue does not know reads as itself.
 */
export function reasonCodeWords(code: string, locale: Locale): string {
  return reasonText({ code, params: {} }, locale).replace(/\{\w+\}/g, '…');
}
