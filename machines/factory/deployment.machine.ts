import { assign, setup } from 'xstate';

/**
 * One firmware deployment: a release rolled out to a set of devices, each with its own progress.
 *
 *   deployment   running → completed   every device installed
 *                        → failed      every device finished, some failed or timed out (threshold not crossed)
 *                        → aborted     the abort threshold was crossed, or someone aborted it by hand
 *   device       queued → downloading → verifying → installing → restarting → installed | rolled_back
 *                         (any of them) → failed | timed_out
 *                queued → skipped (the deployment aborted before the device started)
 *
 * `installed` is the confirmed state: the new version runs and is healthy — its own process
 * answered the command with the release's softwareVersion after the factory welcomed its hello
 * (the service checks that; an edge that only staged the release is `failed`). `rolled_back`:
 * the new version did not confirm in time or crash-looped, and the previous one runs again; it
 * counts as a failure towards the abort threshold.
 *
 * Abort threshold (after AWS IoT Jobs' abort criteria): once at least `abortMinDevices` devices
 * have finished (installed, failed or timed out), the deployment aborts as soon as more than
 * `abortThresholdPercent` % of those finished devices failed or timed out.
 *
 * A manual abort (`deployment.abort`, from a running deployment only) ends it the same way; the
 * record keeps who aborted it (`abortedBy`) and why (`reason`).
 *
 * On abort, devices that had not started (still `queued`) are marked `skipped`; the service
 * cancels their commands where it can. Devices already downloading or verifying cannot be stopped
 * (the edge is at work): the aborted deployment keeps following them and records how they end,
 * and a skipped device whose command could not be canceled and ran anyway is recorded as it ended
 * too, so the per-device states always tell the truth about what each device runs. A command
 * canceled on purpose leaves a skipped device skipped.
 *
 * PURE: no I/O, no clock. Every event carries its time (`at`, ISO 8601); the service persists
 * what changed. The initial state comes from input, so a restarted server resumes a deployment
 * from its stored rows.
 */

import { type DeploymentDevice, type DeploymentStatus, type DeviceRolloutState, FINAL_DEVICE_STATES } from '../../src/domain/deployment-states.js';
export { DEPLOYMENT_STATUSES, type DeploymentDevice, type DeploymentStatus, DEVICE_ROLLOUT_STATES, type DeviceRolloutState, FINAL_DEVICE_STATES } from '../../src/domain/deployment-states.js';

export interface DeploymentInput {
  status: DeploymentStatus;
  devices: Record<string, DeploymentDevice>;
  abortThresholdPercent: number;
  abortMinDevices: number;
  finishedAt?: string | null;
  reason?: string | null;
  abortedBy?: string | null;
}

export interface DeploymentContext {
  status: DeploymentStatus;
  devices: Record<string, DeploymentDevice>;
  abortThresholdPercent: number;
  abortMinDevices: number;
  finishedAt: string | null;
  reason: string | null;
  /** Who aborted the deployment by hand; null for a threshold abort or any other end. */
  abortedBy: string | null;
}

/** Stages an edge reports while it works on update_firmware; staging is the last step of verifying (an edge without an install root). */
export type DeviceStage = 'downloading' | 'verifying' | 'staging' | 'waiting_for_window' | 'waiting_for_line' | 'installing' | 'restarting';

export type DeploymentEvent =
  | { type: 'device.progress'; deviceId: string; stage: DeviceStage; at: string }
  | { type: 'device.result'; deviceId: string; ok: boolean; error?: string | null; at: string }
  | { type: 'device.timeout'; deviceId: string; error?: string | null; at: string }
  /** The new version did not confirm (or crash-looped): the device runs the previous one again. */
  | { type: 'device.rolledBack'; deviceId: string; reason: string; at: string }
  /** Its command was canceled (by the abort, or by hand): it will not run. */
  | { type: 'device.canceled'; deviceId: string; at: string };

/** Someone stops a running deployment by hand (a deployment that has ended ignores it). */
export type DeploymentAbortEvent = { type: 'deployment.abort'; by: string; reason?: string | null; at: string };

