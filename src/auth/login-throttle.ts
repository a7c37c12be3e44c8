/**
 * Login throttling, in memory, per username and per client address. Every attempt counts as a
 * failure the moment it starts (so 32 concurrent guesses cannot all slip past before the first
 * one fails); a success gives the attempt back and clears the username's count. Past a number of
 * free failures each further one doubles the wait, up to a ceiling; a key is forgotten after a
 * quiet period. The address allows more failures than a username: one HMI terminal serves a shift.
 */
export interface ThrottleRule {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface LoginThrottleOptions {
  username?: ThrottleRule;
  address?: ThrottleRule;
  /** A key with no failure for this long starts afresh. */
  forgetAfterMs?: number;
  /** Most keys kept per kind; the oldest are dropped beyond it (memory stays bounded in a spray). */
  maxKeys?: number;
  now?: () => number;
}

export const DEFAULT_USERNAME_RULE: ThrottleRule = { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 };
export const DEFAULT_ADDRESS_RULE: ThrottleRule = { freeFailures: 20, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 };

interface Entry {
  failures: number;
  blockedUntil: number;
  lastAt: number;
}

export type ThrottleDecision = { allowed: true; attempt: LoginAttemptTicket } | { allowed: false; retryAfterSeconds: number; by: 'username' | 'address' };

export interface LoginAttemptTicket {
  /** The password was right: the attempt is given back and the username starts afresh. */
  succeeded(): void;
  /** The password was wrong (or the user unknown): the counted failure stays. */
  failed(): void;
  /** The attempt never reached a verdict (hasher busy): given back without clearing anything. */
  cancelled(): void;
}

export interface LoginThrottle {
  begin(username: string, address: string): ThrottleDecision;
  /** Forgets everything about a username (an administrator reset its password). */
  clearUsername(username: string): void;
}

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const now = options.now ?? Date.now;
  const forgetAfterMs = options.forgetAfterMs ?? 60 * 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const kinds = {
    username: { rule: options.username ?? DEFAULT_USERNAME_RULE, entries: new Map<string, Entry>() },
    address: { rule: options.address ?? DEFAULT_ADDRESS_RULE, entries: new Map<string, Entry>() },
  };

  const entryOf = (kind: keyof typeof kinds, key: string, at: number): Entry => {
    const { entries } = kinds[kind];
    let entry = entries.get(key);
    if (entry && at - entry.lastAt > forgetAfterMs && at >= entry.blockedUntil) {
      entries.delete(key);
      entry = undefined;
    }
    if (!entry) {
      entry = { failures: 0, blockedUntil: 0, lastAt: at };
      if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as string);
    } else {
      entries.delete(key); // re-insert: the map's order is the order of last use
    }
    entries.set(key, entry);
    return entry;
  };

  const fail = (kind: keyof typeof kinds, entry: Entry, at: number) => {
    const { rule } = kinds[kind];
    entry.failures += 1;
    entry.lastAt = at;
    const over = entry.failures - rule.freeFailures;
    if (over > 0) entry.blockedUntil = at + Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** Math.min(over - 1, 30));
  };

  return {
    begin(rawUsername, address) {
      const at = now();
      const username = rawUsername.toLowerCase();
      const user = entryOf('username', username, at);
      const addr = entryOf('address', address, at);
      for (const [by, entry] of [['username', user], ['address', addr]] as const) {
        if (entry.blockedUntil > at) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.blockedUntil - at) / 1000)), by };
      }
      // Counted now, given back on success: concurrent attempts see each other.
      fail('username', user, at);
      fail('address', addr, at);
      let settled = false;
      const giveBack = (kind: keyof typeof kinds, entry: Entry) => {
        entry.failures = Math.max(0, entry.failures - 1);
        if (entry.failures <= kinds[kind].rule.freeFailures) entry.blockedUntil = 0;
      };
      return {
        allowed: true,
        attempt: {
          succeeded() {
            if (settled) return;
            settled = true;
            kinds.username.entries.delete(username);
            giveBack('address', addr);
          },
          failed() {
            settled = true;
          },
          cancelled() {
            if (settled) return;
            settled = true;
            giveBack('username', user);
            giveBack('address', addr);
          },
        },
      };
    },
    clearUsername(username) {
      kinds.username.entries.delete(username.toLowerCase());
    },
  };
}
