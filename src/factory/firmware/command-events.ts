import type { DeploymentEvent, DeviceStage } from '../../../machines/factory/deployment.machine.js';
import { ROLLED_BACK_CODE } from '../../domain/firmware-install.js';
import type { CommandRecord } from '../../domain/ports/command-port.js';

const STAGES: ReadonlySet<string> = new Set<DeviceStage>(['downloading', 'verifying', 'staging', 'waiting_for_window', 'waiting_for_line', 'installing', 'restarting']);

/** The error code an edge answers when the new version was rolled back (src/domain/firmware-install.ts). */
const ROLLED_BACK = ROLLED_BACK_CODE;

/**
 * Whether a successful update_firmware means the device runs the release: its answer must carry
 * the softwareVersion of the process that answered (the new version, after its hello was
 * welcomed) and it must be the release's. An edge that only staged the release says installed: false.
 */
export function runsRelease(command: Pick<CommandRecord, 'params' | 'result'>, reportedVersion?: string): { ok: true } | { ok: false; error: string } {
  const version = command.params.version;
  const result = (command.result ?? {}) as { softwareVersion?: unknown; installed?: unknown };
  // What the device said in its hello / heartbeats, when the factory has it: it must agree.
  if (reportedVersion !== undefined && reportedVersion !== version && result.installed !== false) {
    return { ok: false, error: `the device reports software version ${reportedVersion} in its hello, not ${String(version)}` };
  }
  if (result.softwareVersion === version && result.installed !== false) return { ok: true };
  if (result.installed === false) {
    return { ok: false, error: `release ${String(version)} staged only: this edge installs nothing (no firmware.install.root) and still runs ${String(result.softwareVersion ?? 'an unknown version')}` };
  }
  return { ok: false, error: `the device answered but reports software version ${String(result.softwareVersion ?? '(none)')}, not ${String(version)}` };
}

/** The idempotency key of a deployment's command to one device: dispatching twice (after a restart) runs it once. */
export const deploymentCommandKey = (deploymentId: string, deviceId: string) => `firmware:${deploymentId}:${deviceId}`;

/**
 * What a command's state means for its device in the deployment: the final statuses settle it
 * (SUCCEEDED only when the device runs the release: runsRelease, which also checks the version the
 * device reported in its hello when `reportedVersion` knows it; FAILED ROLLED_BACK is a rollback)
 * (TIMED_OUT and EXPIRED are both "never reported in time": the command's own timeout and expiry
 * are the deployment's device timeout), a reported stage moves it along, anything else is nothing yet.
 */
export function deploymentEventFor(command: CommandRecord, reportedVersion?: (deviceId: string) => string | undefined, now: () => Date = () => new Date()): DeploymentEvent | null {
  const deviceId = command.deviceId;
  const at = command.completedAt ?? now().toISOString();
  switch (command.status) {
    case 'SUCCEEDED': {
      const runs = runsRelease(command, reportedVersion?.(deviceId));
      return runs.ok ? { type: 'device.result', deviceId, ok: true, at } : { type: 'device.result', deviceId, ok: false, error: runs.error, at };
    }
    case 'FAILED':
      if (command.error?.code === ROLLED_BACK) return { type: 'device.rolledBack', deviceId, reason: command.error.message, at };
      return { type: 'device.result', deviceId, ok: false, error: command.error ? `${command.error.code}: ${command.error.message}` : 'the device reported a failure', at };
    case 'TIMED_OUT':
      return { type: 'device.timeout', deviceId, error: `no result within ${command.timeoutMs} ms of delivery`, at };
    case 'EXPIRED':
      return { type: 'device.timeout', deviceId, error: 'the command was not delivered before it expired (device offline)', at };
    case 'CANCELED':
      return { type: 'device.canceled', deviceId, at };
    default:
      return command.stage && STAGES.has(command.stage) ? { type: 'device.progress', deviceId, stage: command.stage as DeviceStage, at } : null;
  }
}
