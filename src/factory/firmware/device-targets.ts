import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/** The registered devices among `ids` (chunked: SQLite caps a statement's variables). */
export async function existingDeviceIds(db: Db, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await db('devices').whereIn('id', ids.slice(i, i + 500)).pluck('id')) as string[];
    rows.forEach((id) => found.add(id));
  }
  return found;
}

/** A device group's members (device groups: migration 0004), or null when there is no such group. */
export async function groupMemberIds(db: Db, groupId: string): Promise<string[] | null> {
  const group = await db('device_groups').where({ id: groupId }).first('id');
  if (!group) return null;
  return (await db('device_group_members').where({ group_id: groupId }).orderBy('device_id').pluck('device_id')) as string[];
}