export type DeploymentMachineEvent = DeploymentEvent | DeploymentAbortEvent;

/** The reason recorded when a manual abort gives none. */
export const MANUAL_ABORT_REASON = 'aborted by hand';

export interface DeploymentCounts {
  total: number;
  queued: number;
  downloading: number;
  verifying: number;
  installing: number;
  restarting: number;
  installed: number;
  rolled_back: number;
  failed: number;
  timed_out: number;
  skipped: number;
}

export function countDevices(devices: Record<string, DeploymentDevice>): DeploymentCounts {
  const counts: DeploymentCounts = { total: 0, queued: 0, downloading: 0, verifying: 0, installing: 0, restarting: 0, installed: 0, rolled_back: 0, failed: 0, timed_out: 0, skipped: 0 };
  for (const device of Object.values(devices)) {
    counts.total++;
    counts[device.state]++;
  }
  return counts;
}

/** Whether the failures so far cross the threshold: more than N % of at least M finished devices. */
export function thresholdCrossed(counts: DeploymentCounts, abortThresholdPercent: number, abortMinDevices: number): boolean {
  const failures = counts.failed + counts.timed_out + counts.rolled_back;
  const finished = counts.installed + failures;
  return finished >= abortMinDevices && failures * 100 > abortThresholdPercent * finished;
}

const progressOrder: Record<DeviceRolloutState, number> = {
  queued: 0,
  skipped: 0,
  downloading: 1,
  verifying: 2,
  installing: 3,
  restarting: 4,
  installed: 5,
  rolled_back: 5,
  failed: 5,
  timed_out: 5,
};

/** Waiting for its maintenance window or a quiet line: downloaded and verified, so `verifying` until it installs. */
const STAGE_STATE: Record<DeviceStage, DeviceRolloutState> = {
  downloading: 'downloading',
  verifying: 'verifying',
  staging: 'verifying',
  waiting_for_window: 'verifying',
  waiting_for_line: 'verifying',
  installing: 'installing',
  restarting: 'restarting',
};

/** What one event does to one device. Final states never change; progress only moves forward. */
export function nextDeviceState(device: DeploymentDevice, event: DeploymentEvent): DeploymentDevice {
  if (FINAL_DEVICE_STATES.has(device.state)) return device;
  switch (event.type) {
    case 'device.progress': {
      const target = STAGE_STATE[event.stage];
      return progressOrder[target] > progressOrder[device.state] ? { state: target, error: null, updatedAt: event.at } : device;
    }
    case 'device.result':
      return event.ok
        ? { state: 'installed', error: null, updatedAt: event.at }
        : { state: 'failed', error: event.error ?? 'the device reported a failure', updatedAt: event.at };
    case 'device.timeout':
      return { state: 'timed_out', error: event.error ?? 'no result in time', updatedAt: event.at };
    case 'device.rolledBack':
      return { state: 'rolled_back', error: event.reason, updatedAt: event.at };
    case 'device.canceled':
      return device.state === 'skipped' ? device : { state: 'failed', error: 'command canceled', updatedAt: event.at };
  }
}

const counts = (context: DeploymentContext) => countDevices(context.devices);

const deviceEvents = {
  'device.progress': { actions: 'applyDeviceEvent' },
  'device.result': { actions: 'applyDeviceEvent' },
  'device.timeout': { actions: 'applyDeviceEvent' },
  'device.rolledBack': { actions: 'applyDeviceEvent' },
  'device.canceled': { actions: 'applyDeviceEvent' },
} as const;

const eventTime = (event: { type: string; at?: string }) => event.at ?? null;
/** When nothing newer is known (a state decided on restore): the last time a device changed. */
const lastChange = (context: DeploymentContext) =>
  Object.values(context.devices).reduce<string | null>((latest, d) => (latest === null || d.updatedAt > latest ? d.updatedAt : latest), null);

