/** A firmware deployment's statuses and each device's rollout state: the deployment machine and the firmware store share them. */

export const DEPLOYMENT_STATUSES = ['running', 'completed', 'aborted', 'failed'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const DEVICE_ROLLOUT_STATES = ['queued', 'downloading', 'verifying', 'installing', 'restarting', 'installed', 'rolled_back', 'failed', 'timed_out', 'skipped'] as const;
export type DeviceRolloutState = (typeof DEVICE_ROLLOUT_STATES)[number];

/** Device states that never change again. */
export const FINAL_DEVICE_STATES: ReadonlySet<DeviceRolloutState> = new Set(['installed', 'rolled_back', 'failed', 'timed_out']);

export interface DeploymentDevice {
  state: DeviceRolloutState;
  error: string | null;
  updatedAt: string;
}
