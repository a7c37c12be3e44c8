import type { Frame, TransportEvent } from '../../src/domain/ports/scanner-transport.js';

/**
 * Answers to commands (e.g. Cognex DMCC `||>GET DEVICE.NAME`) share the data channel with the
 * codes. While a query waits, the next line that does not look like a marking code is its answer;
 * a marking code is never taken for one (it would be lost to the line). Extended DMCC answers
 * (`||[status]text`, `||0:id[status]text`) are recognised any time and never reach the line.
 * No answer within the timeout reports `text: null`.
 */

const EXTENDED_ANSWER = /^\|\|(?:\d:\d+)?\[(\d+)\](.*)$/s;
/** Symbology identifier (]d2, ]C1, ]Q3), GS1 element string, tobacco pack (14 digits first) or a GS separator. */
const MARKING_CODE = /^(?:\][A-Za-z]\d|01\d{14}|\d{14})/;

export function looksLikeMarkingCode(text: string): boolean {
  return MARKING_CODE.test(text.trim()) || text.includes('\u001d');
}

export const DEFAULT_QUERY_TIMEOUT_MS = 2000;

export interface QueryTracker {
  /** A query was written: the next answer (or the timeout) is reported. */
  started(): void;
  /** True when the frame was an answer (reported, not to be passed on as a frame). */
  intercept(frame: Frame): boolean;
  dispose(): void;
}

export function createQueryTracker(send: (event: TransportEvent) => void, timeoutMs = DEFAULT_QUERY_TIMEOUT_MS): QueryTracker {
  let timer: NodeJS.Timeout | null = null;
  const answer = (text: string | null, status?: number) => {
    if (timer) clearTimeout(timer);
    timer = null;
    send({ type: 'transport.response', text, ...(status !== undefined ? { status } : {}) });
  };
  return {
    started() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => answer(null), timeoutMs);
    },
    intercept(frame) {
      if (frame.kind === 'garbage') return false;
      const text = frame.text.trim();
      const extended = EXTENDED_ANSWER.exec(text);
      if (extended) {
        answer(extended[2]!.trim(), Number(extended[1]));
        return true;
      }
      if (!timer || frame.kind !== 'code' || looksLikeMarkingCode(text)) return false;
      answer(text);
      return true;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
