import type { ScannerContext } from '../../machines/edge/scanner.machine.js';
import type { ScanLineContext } from '../../machines/edge/scan-line.machine.js';
import type { WithScanLine, WithScannersConfig } from './edge-deps.js';

/** What the line's status needs from the edge. */
export type LineStatusDeps = WithScanLine & WithScannersConfig;

/** The scanners' and the line's live state, read from actor snapshots (never from storage). */
export function lineStatus(system: LineStatusDeps) {
  const line = system.scanLine().getSnapshot() as { value: unknown; context: ScanLineContext };
  const scanners = system.config.scanners.map((config) => {
    const snapshot = system.scanner(config.id)?.getSnapshot() as { value: unknown; context: ScannerContext } | undefined;
    const state = snapshot ? stateName(snapshot.value) : 'stopped';
    return {
      id: config.id,
      // This legacy shape (/api/v1/scanner/status) keeps the lower-case transport names it always had.
      transport: config.transport.toLowerCase(),
      mode: config.transport === 'TCP' ? config.mode : null,
      role: config.role,
      state,
      connected: state === 'active.connected',
      peer: snapshot?.context.peer ?? null,
      listeningPort: snapshot?.context.listeningPort ?? null,
      lastError: snapshot?.context.lastError ?? null,
      frames: snapshot?.context.frames ?? 0,
      noReads: snapshot?.context.noReads ?? 0,
      garbage: snapshot?.context.garbage ?? 0,
    };
  });
  return {
    connected: scanners.some((s) => s.connected),
    lastScan: line.context.lastScanAt,
    scanCount: line.context.counters.scans,
    line: { state: stateName(line.value), pauseReason: line.context.pauseReason, disabledReason: line.context.disabledReason, inFlight: line.context.inFlight, ...line.context.counters },
    scanners,
  };
}

function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, inner] = Object.entries(value)[0]!;
    return `${key}.${stateName(inner)}`;
  }
  return String(value);
}
