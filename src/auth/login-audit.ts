/**
 * What the audit log (and the edge's journal) gets about logins. A success is one entry. Failed
 * logins are aggregated so a flood does not become one row per attempt: the first failure for a
 * username from an address is written at once, further failures in the next window only counted,
 * and at the end of the window one summary entry says how many there were (and a new window
 * starts while they continue). Attempts the throttle refused share one window per address
 * (a spray of usernames is one story). The number of open windows is bounded: past it, failures
 * share one overflow window. Entries are written in batches (one transaction every `batchMs`), so
 * a flood costs the database a commit a few times a second, not one per attempt.
 */
export type LoginAuditEntry =
  | { kind: 'success'; userId: string; username: string; ip: string; at: string }
  | { kind: 'failure'; username: string; ip: string; at: string }
  | { kind: 'failure-summary'; username: string; ip: string; count: number; from: string; to: string };

export interface LoginAudit {
  /** Resolves when the entry is stored. */
  succeeded(user: { id: string; username: string }, ip: string): Promise<void>;
  /** A wrong password or unknown user; `throttled`: refused before any check (429). Resolves when stored (at once when only counted). */
  failed(username: string, ip: string, throttled?: boolean): Promise<void>;
  /** Writes the summaries of the open windows now (at shutdown). */
  flush(): Promise<void>;
}

interface Window {
  username: string;
  ip: string;
  count: number;
  from: string | null;
  to: string | null;
  timer: NodeJS.Timeout;
}

export function createLoginAudit(options: {
  /** Stores a batch of entries (one transaction). */
  write: (entries: LoginAuditEntry[]) => Promise<void>;
  /** Told of each entry as it happens (the edge's journal), before it is stored. */
  onEntry?: (entry: LoginAuditEntry) => void;
  onError: (error: unknown) => void;
  windowMs?: number;
  batchMs?: number;
  maxWindows?: number;
  now?: () => Date;
}): LoginAudit {
  const windowMs = options.windowMs ?? 60_000;
  const batchMs = options.batchMs ?? 250;
  const maxWindows = options.maxWindows ?? 1_000;
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const windows = new Map<string, Window>();
  // Entries waiting for the next write, and the promise their callers wait on.
  let batch: LoginAuditEntry[] = [];
  let batchDone: { promise: Promise<void>; resolve: () => void } | null = null;
  let batchTimer: NodeJS.Timeout | null = null;
  let lastWriteAt = -Infinity;
  const pending = new Set<Promise<void>>();

  const writeBatch = () => {
    if (batchTimer) clearTimeout(batchTimer);
    batchTimer = null;
    if (batch.length === 0) return;
    const entries = batch;
    const waiting = batchDone!;
    batch = [];
    batchDone = null;
    lastWriteAt = Date.now();
    const done: Promise<void> = options
      .write(entries)
      .catch(options.onError)
      .finally(() => {
        pending.delete(done);
        waiting.resolve();
      });
    pending.add(done);
  };
  /**
   * Queues an entry; resolves once it is stored. A lone entry is written at once (a login is not
   * answered before its audit row is committed); in a flood, entries wait up to `batchMs` and go
   * together in one transaction.
   */
  const write = (entry: LoginAuditEntry): Promise<void> => {
    try {
      options.onEntry?.(entry);
    } catch (error) {
      options.onError(error);
    }
    batch.push(entry);
    if (!batchDone) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      batchDone = { promise, resolve };
    }
    const promise = batchDone.promise;
    if (batch.length >= 200 || (!batchTimer && Date.now() - lastWriteAt >= batchMs)) writeBatch();
    else if (!batchTimer) {
      batchTimer = setTimeout(writeBatch, batchMs);
      batchTimer.unref();
    }
    return promise;
  };

  const close = (key: string, reopen: boolean) => {
    const window = windows.get(key);
    if (!window) return;
    clearTimeout(window.timer);
    if (window.count === 0) {
      windows.delete(key);
      return;
    }
    void write({ kind: 'failure-summary', username: window.username, ip: window.ip, count: window.count, from: window.from!, to: window.to! });
    window.count = 0;
    window.from = window.to = null;
    if (reopen) window.timer = timerFor(key);
    else windows.delete(key);
  };
  const timerFor = (key: string) => {
    const timer = setTimeout(() => close(key, true), windowMs);
    timer.unref();
    return timer;
  };

  return {
    succeeded(user, ip) {
      return write({ kind: 'success', userId: user.id, username: user.username, ip, at: now() });
    },
    failed(rawUsername, ip, throttled = false) {
      const username = throttled ? '*' : rawUsername.slice(0, 64);
      let key = `${username.toLowerCase()}\u0000${ip}`;
      let window = windows.get(key);
      if (!window && windows.size >= maxWindows) {
        key = '\u0000overflow';
        window = windows.get(key);
        if (!window) {
          window = { username: '*', ip: '*', count: 0, from: null, to: null, timer: timerFor(key) };
          windows.set(key, window);
        }
      }
      const at = now();
      if (!window) {
        windows.set(key, { username, ip, count: 0, from: null, to: null, timer: timerFor(key) });
        return write({ kind: 'failure', username, ip, at });
      }
      window.count += 1;
      window.from ??= at;
      window.to = at;
      return Promise.resolve();
    },
    async flush() {
      for (const key of [...windows.keys()]) close(key, false);
      writeBatch();
      await Promise.all([...pending]);
    },
  };
}
