import type { AuditEntry } from '../../../adapters/store/factory/audit-log.js';
import type { CommandStore, InsertOutcome, NewCommand, StoredCommand } from '../../../adapters/store/factory/command-store.js';
import type { Logger } from '../../runtime/logger.js';

/**
 * Group commit for the commands table: everything asked for while a transaction is running goes
 * into the next one. A group dispatch to 1,000 devices then costs a handful of commits (inserts,
 * SENT, DELIVERED, results) instead of 4,000, which on SQLite with synchronous=FULL is the
 * difference between milliseconds and seconds.
 *
 * Order is kept: batches commit one after another, and `onSaved` / the insert callbacks run in
 * the order the changes were asked for, after their commit (so what is published is stored).
 */
export interface CommandWriterOptions {
  store: CommandStore;
  logger: Logger;
  /** A stored change, in order, after its commit. */
  onSaved: (command: StoredCommand) => void;
  /** New commands (or the earlier command their idempotency key found), after their commit. */
  onInserted: (outcomes: InsertOutcome[]) => void;
  /** After a failed commit, status changes are kept and tried again this much later. */
  retryMs?: number;
}

interface PendingInsert {
  item: NewCommand;
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

export function createCommandWriter(options: CommandWriterOptions) {
  const retryMs = options.retryMs ?? 1_000;
  let inserts: PendingInsert[] = [];
  let saves: StoredCommand[] = [];
  let audits: AuditEntry[] = [];
  let running: Promise<void> | null = null;
  let scheduled = false;
  let retry: NodeJS.Timeout | null = null;
  let stopped = false;
  /** Stopped and drained: storage may be closed, so later changes (channels closing at shutdown) are dropped; the next start re-derives them. */
  let closed = false;

  const drain = async () => {
    while (inserts.length > 0 || saves.length > 0) {
      const batch = { inserts, saves, audits };
      inserts = [];
      saves = [];
      audits = [];
      let outcomes: InsertOutcome[];
      try {
        outcomes = await options.store.write({ inserts: batch.inserts.map((i) => i.item), saves: batch.saves, audits: batch.audits });
      } catch (error) {
        // New commands fail back to their callers; status changes already happened (the device
        // acked, answered), so they are kept and written later rather than lost.
        for (const pending of batch.inserts) pending.reject(error);
        if (stopped) {
          options.logger.error({ err: error, changes: batch.saves.length }, 'could not store command changes while stopping');
          return;
        }
        saves = [...batch.saves, ...saves];
        audits = [...batch.audits, ...audits];
        options.logger.error({ err: error, changes: batch.saves.length }, 'could not store command changes; retrying');
        retry = setTimeout(() => {
          retry = null;
          kick();
        }, retryMs);
        retry.unref();
        return;
      }
      for (const command of batch.saves) options.onSaved(command);
      options.onInserted(outcomes);
      batch.inserts.forEach((pending, i) => pending.resolve(outcomes[i]!));
    }
  };

  const kick = () => {
    if (running || scheduled || retry || closed) return;
    scheduled = true;
    // Let every dispatch of this tick (a group's members) join the same transaction.
    setImmediate(() => {
      scheduled = false;
      running = drain().finally(() => {
        running = null;
        if (inserts.length > 0 || saves.length > 0) kick();
      });
    });
  };

  return {
    insert(item: NewCommand): Promise<InsertOutcome> {
      if (closed) return Promise.reject(new Error('command service stopped'));
      return new Promise((resolve, reject) => {
        inserts.push({ item, resolve, reject });
        kick();
      });
    },
    save(command: StoredCommand, entries: AuditEntry[] = []): void {
      if (closed) return;
      saves.push(command);
      audits.push(...entries);
      kick();
    },
    /** Waits for what is being written; what fails now stays unwritten (it is re-derived at the next start). */
    async stop(): Promise<void> {
      stopped = true;
      if (retry) clearTimeout(retry);
      retry = null;
      for (let i = 0; i < 100 && (running || scheduled); i++) {
        await (running ?? new Promise((resolve) => setImmediate(resolve)));
      }
      closed = true;
      for (const pending of inserts) pending.reject(new Error('command service stopped'));
      inserts = [];
      saves = [];
      audits = [];
    },
  };
}

export type CommandWriter = ReturnType<typeof createCommandWriter>;
