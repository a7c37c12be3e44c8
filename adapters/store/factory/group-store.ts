import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { DomainError } from '../../../src/domain/domain-error.js';
import { type AuditActor, audited } from './audit-log.js';
import { isUniqueViolation } from './factory-database.js';

export interface DeviceGroupRecord {
  id: string;
  name: string;
  description: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface GroupMemberRecord {
  deviceId: string;
  name: string;
  lineId: string | null;
  addedAt: string;
}

export interface GroupFields {
  name: string;
  description?: string | null;
}

export interface MembersAdded {
  groupId: string;
  added: string[];
  alreadyMembers: string[];
  memberCount: number;
}

export interface MembersRemoved {
  groupId: string;
  removed: string[];
  notMembers: string[];
  memberCount: number;
}

type Db = Knex | Knex.Transaction;
type GroupRow = { id: string; name: string; description: string | null; created_at: string; updated_at: string; member_count?: number | string };

// SQLite binds at most 999 variables per statement on older builds: stay well below.
const CHUNK = 300;
const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

const view = (row: GroupRow): DeviceGroupRecord => ({
  id: row.id,
  name: row.name,
  description: row.description ?? null,
  memberCount: Number(row.member_count ?? 0),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** What the audit log keeps of a group. */
const auditView = (group: DeviceGroupRecord | null) => group && { id: group.id, name: group.name, description: group.description };

function selectGroups(db: Db) {
  const counts = db('device_group_members').select('group_id').count({ member_count: '*' }).groupBy('group_id').as('c');
  return db('device_groups as g')
    .leftJoin(counts, 'c.group_id', 'g.id')
    .select('g.id', 'g.name', 'g.description', 'g.created_at', 'g.updated_at', db.raw('COALESCE(c.member_count, 0) as member_count'));
}

async function getGroup(db: Db, id: string): Promise<DeviceGroupRecord | null> {
  const row = (await selectGroups(db).where('g.id', id).first()) as GroupRow | undefined;
  return row ? view(row) : null;
}

async function requireGroup(db: Db, id: string): Promise<DeviceGroupRecord> {
  const group = await getGroup(db, id);
  if (!group) throw new DomainError('NOT_FOUND', `Device group ${id} not found`);
  return group;
}

/** The ids of a group's members, in id order (firmware deployments and bulk commands target these). */
export async function groupMemberIds(db: Db, groupId: string): Promise<string[]> {
  const rows: Array<{ device_id: string }> = await db('device_group_members').where({ group_id: groupId }).orderBy('device_id').select('device_id');
  return rows.map((r) => r.device_id);
}

/** Registered devices among `ids` (the rest are unknown). */
async function existingDevices(db: Db, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(ids)) {
    const rows: Array<{ id: string }> = await db('devices').whereIn('id', part).select('id');
    for (const row of rows) found.add(row.id);
  }
  return found;
}

async function requireDevices(db: Db, ids: string[]): Promise<void> {
  const found = await existingDevices(db, ids);
  const unknown = ids.filter((id) => !found.has(id));
  if (unknown.length > 0) throw new DomainError('NOT_FOUND', `Unknown device${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}`, { unknownDeviceIds: unknown });
}

async function memberSet(db: Db, groupId: string, ids: string[]): Promise<Set<string>> {
  const members = new Set<string>();
  for (const part of chunks(ids)) {
    const rows: Array<{ device_id: string }> = await db('device_group_members').where({ group_id: groupId }).whereIn('device_id', part).select('device_id');
    for (const row of rows) members.add(row.device_id);
  }
  return members;
}

const nameTaken = (name: string) => new DomainError('CONFLICT', `A device group named "${name}" already exists`, { field: 'name' });

/**
 * Device groups: reads, and writes that each commit with their audit entry. A device's
 * memberships go with it when it is deleted (ON DELETE CASCADE, same transaction).
 */
export function createGroupStore(db: Knex) {
  return {
    async list(): Promise<DeviceGroupRecord[]> {
      return ((await selectGroups(db).orderBy('g.name')) as GroupRow[]).map(view);
    },

    get: (id: string) => getGroup(db, id),

    async members(id: string): Promise<GroupMemberRecord[]> {
      await requireGroup(db, id);
      const rows: Array<{ device_id: string; name: string; line_id: string | null; added_at: string }> = await db('device_group_members as m')
        .join('devices as d', 'd.id', 'm.device_id')
        .where('m.group_id', id)
        .orderBy('m.device_id')
        .select('m.device_id', 'd.name', 'd.line_id', 'm.added_at');
      return rows.map((r) => ({ deviceId: r.device_id, name: r.name, lineId: r.line_id ?? null, addedAt: r.added_at }));
    },

    memberIds: (id: string) => groupMemberIds(db, id),

    create(actor: AuditActor, fields: GroupFields): Promise<DeviceGroupRecord> {
      const id = randomUUID();
      return audited(db, { actor, action: 'group.create', entityType: 'device_group', entityId: id }, async (trx) => {
        if (await trx('device_groups').where({ name: fields.name }).first()) throw nameTaken(fields.name);
        const now = new Date().toISOString();
        try {
          await trx('device_groups').insert({ id, name: fields.name, description: fields.description ?? null, created_at: now, updated_at: now });
        } catch (error) {
          // Two creates racing past the check above: the unique index decides.
          if (isUniqueViolation(error)) throw nameTaken(fields.name);
          throw error;
        }
        const created = await requireGroup(trx, id);
        return { result: created, after: auditView(created) };
      });
    },

    update(actor: AuditActor, id: string, patch: Partial<GroupFields>): Promise<DeviceGroupRecord> {
      return audited(db, { actor, action: 'group.update', entityType: 'device_group', entityId: id }, async (trx) => {
        const before = await requireGroup(trx, id);
        if (patch.name !== undefined && patch.name !== before.name && (await trx('device_groups').where({ name: patch.name }).first())) throw nameTaken(patch.name);
        const changes: Record<string, unknown> = { updated_at: new Date().toISOString() };
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.description !== undefined) changes.description = patch.description;
        try {
          await trx('device_groups').where({ id }).update(changes);
        } catch (error) {
          if (isUniqueViolation(error) && patch.name !== undefined) throw nameTaken(patch.name);
          throw error;
        }
        const after = await requireGroup(trx, id);
        return { result: after, before: auditView(before), after: auditView(after) };
      });
    },

    remove(actor: AuditActor, id: string): Promise<{ id: string }> {
      return audited(db, { actor, action: 'group.delete', entityType: 'device_group', entityId: id }, async (trx) => {
        const before = await requireGroup(trx, id);
        const deviceIds = await groupMemberIds(trx, id);
        // Explicitly, rather than trusting the cascade alone: the audit entry names what went.
        await trx('device_group_members').where({ group_id: id }).delete();
        await trx('device_groups').where({ id }).delete();
        return { result: { id }, before: { ...auditView(before), deviceIds } };
      });
    },

    addMembers(actor: AuditActor, id: string, deviceIds: string[]): Promise<MembersAdded> {
      const ids = [...new Set(deviceIds)];
      return audited(db, { actor, action: 'group.members.add', entityType: 'device_group', entityId: id }, async (trx) => {
        await requireGroup(trx, id);
        await requireDevices(trx, ids);
        const already = await memberSet(trx, id, ids);
        const added = ids.filter((deviceId) => !already.has(deviceId));
        const now = new Date().toISOString();
        for (const part of chunks(added)) {
          // Adding a member twice is harmless, also when two requests race.
          await trx('device_group_members')
            .insert(part.map((deviceId) => ({ group_id: id, device_id: deviceId, added_at: now })))
            .onConflict(['group_id', 'device_id'])
            .ignore();
        }
        const memberCount = (await requireGroup(trx, id)).memberCount;
        return { result: { groupId: id, added, alreadyMembers: [...already], memberCount }, after: { added } };
      });
    },

    removeMembers(actor: AuditActor, id: string, deviceIds: string[]): Promise<MembersRemoved> {
      const ids = [...new Set(deviceIds)];
      return audited(db, { actor, action: 'group.members.remove', entityType: 'device_group', entityId: id }, async (trx) => {
        await requireGroup(trx, id);
        await requireDevices(trx, ids);
        const members = await memberSet(trx, id, ids);
        const removed = ids.filter((deviceId) => members.has(deviceId));
        for (const part of chunks(removed)) await trx('device_group_members').where({ group_id: id }).whereIn('device_id', part).delete();
        const memberCount = (await requireGroup(trx, id)).memberCount;
        return { result: { groupId: id, removed, notMembers: ids.filter((deviceId) => !members.has(deviceId)), memberCount }, before: { removed } };
      });
    },
  };
}

export type GroupStore = ReturnType<typeof createGroupStore>;
