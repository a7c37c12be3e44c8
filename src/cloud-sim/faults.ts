/**
 * Fault injection for the simulated cloud: what the next requests suffer. The HTTP side (cloud-app's
 * middleware, server's listener) carries the faults out; this file only decides which applies.
 *
 * - refuse: the listener is closed (clients get ECONNREFUSED) and re-opened on the same port when
 *   the fault ends. It cannot count requests (none arrive), so it ends by time or in-process.
 * - error500 / error503: answered with that status, nothing processed.
 * - delay: the request is processed and answered after delayMs.
 * - drop: the connection is cut mid-response before anything is stored.
 * - drop_after_commit: the request is processed (sync items stored), then the connection is cut
 *   before the response: the client cannot know, must resend, and gets `duplicate`.
 */
export const FAULT_MODES = ['none', 'refuse', 'error500', 'error503', 'delay', 'drop', 'drop_after_commit'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSpec {
  mode: FaultMode;
  /** delay: how long to hold each request. */
  delayMs?: number;
  /** Apply to the next N matching requests, then back to none. */
  remaining?: number;
  /** Only requests whose path starts with one of these (default: every non-admin request). */
  paths?: string[];
  /** Back to none after this long. */
  durationMs?: number;
}

export interface FaultState {
  mode: FaultMode;
  delayMs: number | null;
  remaining: number | null;
  paths: string[] | null;
  /** ISO time the fault ends by itself, when set with durationMs. */
  until: string | null;
}

/** What the HTTP layer must do to one request. */
export interface AppliedFault {
  mode: Exclude<FaultMode, 'none' | 'refuse'>;
  delayMs: number;
}

export class FaultSpecError extends Error {}

const NONE: FaultState = { mode: 'none', delayMs: null, remaining: null, paths: null, until: null };

export class FaultController {
  private current: FaultState = NONE;
  private expiry: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(mode: FaultMode, previous: FaultMode) => void>();
  private readonly sleepers = new Set<() => void>();
  private disposed = false;

  get state(): FaultState {
    return { ...this.current, paths: this.current.paths && [...this.current.paths] };
  }

  get closing(): boolean {
    return this.disposed;
  }

  /** Replaces the current fault. Throws FaultSpecError for a combination that cannot be carried out. */
  set(spec: FaultSpec): FaultState {
    if (spec.mode === 'delay' && spec.delayMs === undefined) throw new FaultSpecError('delay needs delayMs');
    if (spec.mode === 'refuse' && spec.remaining !== undefined) {
      throw new FaultSpecError('refuse cannot count requests (none arrive while refusing): use durationMs');
    }
    if (spec.mode === 'refuse' && spec.paths !== undefined) {
      throw new FaultSpecError('refuse closes the listener for every path: drop the paths filter');
    }
    clearTimeout(this.expiry);
    this.expiry = undefined;
    const previous = this.current.mode;
    const until = spec.mode !== 'none' && spec.durationMs !== undefined ? new Date(Date.now() + spec.durationMs) : null;
    this.current =
      spec.mode === 'none'
        ? NONE
        : {
            mode: spec.mode,
            delayMs: spec.mode === 'delay' ? spec.delayMs! : null,
            remaining: spec.remaining ?? null,
            paths: spec.paths && spec.paths.length > 0 ? [...spec.paths] : null,
            until: until && until.toISOString(),
          };
    if (until) {
      this.expiry = setTimeout(() => this.clear(), spec.durationMs);
      this.expiry.unref();
    }
    this.notify(previous);
    return this.state;
  }

  clear(): FaultState {
    return this.set({ mode: 'none' });
  }

  /** Observe mode changes (the server opens and closes its listener on refuse). */
  subscribe(listener: (mode: FaultMode, previous: FaultMode) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The fault to apply to a request on `path`, counting `remaining` down. Admin paths never come here. */
  take(path: string): AppliedFault | null {
    const { mode, paths, remaining, delayMs } = this.current;
    if (mode === 'none' || mode === 'refuse') return null;
    if (paths && !paths.some((prefix) => path.startsWith(prefix))) return null;
    if (remaining !== null) {
      if (remaining <= 1) this.clear();
      else this.current = { ...this.current, remaining: remaining - 1 };
    }
    return { mode, delayMs: delayMs ?? 0 };
  }

  /** Resolves after ms, or at once when the simulator shuts down (check `closing` after). */
  sleep(ms: number): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.expiry);
    for (const wake of [...this.sleepers]) wake();
    this.listeners.clear();
  }

  private notify(previous: FaultMode): void {
    const mode = this.current.mode;
    if (mode === previous) return;
    for (const listener of this.listeners) listener(mode, previous);
  }
}
