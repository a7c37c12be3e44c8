import type { ReportedStatus } from '../domain/device-channel.js';
import type { Logger } from '../runtime/logger.js';
import type { Fleet } from './fleet.js';

export interface SeenRecord {
  deviceId: string;
  at: string;
  reported?: ReportedStatus;
}

/**
 * Where a sign of life from a device goes, whichever way it came (HTTP heartbeat or the device
 * channel): to its session actor at once, and to storage in one write per second for the whole
 * fleet (1,000 devices every 5 s would otherwise be 200 transactions a second). The stored
 * last-seen time is what a restarted server derives each session's state and deadlines from;
 * losing the last second of it in a crash only makes a device look a second older.
 */
export function createDevicePresence(options: {
  fleet: Fleet;
  recordSeen: (records: SeenRecord[]) => Promise<void>;
  logger: Logger;
  flushIntervalMs?: number;
  now?: () => number;
}) {
  const { fleet, logger } = options;
  const now = options.now ?? Date.now;
  let pending = new Map<string, SeenRecord>();

  const flush = async () => {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    try {
      await options.recordSeen(batch);
    } catch (error) {
      logger.warn({ err: error, devices: batch.length }, 'could not store last-seen times; kept for the next flush');
      for (const record of batch) if (!pending.has(record.deviceId)) pending.set(record.deviceId, record);
    }
  };
  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 1_000);
  timer.unref();

  const seen = (deviceId: string, at: number, reported?: ReportedStatus) => {
    const previous = pending.get(deviceId);
    const merged = reported ?? previous?.reported;
    pending.set(deviceId, { deviceId, at: new Date(at).toISOString(), ...(merged ? { reported: merged } : {}) });
  };

  return {
    heartbeat(deviceId: string, reported?: ReportedStatus) {
      const at = now();
      fleet.heartbeat(deviceId, at, reported);
      seen(deviceId, at, reported);
    },
    channelOpened(deviceId: string) {
      const at = now();
      fleet.channelOpened(deviceId, at);
      seen(deviceId, at);
    },
    channelClosed(deviceId: string) {
      fleet.channelClosed(deviceId, now());
    },
    forget(deviceId: string) {
      pending.delete(deviceId);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

export type DevicePresence = ReturnType<typeof createDevicePresence>;
