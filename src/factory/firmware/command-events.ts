import type { DeploymentEvent, DeviceStage } from '../../../machines/factory/deployment.machine.js';
import type { CommandRecord } from '../../domain/ports/command-port.js';

const STAGES: ReadonlySet<string> = new Set<DeviceStage>(['downloading', 'verifying', 'staging']);

/** The idempotency key of a deployment's command to one device: dispatching twice (after a restart) runs it once. */
export const deploymentCommandKey = (deploymentId: string, deviceId: string) => `firmware:${deploymentId}:${deviceId}`;

/**
 * What a command's state means for its device in the deployment: the final statuses settle it
 * (TIMED_OUT and EXPIRED are both "never reported in time": the command's own timeout and expiry
 * are the deployment's device timeout), a reported stage moves it along, anything else is nothing yet.
 */
export function deploymentEventFor(command: CommandRecord, now: () => Date = () => new Date()): DeploymentEvent | null {
  const deviceId = command.deviceId;
  const at = command.completedAt ?? now().toISOString();
  switch (command.status) {
    case 'SUCCEEDED':
      return { type: 'device.result', deviceId, ok: true, at };
    case 'FAILED':
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