export const deploymentMachine = setup({
  types: {
    context: {} as DeploymentContext,
    events: {} as DeploymentMachineEvent,
    input: {} as DeploymentInput,
  },
  guards: {
    restoredAs: ({ context }, status: DeploymentStatus) => context.status === status,
    thresholdCrossed: ({ context }) => thresholdCrossed(counts(context), context.abortThresholdPercent, context.abortMinDevices),
    allInstalled: ({ context }) => {
      const c = counts(context);
      return c.total > 0 && c.installed === c.total;
    },
    allFinished: ({ context }) => Object.values(context.devices).every((d) => FINAL_DEVICE_STATES.has(d.state)),
  },
  actions: {
    applyDeviceEvent: assign({
      devices: ({ context, event }) => {
        if (event.type === 'deployment.abort') return context.devices;
        const device = context.devices[event.deviceId];
        if (!device) return context.devices; // not part of this deployment
        const next = nextDeviceState(device, event);
        return next === device ? context.devices : { ...context.devices, [event.deviceId]: next };
      },
    }),
    skipQueued: assign({
      devices: ({ context, event }) => {
        const at = eventTime(event) ?? context.finishedAt ?? lastChange(context) ?? '';
        const devices: Record<string, DeploymentDevice> = {};
        for (const [id, device] of Object.entries(context.devices)) {
          devices[id] = device.state === 'queued' ? { state: 'skipped', error: 'deployment aborted before the device started', updatedAt: at } : device;
        }
        return devices;
      },
    }),
    finish: assign(({ context, event }, status: DeploymentStatus) => {
      const c = counts(context);
      const failures = c.failed + c.timed_out + c.rolled_back;
      const finished = c.installed + failures;
      // Rollbacks are named only when there were some (the texts before them stay as they were).
      const what = c.rolled_back > 0 ? 'failed, timed out or rolled back' : 'failed or timed out';
      const reason =
        status === 'aborted'
          ? `${failures} of ${finished} finished devices ${what}: more than ${context.abortThresholdPercent}% of at least ${context.abortMinDevices}`
          : status === 'failed'
            ? `${failures} of ${c.total} devices ${what}`
            : null;
      return { status, finishedAt: eventTime(event) ?? context.finishedAt ?? lastChange(context), reason };
    }),
    finishByHand: assign(({ event }) => {
      if (event.type !== 'deployment.abort') return {};
      return { status: 'aborted' as const, finishedAt: event.at, reason: event.reason?.trim() || MANUAL_ABORT_REASON, abortedBy: event.by };
    }),
  },
}).createMachine({
  id: 'deployment',
  context: ({ input }) => ({
    status: input.status,
    devices: input.devices,
    abortThresholdPercent: input.abortThresholdPercent,
    abortMinDevices: input.abortMinDevices,
    finishedAt: input.finishedAt ?? null,
    reason: input.reason ?? null,
    abortedBy: input.abortedBy ?? null,
  }),
  initial: 'restoring',
  states: {
    /** Picks the stored state; a new deployment starts as running. Nothing is re-run on restore. */
    restoring: {
      always: [
        { guard: { type: 'restoredAs', params: 'completed' }, target: 'completed' },
        { guard: { type: 'restoredAs', params: 'failed' }, target: 'failed' },
        { guard: { type: 'restoredAs', params: 'aborted' }, target: 'aborted' },
        { target: 'running' },
      ],
    },
    running: {
      // Checked after every device event (and at once on restore, for events applied before a crash).
      always: [
        { guard: 'thresholdCrossed', target: 'aborted', actions: [{ type: 'finish', params: 'aborted' }, 'skipQueued'] },
        { guard: 'allInstalled', target: 'completed', actions: { type: 'finish', params: 'completed' } },
        { guard: 'allFinished', target: 'failed', actions: { type: 'finish', params: 'failed' } },
      ],
      on: {
        ...deviceEvents,
        // Same end as a threshold abort: queued devices skipped, devices at work followed.
        'deployment.abort': { target: 'aborted', actions: ['finishByHand', 'skipQueued'] },
      },
    },
    /** Stopped: nothing new starts, devices already at work are still followed to their end. */
    aborted: { on: deviceEvents },
    completed: { type: 'final' },
    failed: { type: 'final' },
  },
});

export type DeploymentSnapshot = ReturnType<(typeof deploymentMachine)['getInitialSnapshot']>;
