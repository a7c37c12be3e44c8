import type { DeviceConfigRecord } from '../../../adapters/store/factory/device-config-store.js';

/** One setting whose desired value the device has not reported applying. */
export interface ConfigDifference {
  /** Dotted path, e.g. `sync.batchSize`. */
  path: string;
  desired: unknown;
  /** What the device reported at that path; null when it reported nothing there. */
  reported: unknown;
}

export interface DeviceConfigView {
  deviceId: string;
  version: number;
  desired: unknown;
  reported: unknown;
  reportedVersion: number | null;
  reportedAt: string | null;
  lastCommandId: string | null;
  inSync: boolean;
  differences: ConfigDifference[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Leaves of a desired config (null is a leaf: "clear this setting"), with their dotted paths. */
function leaves(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(value).flatMap(([key, child]): Array<[string, unknown]> => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isObject(child) ? leaves(child, path) : [[path, child]];
  });
}

function at(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (!isObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * What differs between desired and reported: only the settings the desired config names (it is a
 * partial config; what it leaves out the device keeps as it likes, as a device shadow's `desired`).
 */
export function configDifferences(desired: unknown, reported: unknown): ConfigDifference[] {
  if (!isObject(desired)) return [];
  return leaves(desired)
    // Missing differs from null: a device that never mentions a setting has not confirmed clearing it.
    .filter(([path, want]) => {
      const have = at(reported, path);
      return have === undefined || JSON.stringify(have) !== JSON.stringify(want);
    })
    .map(([path, want]) => ({ path, desired: want, reported: at(reported, path) ?? null }));
}

/**
 * In sync when the device reported applying this very version and what it applied matches; with
 * nothing desired yet (version 0) there is nothing to be out of sync with.
 */
export function deviceConfigView(record: DeviceConfigRecord): DeviceConfigView {
  const differences = configDifferences(record.desired, record.reported);
  const confirmed = record.version === 0 || record.reportedVersion === record.version;
  return {
    deviceId: record.deviceId,
    version: record.version,
    desired: record.desired,
    reported: record.reported,
    reportedVersion: record.reportedVersion,
    reportedAt: record.reportedAt,
    lastCommandId: record.lastCommandId,
    inSync: confirmed && differences.length === 0,
    differences,
  };
}
