import type { JournalStore } from '../../../adapters/store/journal-store.js';
import { type JournalDraft, type JournalEntry, needsAcknowledgement } from '../../domain/journal-entry.js';
import type { JournalRecordEvent } from '../../domain/journal-record.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { Logger } from '../../runtime/logger.js';
import type { EdgeEvent } from '../edge-events.js';
import { createJournalMapper } from './journal-mapping.js';

export interface JournalSettings {
  /** A batch is written at most this long after its first entry. */
  flushIntervalMs: number;
  /** … or as soon as this many entries wait. */
  flushMaxEntries: number;
  retentionDays: number;
  maxEntries: number;
  pruneIntervalMs: number;
}

type Record = Omit<JournalRecordEvent, 'type'>;
type Listener = (entry: JournalEntry) => void;

/** Entries kept in memory while the database refuses them; beyond this the oldest are dropped (and logged). */
const MAX_BUFFERED = 100_000;

/**
 * The HMI journal: subscribes to the edge's bus, turns what a person should read into entries,
 * and writes them in batches (one short transaction every flushIntervalMs or flushMaxEntries),
 * so journaling adds one small transaction now and then to the writer's queue instead of one per
 * event on the scan path. New entries go to listeners (the WebSocket hub) once stored, with
 * their ids. Old entries are pruned in the background by age and by count.
 */
export function createJournal(options: { store: JournalStore; bus: EventBus<EdgeEvent>; logger: Logger; settings: JournalSettings }) {
  const { store, logger, settings } = options;
  const map = createJournalMapper();
  const listeners = new Set<Listener>();
  let buffer: Array<{ draft: JournalDraft; done?: (entry: JournalEntry) => void; failed?: (error: unknown) => void }> = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> | null = null;
  let stopped = false;

  // Microseconds: wall clock at start plus a monotonic clock since, never going back or repeating.
  const startUs = Date.now() * 1000;
  const startPerf = performance.now();
  let lastUs = 0;
  const nowUs = () => {
    lastUs = Math.max(lastUs + 1, startUs + Math.floor((performance.now() - startPerf) * 1000));
    return lastUs;
  };

  function draftOf(record: Record): JournalDraft {
    return {
      tsUs: nowUs(),
      severity: record.severity,
      category: record.category,
      source: record.source,
      messageKey: record.messageKey,
      params: record.params ?? {},
      user: record.user ?? null,
      acknowledged: !needsAcknowledgement(record.severity),
      ackedBy: null,
      ackedAtUs: null,
    };
  }

  function schedule() {
    if (stopped && buffer.length === 0) return;
    if (buffer.length >= settings.flushMaxEntries) {
      void flush();
      return;
    }
    timer ??= setTimeout(() => {
      timer = null;
      void flush();
    }, settings.flushIntervalMs);
  }

  /** Writes whatever waits, one batch at a time. */
  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (writing) return writing.then(() => (buffer.length > 0 ? flush() : undefined));
    if (buffer.length === 0) return Promise.resolve();
    const batch = buffer.slice(0, Math.max(settings.flushMaxEntries, 1));
    buffer = buffer.slice(batch.length);
    writing = store
      .insert(batch.map((b) => b.draft))
      .then(
        (entries) => {
          entries.forEach((entry, i) => batch[i]!.done?.(entry));
          for (const entry of entries) for (const listener of [...listeners]) listener(entry);
        },
        (error: unknown) => {
          logger.error({ err: error, entries: batch.length }, 'journal write failed: kept to retry');
          // Entries someone waits for fail now; the others go back in front, to retry.
          for (const b of batch) b.failed?.(error);
          buffer = [...batch.filter((b) => !b.failed), ...buffer];
          if (buffer.length > MAX_BUFFERED) {
            logger.error({ dropped: buffer.length - MAX_BUFFERED }, 'journal buffer full: oldest entries dropped');
            buffer = buffer.slice(buffer.length - MAX_BUFFERED);
          }
        },
      )
      .finally(() => {
        writing = null;
        if (buffer.length > 0 && !stopped) schedule();
      });
    return writing;
  }

  const unsubscribe = options.bus.subscribe('*', (event) => {
    const record = map(event);
    if (!record) return;
    buffer.push({ draft: draftOf(record) });
    schedule();
  });

  async function prune(): Promise<void> {
    const beforeUs = (Date.now() - settings.retentionDays * 86_400_000) * 1000;
    const removed = await store.prune(beforeUs, settings.maxEntries);
    if (removed > 0) logger.info({ removed }, 'journal pruned');
  }
  const pruning = setInterval(() => prune().catch((error: unknown) => logger.warn({ err: error }, 'journal prune failed')), settings.pruneIntervalMs);
  pruning.unref();

  return {
    store,
    nowUs,
    /**
     * Journals a record and answers the stored entry (an operator's note: the caller waits for its
     * id). It goes with the next batch like any entry (at most flushIntervalMs away), so many
     * callers still cost one transaction, not one each.
     */
    record(record: Record): Promise<JournalEntry> {
      return new Promise((resolve, reject) => {
        buffer.push({ draft: draftOf(record), done: resolve, failed: reject });
        schedule();
      });
    },
    /** Every entry stored from now on, once it has its id. Returns an unsubscribe function. */
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Writes everything recorded so far (tests; shutdown). */
    flush,
    prune,
    async stop() {
      unsubscribe();
      clearInterval(pruning);
      await flush().catch(() => undefined);
      stopped = true;
      if (timer) clearTimeout(timer);
      await store.close();
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;
