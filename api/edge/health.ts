import { type HealthReason, overallStatus } from '../../src/domain/health.js';
import type { OutboxDrain } from '../../adapters/store/outbox-drain.js';
import type { WithRoot, WithScanLine, WithScannersConfig } from './edge-deps.js';
import { lineStatus } from './line-status.js';
import { SCAN_LINE } from '../../src/domain/actor-ids.js';
import { failedChildReasons } from '../../src/runtime/supervised-children.js';

/** What /health needs from the edge. */
export type EdgeHealthDeps = WithRoot &
  WithScanLine &
  WithScannersConfig & {
    probeWritable(): Promise<string | null>;
    outbox: Pick<OutboxDrain, 'status'>;
    config: { health: { syncBacklogMaxAgeSeconds: number } };
    /** Features whose construction threw: left out, the edge runs without them. */
    disabledFeatures: ReadonlyArray<{ name: string; error: string }>;
  };

/**
 * The edge's health, read from actor snapshots and two cheap probes: down when the database
 * refuses a write or the scan line is not running (the edge cannot take a code); degraded when
 * the line is paused or disabled, an actor has FAILED for good, a feature failed to start, a
 * scanner is not connected, or the oldest item waiting to sync is older than the configured
 * threshold.
 */
export async function edgeHealth(system: EdgeHealthDeps) {
  const reasons: HealthReason[] = [];
  const writeError = await system.probeWritable();
  if (writeError) reasons.push({ code: 'DATABASE_UNWRITABLE', level: 'down', message: `the database refuses writes: ${writeError}` });

  const ref = system.root.system.get(SCAN_LINE);
  const status = ref ? lineStatus(system) : null;
  const lineState = status?.line.state ?? 'stopped';
  if (!status || lineState === 'draining' || lineState === 'drained') {
    reasons.push({ code: 'LINE_NOT_RUNNING', level: 'down', message: `the scan line is ${lineState}` });
  } else if (lineState === 'paused') {
    reasons.push({ code: 'LINE_PAUSED', level: 'degraded', message: `line paused: ${status.line.pauseReason ?? ''}` });
  } else if (lineState === 'disabled') {
    reasons.push({ code: 'LINE_DISABLED', level: 'degraded', message: `device disabled by the factory: ${status.line.disabledReason ?? ''}` });
  }

  reasons.push(...failedChildReasons(system.root));

  for (const feature of system.disabledFeatures) {
    reasons.push({ code: 'FEATURE_DISABLED', level: 'degraded', message: `feature ${feature.name} is disabled: it failed to start (${feature.error})` });
  }

  for (const scanner of status?.scanners ?? []) {
    if (!scanner.connected) reasons.push({ code: 'SCANNER_DISCONNECTED', level: 'degraded', message: `scanner ${scanner.id} is ${scanner.state}${scanner.lastError ? `: ${scanner.lastError}` : ''}` });
  }

  const outbox = await system.outbox.status().catch(() => null);
  const maxAgeMs = system.config.health.syncBacklogMaxAgeSeconds * 1000;
  if (outbox?.oldestItem && Date.now() - Date.parse(outbox.oldestItem) > maxAgeMs) {
    reasons.push({ code: 'SYNC_BACKLOG', level: 'degraded', message: `${outbox.queueSize} items wait to sync, the oldest since ${outbox.oldestItem}` });
  }

  return { status: overallStatus(reasons), reasons, line: lineState, scanners: status?.scanners ?? [], outbox };
}
