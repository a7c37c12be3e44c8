import type { Knex } from 'knex';
import { DomainError } from '../../../src/domain/domain-error.js';
import type { EdgeRuntimeConfig } from '../../../src/domain/device-commands.js';
import { isUniqueViolation } from './factory-database.js';

/** A device's desired config and what it last reported it applied. */
export interface DeviceConfigRecord {
  deviceId: string;
  /** 0 when no desired config was ever stored. */
  version: number;
  desired: EdgeRuntimeConfig;
  updatedBy: string | null;
  updatedAt: string | null;
  /** What the edge applied (the `applied` of its push_config result); null until it reported. */
  reported: unknown;
  reportedVersion: number | null;
  reportedAt: string | null;
  lastCommandId: string | null;
}

export interface DesiredConfigChange {
  deviceId: string;
  /** The version the caller read; the change is refused unless it is still the stored one. */
  expectedVersion: number;
  desired: EdgeRuntimeConfig;
  updatedBy: string | null;
  at?: string;
}

interface DeviceConfigRow {
  device_id: string;
  version: number | string;
  desired: string;
  updated_by: string | null;
  updated_at: string;
  reported: string | null;
  reported_version: number | string | null;
  reported_at: string | null;
  last_command_id: string | null;
}

const toRecord = (row: DeviceConfigRow): DeviceConfigRecord => ({
  deviceId: row.device_id,
  version: Number(row.version),
  desired: JSON.parse(row.desired) as EdgeRuntimeConfig,
  updatedBy: row.updated_by,
  updatedAt: row.updated_at,
  reported: row.reported === null ? null : (JSON.parse(row.reported) as unknown),
  reportedVersion: row.reported_version === null ? null : Number(row.reported_version),
  reportedAt: row.reported_at,
  lastCommandId: row.last_command_id,
});

/** What a device without a stored row has: nothing desired, nothing reported. */
export const emptyDeviceConfig = (deviceId: string): DeviceConfigRecord => ({
  deviceId,
  version: 0,
  desired: {},
  updatedBy: null,
  updatedAt: null,
  reported: null,
  reportedVersion: null,
  reportedAt: null,
  lastCommandId: null,
});

const stale = (deviceId: string, expected: number, current: number) =>
  new DomainError('CONFLICT', `The config of device ${deviceId} is at version ${current}, not ${expected}: read it again and retry`, {
    currentVersion: current,
    expectedVersion: expected,
  });

/** Storage of desired device config (table device_configs). */
export function createDeviceConfigStore(db: Knex) {
  const read = async (q: Knex | Knex.Transaction, deviceId: string) => {
    const row = (await q('device_configs').where({ device_id: deviceId }).first()) as DeviceConfigRow | undefined;
    return row ? toRecord(row) : null;
  };

  return {
    /** The device's config, or null when it has no row (callers decide whether the device exists). */
    get: (deviceId: string, q: Knex | Knex.Transaction = db) => read(q, deviceId),

    /**
     * Stores a new desired config as version expectedVersion + 1, inside the caller's transaction.
     * Compare-and-set on the version (an UPDATE … WHERE version = expected, or the INSERT of the
     * first row racing on the primary key), so two writers that read the same version never both win.
     */
    async putDesired(trx: Knex.Transaction, change: DesiredConfigChange): Promise<{ before: DeviceConfigRecord; after: DeviceConfigRecord }> {
      const { deviceId, expectedVersion } = change;
      const device = (await trx('devices').where({ id: deviceId }).first('id')) as { id: string } | undefined;
      if (!device) throw new DomainError('NOT_FOUND', `Device ${deviceId} not found`);
      const current = (await read(trx, deviceId)) ?? emptyDeviceConfig(deviceId);
      if (current.version !== expectedVersion) throw stale(deviceId, expectedVersion, current.version);
      const columns = {
        version: expectedVersion + 1,
        desired: JSON.stringify(change.desired),
        updated_by: change.updatedBy,
        updated_at: change.at ?? new Date().toISOString(),
      };
      if (expectedVersion === 0) {
        try {
          await trx('device_configs').insert({ device_id: deviceId, ...columns });
        } catch (error) {
          if (isUniqueViolation(error)) throw stale(deviceId, expectedVersion, expectedVersion + 1);
          throw error;
        }
      } else {
        const updated = await trx('device_configs').where({ device_id: deviceId, version: expectedVersion }).update(columns);
        if (updated !== 1) throw stale(deviceId, expectedVersion, (await read(trx, deviceId))?.version ?? 0);
      }
      return { before: current, after: (await read(trx, deviceId))! };
    },

    /** Remembers the push_config command that carries the current version. */
    async setLastCommand(deviceId: string, commandId: string): Promise<void> {
      await db('device_configs').where({ device_id: deviceId }).update({ last_command_id: commandId });
    },

    /**
     * Stores what the device applied. An older report arriving after a newer one (results of two
     * pushes out of order) is ignored, and so is a report from a device removed since: returns false. A device with no row gets one at version 0
     * (someone pushed config through the commands API without ever storing a desired one).
     */
    async recordReported(trx: Knex.Transaction, report: { deviceId: string; version: number; applied: unknown; at?: string }): Promise<boolean> {
      const at = report.at ?? new Date().toISOString();
      const device = (await trx('devices').where({ id: report.deviceId }).first('id')) as { id: string } | undefined;
      if (!device) return false;
      const current = await read(trx, report.deviceId);
      const columns = { reported: JSON.stringify(report.applied ?? null), reported_version: report.version, reported_at: at };
      if (!current) {
        await trx('device_configs').insert({ device_id: report.deviceId, version: 0, desired: '{}', updated_by: null, updated_at: at, ...columns });
        return true;
      }
      if (current.reportedVersion !== null && current.reportedVersion > report.version) return false;
      await trx('device_configs').where({ device_id: report.deviceId }).update(columns);
      return true;
    },

    async remove(deviceId: string): Promise<void> {
      await db('device_configs').where({ device_id: deviceId }).delete();
    },
  };
}

export type DeviceConfigStore = ReturnType<typeof createDeviceConfigStore>;
