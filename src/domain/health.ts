/**
 * What /health answers on the edge and the factory: ok, degraded (serving, but something a
 * person should look at) or down (cannot do its job: HTTP 503), with every reason found.
 */
export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface HealthReason {
  /** Stable machine string, e.g. LINE_PAUSED. */
  code: string;
  /** down or degraded: how bad this one is. */
  level: Exclude<HealthStatus, 'ok'>;
  message: string;
}

export function overallStatus(reasons: readonly HealthReason[]): HealthStatus {
  if (reasons.some((r) => r.level === 'down')) return 'down';
  return reasons.length > 0 ? 'degraded' : 'ok';
}
