import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentVersion, InstallError, pruneReleases, readInstallRecord, switchCurrent, unpackRelease, writeInstallRecord } from '../../../adapters/firmware-install/install-root.js';
import { type InstallRecord, ROLLED_BACK_CODE } from '../../domain/firmware-install.js';
import { type MaintenanceWindow, nextOpening, windowOpen } from '../../domain/maintenance-window.js';
import { CommandContinuesAfterRestart, CommandFailure } from './types.js';

/**
 * The A/B half of update_firmware (the download and its checks are done): unpack the verified
 * artifact into <root>/releases/<version>, record the install as `restarting` (from, to, the
 * command), switch `current`, drop old releases. The caller then restarts the process; the new
 * version confirms (install.json `confirmed`) or the launcher rolls it back.
 */
export interface InstallRequest {
  root: string;
  artifact: string;
  version: string;
  commandId: string;
  deploymentId: string | null;
  confirmTimeoutMs: number;
  keepReleases: number;
  progress(stage: string, detail?: unknown): void;
}

export async function installRelease(request: InstallRequest): Promise<InstallRecord> {
  const { root, version } = request;
  const from = currentVersion(root);
  request.progress('installing', { root, from, to: version });
  try {
    await unpackRelease(root, request.artifact, version);
  } catch (error) {
    if (error instanceof InstallError) throw new CommandFailure(error.code, `firmware ${version} was not installed: ${error.message}; version ${from ?? '(none)'} runs on`);
    throw error;
  }
  const now = new Date().toISOString();
  const record: InstallRecord = {
    state: 'restarting',
    from,
    to: version,
    commandId: request.commandId,
    deploymentId: request.deploymentId,
    confirmTimeoutMs: request.confirmTimeoutMs,
    startedAt: now,
    updatedAt: now,
    reason: null,
  };
  // The record first: a power cut between the two leaves a record naming a version not current,
  // which nobody confirms and the launcher ignores (it watches only the version it runs).
  writeInstallRecord(root, record);
  switchCurrent(root, version);
  fs.rmSync(request.artifact, { force: true });
  pruneReleases(root, request.keepReleases, [from, version]);
  request.progress('restarting', { from, to: version });
  return record;
}

/**
 * Waits, with the verified artifact kept, until the maintenance window is open (reporting
 * `waiting_for_window` with the next opening once); the command's timeout or the edge stopping ends the wait.
 */
export async function waitForWindow(window: MaintenanceWindow, signal: AbortSignal, progress: (stage: string, detail?: unknown) => void): Promise<void> {
  let told = false;
  while (!windowOpen(window, new Date())) {
    const opensAt = nextOpening(window, new Date());
    if (!told) progress('waiting_for_window', { opensAt: opensAt?.toISOString() ?? null, cron: window.cron, timeZone: window.timeZone ?? 'UTC' });
    told = true;
    const wait = opensAt ? Math.max(1_000, Math.min(60_000, opensAt.getTime() - Date.now())) : 60_000;
    await sleep(wait, undefined, { signal });
  }
}

/** How long without a scan counts as an idle line (a soft install restarts the edge then). */
export const LINE_IDLE_MS = 60_000;

/** The scan line as a soft install sees it: paused, disabled or stopped lines are quiet; a running one is busy until it has been idle for LINE_IDLE_MS. */
export function lineActivity(scanLine: { getSnapshot(): unknown } | undefined, now = Date.now()): { quiet: boolean; state: string } {
  if (!scanLine) return { quiet: true, state: 'none' };
  const snapshot = scanLine.getSnapshot() as { value: unknown; context: { inFlight?: number; lastScanAt?: string | null } };
  const state = typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value as object)[0] ?? 'unknown';
  if (state !== 'running') return { quiet: true, state };
  const last = snapshot.context.lastScanAt ? Date.parse(snapshot.context.lastScanAt) : null;
  return { quiet: (snapshot.context.inFlight ?? 0) === 0 && (last === null || now - last >= LINE_IDLE_MS), state };
}

/** A soft install waits (reporting `waiting_for_line` once) until the line is quiet; the command's timeout or the edge stopping ends the wait. */
export async function waitForQuietLine(activity: () => { quiet: boolean; state: string }, signal: AbortSignal, progress: (stage: string, detail?: unknown) => void): Promise<void> {
  let told = false;
  for (let now = activity(); !now.quiet; now = activity()) {
    if (!told) progress('waiting_for_line', { line: now.state, idleMs: LINE_IDLE_MS });
    told = true;
    await sleep(1_000, undefined, { signal });
  }
}

/** What a restart-cut update_firmware ended as, read from the install record; null when the record is about another command. */
export async function installOutcome(
  root: string,
  commandId: string,
  runningVersion: string | undefined,
  signal: AbortSignal,
): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } } | null> {
  let record = readInstallRecord(root);
  if (!record || record.commandId !== commandId) return null;
  // The new version answers once it confirmed itself (a moment after its hello was welcomed).
  const waitUntil = Date.parse(record.startedAt) + record.confirmTimeoutMs + 30_000;
  while (record.state === 'restarting' && Date.now() < waitUntil && !signal.aborted) {
    await sleep(200, undefined, { signal }).catch(() => undefined);
    record = readInstallRecord(root) ?? record;
  }
  const result = { version: record.to, previous: record.from, softwareVersion: runningVersion ?? null, state: record.state, reason: record.reason };
  if (record.state === 'confirmed' && runningVersion === record.to) return { ok: true, result: { ...result, installed: true } };
  if (record.state === 'rolled_back') {
    return { ok: false, result, error: { code: ROLLED_BACK_CODE, message: `version ${record.to} was rolled back to ${record.from ?? '(none)'}: ${record.reason ?? 'no reason recorded'}` } };
  }
  // Not decided yet (this edge is stopping): left unanswered, the factory asks again on the next reconnect.
  if (record.state === 'restarting') throw new CommandContinuesAfterRestart(`install of ${record.to} not confirmed yet`);
  return { ok: false, result, error: { code: 'INSTALL_FAILED', message: `install record says ${record.state} for ${record.to}, but this edge runs ${runningVersion ?? 'an unknown version'}` } };
}
