/**
 * Retry delays for supervised actors and device reconnects.
 *
 * Exponential growth spaces retries out so a dead peer is not hammered; the cap keeps a device
 * that comes back from waiting absurdly long; jitter spreads retries of many actors that failed
 * together (e.g. every scanner on a switch that rebooted) so they do not reconnect in lockstep.
 */
export interface BackoffPolicy {
  /** Delay before the first retry (attempt 0), in ms. */
  baseMs: number;
  /** Upper bound of any delay, in ms. */
  maxMs: number;
  /**
   * Share of the delay that is randomised, 0..1: 0 = deterministic, 1 = "full jitter" (uniform in
   * [0, delay)), 0.5 = uniform in [delay/2, delay).
   */
  jitter: number;
}

/** Beyond this, 2^attempt overflows into Infinity and `0 * Infinity` would give NaN. */
const MAX_EXPONENT = 52;

/**
 * Delay before retry number `attempt` (0-based: 0 is the first retry).
 * `random` is injectable so tests and model-based paths are deterministic.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const baseMs = Math.max(0, policy.baseMs);
  const maxMs = Math.max(0, policy.maxMs);
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), MAX_EXPONENT);
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  // Clamp the random source too: a misbehaving one must not produce a negative delay.
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling * (1 - jitter * r));
}
