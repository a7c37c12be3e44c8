import type { Knex } from 'knex';

/** Small persisted key → JSON values (connection mode, cached cloud data, actor records). */
export function createSettingsStore(db: Knex) {
  return {
    async get<T>(key: string): Promise<{ value: T; updatedAt: string } | null> {
      const row: { value: string; updated_at: string } | undefined = await db('settings').where({ key }).first('value', 'updated_at');
      return row ? { value: JSON.parse(row.value) as T, updatedAt: row.updated_at } : null;
    },
    async set(key: string, value: unknown, now = new Date().toISOString()): Promise<void> {
      await db('settings').insert({ key, value: JSON.stringify(value), updated_at: now }).onConflict('key').merge();
    },
    async delete(key: string): Promise<void> {
      await db('settings').where({ key }).delete();
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;

/** Persisted actor records (e.g. provisioning) in their own table, one row per actor. */
export function createSnapshotStore(db: Knex) {
  return {
    async load<T>(actorId: string): Promise<T | null> {
      const row: { snapshot: string } | undefined = await db('actor_snapshots').where({ actor_id: actorId }).first('snapshot');
      return row ? (JSON.parse(row.snapshot) as T) : null;
    },
    async save(actorId: string, snapshot: unknown, now = new Date().toISOString()): Promise<void> {
      await db('actor_snapshots').insert({ actor_id: actorId, snapshot: JSON.stringify(snapshot), updated_at: now }).onConflict('actor_id').merge();
    },
  };
}

export type SnapshotStore = ReturnType<typeof createSnapshotStore>;
