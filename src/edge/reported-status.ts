import fs from 'node:fs';
import type { AnyActorRef } from 'xstate';
import type { ScanLineContext } from '../../machines/edge/scan-line.machine.js';
import type { ConnectionMode } from '../domain/connection-mode.js';
import type { ReportedStatus } from '../domain/device-channel.js';

/** The top-level state's name ('sending' for { sending: 'batch' }). */
const topState = (value: unknown): string => (typeof value === 'string' ? value : Object.keys((value ?? {}) as object)[0] ?? String(value));

/** This package's version, from the package.json above this file (run from sources or from dist/). */
export function packageVersion(): string | undefined {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'okto-traceability' && typeof pkg.version === 'string') return pkg.version.slice(0, 64);
    } catch {
      // Not there: try one level further up.
    }
  }
  return undefined;
}

/**
 * What the edge tells its factory in hello and heartbeats, read from actor snapshots. It must be
 * synchronous (the factory link is pure and reads it inside an action), so the outbox size, which
 * needs a query, is the last one read: each call starts one refresh in the background, so a
 * heartbeat reports the size as of the previous one at worst.
 */
export function createStatusReporter(options: {
  mode: () => ConnectionMode;
  modeReason: () => string | null;
  scanLine: () => AnyActorRef | undefined;
  syncQueue: () => AnyActorRef | undefined;
  pending: () => Promise<number>;
}): () => ReportedStatus {
  const softwareVersion = packageVersion();
  let pending = 0;
  let refreshing = false;
  const refresh = () => {
    if (refreshing) return;
    refreshing = true;
    options
      .pending()
      .then((n) => {
        pending = n;
      })
      .catch(() => {
        // A failed count keeps the last one: a heartbeat is no place to report storage errors.
      })
      .finally(() => {
        refreshing = false;
      });
  };
  refresh();

  return () => {
    refresh();
    const status: ReportedStatus = { mode: options.mode(), modeReason: options.modeReason() };
    if (softwareVersion) status.softwareVersion = softwareVersion;
    const line = options.scanLine()?.getSnapshot() as { value: unknown; context: ScanLineContext } | undefined;
    if (line) {
      status.line = { state: topState(line.value).slice(0, 64), accepted: line.context.counters.accepted, rejected: rejectedOf(line.context.counters) };
      // The factory disabled this device (disable_device): it says so until enabled again.
      status.disabled = line.context.disabledReason !== null;
      status.disabledReason = line.context.disabledReason;
    }
    const queue = options.syncQueue()?.getSnapshot() as { value: unknown } | undefined;
    if (queue) status.syncQueue = { state: topState(queue.value).slice(0, 64), pending };
    return status;
  };
}

/** Every scan that did not become a bottle: duplicates, invalid codes, no-reads, refusals, errors. */
function rejectedOf(counters: ScanLineContext['counters']): number {
  return counters.duplicates + counters.invalid + counters.noReads + counters.refused + counters.errors;
}
