import type { Knex } from 'knex';
import { DomainError } from '../../../src/domain/domain-error.js';
import { isUniqueViolation } from './factory-database.js';

import type { DeviceRecord } from '../../../src/domain/device-record.js';

export type { DeviceRecord } from '../../../src/domain/device-record.js';

/** What an administrator sets on a device. */
export interface DeviceFields {
  name: string;
  lineId: string | null;
  connectionMode: string | null;
  description: string | null;
}

export type NewDevice = { id: string; name: string } & Partial<Omit<DeviceFields, 'name'>>;

export type DevicePatch = Partial<DeviceFields>;

export interface SeenDevice {
  deviceId: string;
  /** When it was seen: epoch ms or ISO text. */
  at: number | string;
  /** A status that came with it (kept as JSON). */
  reported?: unknown;
}

interface DeviceRow {
  id: string;
  name: string;
  line_id: string | null;
  connection_mode: string | null;
  description: string | null;
  token_id: string | null;
  last_seen_at: string | null;
  reported: string | null;
  created_at: string;
  updated_at: string;
}

const toRecord = (row: DeviceRow): DeviceRecord => ({
  id: row.id,
  name: row.name,
  lineId: row.line_id,
  connectionMode: row.connection_mode,
  description: row.description,
  tokenId: row.token_id,
  lastSeenAt: row.last_seen_at,
  reported: row.reported === null ? null : JSON.parse(row.reported),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const isoOf = (at: number | string) => new Date(at).toISOString();

function patchColumns(patch: DevicePatch): Partial<DeviceRow> {
  const columns: Partial<DeviceRow> = {};
  if (patch.name !== undefined) columns.name = patch.name;
  if (patch.lineId !== undefined) columns.line_id = patch.lineId;
  if (patch.connectionMode !== undefined) columns.connection_mode = patch.connectionMode;
  if (patch.description !== undefined) columns.description = patch.description;
  return columns;
}

const notFound = (id: string) => new DomainError('NOT_FOUND', `Device ${id} not found`);

/** The factory's device registry. Refusals are DomainErrors: NOT_FOUND → 404, CONFLICT → 409. */
export function createDeviceStore(db: Knex) {
  async function get(id: string): Promise<DeviceRecord | null> {
    const row: DeviceRow | undefined = await db('devices').where({ id }).first();
    return row ? toRecord(row) : null;
  }

  return {
    async list(): Promise<DeviceRecord[]> {
      const rows: DeviceRow[] = await db('devices').orderBy('id');
      return rows.map(toRecord);
    },

    get,

    async create(device: NewDevice, now = new Date().toISOString()): Promise<DeviceRecord> {
      const row: DeviceRow = {
        id: device.id,
        name: device.name,
        line_id: device.lineId ?? null,
        connection_mode: device.connectionMode ?? null,
        description: device.description ?? null,
        token_id: null,
        last_seen_at: null,
        reported: null,
        created_at: now,
        updated_at: now,
      };
      try {
        await db('devices').insert(row);
      } catch (error) {
        // The primary key decides, not a read before the insert: two racing creates cannot both win.
        if (isUniqueViolation(error)) throw new DomainError('CONFLICT', `Device ${device.id} already exists`, { id: device.id });
        throw error;
      }
      return toRecord(row);
    },

    async update(id: string, patch: DevicePatch, now = new Date().toISOString()): Promise<DeviceRecord> {
      const changed = await db('devices').where({ id }).update({ ...patchColumns(patch), updated_at: now });
      if (changed === 0) throw notFound(id);
      return (await get(id))!;
    },

    /** Whether there was such a device to delete. */
    async delete(id: string): Promise<boolean> {
      return (await db('devices').where({ id }).delete()) > 0;
    },

    /** Records the id (jti) of the device's one valid token; null revokes it. */
    async setTokenId(deviceId: string, tokenId: string | null, now = new Date().toISOString()): Promise<void> {
      const changed = await db('devices').where({ id: deviceId }).update({ token_id: tokenId, updated_at: now });
      if (changed === 0) throw notFound(deviceId);
    },

    /** The valid token id of a device; null for an unknown device or one without a token. */
    async tokenIdOf(deviceId: string): Promise<string | null> {
      const row: { token_id: string | null } | undefined = await db('devices').where({ id: deviceId }).first('token_id');
      return row?.token_id ?? null;
    },

    /**
     * Heartbeats of many devices in one transaction (the fleet flushes them together). The last
     * seen time only moves forward; a status replaces the stored one. Unknown devices are skipped.
     */
    async recordSeen(batch: SeenDevice[]): Promise<void> {
      const latest = new Map<string, { at: string; reported?: unknown }>();
      for (const seen of batch) {
        const at = isoOf(seen.at);
        const entry = latest.get(seen.deviceId);
        if (!entry) latest.set(seen.deviceId, seen.reported === undefined ? { at } : { at, reported: seen.reported });
        else {
          if (at > entry.at) entry.at = at;
          if (seen.reported !== undefined) entry.reported = seen.reported;
        }
      }
      if (latest.size === 0) return;
      // Key order: two overlapping flushes on PostgreSQL take the row locks in the same order.
      const ordered = [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      await db.transaction(async (trx) => {
        for (const [deviceId, { at, reported }] of ordered) {
          const columns: Record<string, unknown> = {
            last_seen_at: trx.raw('CASE WHEN last_seen_at IS NULL OR last_seen_at < ? THEN ? ELSE last_seen_at END', [at, at]),
          };
          if (reported !== undefined) columns.reported = JSON.stringify(reported);
          await trx('devices').where({ id: deviceId }).update(columns);
        }
      });
    },
  };
}

export type DeviceStore = ReturnType<typeof createDeviceStore>;
