/**
 * Group commit: many callers, few transactions. While one transaction runs, new work queues;
 * when it ends, everything queued goes into the next one (up to maxItems). At low load a lone
 * scan commits at once; at high load groups grow by themselves and the fsync cost is shared.
 * Callers are answered only after their transaction committed.
 */
export interface GroupCommitOptions {
  /** Most items in one transaction; a single job larger than this still commits whole. */
  maxItems: number;
  /** Extra wait before starting a group, to gather more work (0 = next tick). */
  windowMs: number;
}

interface Pending<TItem, TResult> {
  items: TItem[];
  resolve(results: TResult[]): void;
  reject(error: unknown): void;
}

export class GroupCommitter<TItem, TResult> {
  private queue: Array<Pending<TItem, TResult>> = [];
  private queuedItems = 0;
  private running = false;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly write: (items: TItem[]) => Promise<TResult[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Commits `items` together (one transaction) with whatever else is queued; resolves after COMMIT. */
  submit(items: TItem[]): Promise<TResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queuedItems += items.length;
      this.schedule();
    });
  }

  /** Jobs and items not yet committed. */
  get backlog(): number {
    return this.queuedItems;
  }

  /** Resolves when nothing is queued or being written. */
  whenIdle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule() {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    const start = () => {
      this.scheduled = false;
      void this.flush();
    };
    if (this.options.windowMs > 0) setTimeout(start, this.options.windowMs);
    else setImmediate(start);
  }

  private async flush() {
    if (this.running) return;
    const group = this.takeGroup();
    if (group.length === 0) {
      this.notifyIdle();
      return;
    }
    this.running = true;
    const items = group.flatMap((pending) => pending.items);
    let outcome: { results: TResult[] } | { error: unknown };
    try {
      outcome = { results: await this.write(items) };
    } catch (error) {
      outcome = { error };
    }
    this.running = false;
    // Start the next group before answering this one: its I/O then overlaps with whatever the
    // callers do with their answers, instead of waiting for it.
    if (this.queue.length > 0) void this.flush();
    if ('results' in outcome) {
      let offset = 0;
      for (const pending of group) {
        pending.resolve(outcome.results.slice(offset, offset + pending.items.length));
        offset += pending.items.length;
      }
    } else {
      for (const pending of group) pending.reject(outcome.error);
    }
    if (!this.running && this.queue.length === 0) this.notifyIdle();
  }

  private takeGroup(): Array<Pending<TItem, TResult>> {
    const group: Array<Pending<TItem, TResult>> = [];
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (group.length > 0 && count + next.items.length > this.options.maxItems) break;
      group.push(this.queue.shift()!);
      count += next.items.length;
    }
    this.queuedItems -= count;
    return group;
  }

  private notifyIdle() {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
