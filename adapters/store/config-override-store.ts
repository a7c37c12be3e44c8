import type { Knex } from 'knex';

/**
 * The run-time configuration overrides (`l2.override.*`) in the edge's settings table, one row
 * per key with its JSON value. A change set (set some, unset others) is one transaction: either
 * every key of it is stored or none.
 */
export interface StoredOverride {
  value: unknown;
  updatedAt: string;
}

export function createConfigOverrideStore(db: Knex, prefix: string) {
  // LIKE would treat `_` in the prefix as a wildcard; a range on the key is exact and uses the primary key.
  const inRange = (query: Knex.QueryBuilder) => query.where('key', '>=', prefix).andWhere('key', '<', prefix + '\uffff');
  return {
    async all(): Promise<Map<string, StoredOverride>> {
      const rows: Array<{ key: string; value: string; updated_at: string }> = await inRange(db('settings').select('key', 'value', 'updated_at')).orderBy('key');
      const out = new Map<string, StoredOverride>();
      for (const row of rows) {
        let value: unknown;
        try {
          value = JSON.parse(row.value);
        } catch {
          // Kept as the raw text: the schema check then reports it by key instead of the read failing.
          value = row.value;
        }
        out.set(row.key, { value, updatedAt: row.updated_at });
      }
      return out;
    },
    /** Stores `set` and deletes `unset` in one transaction. */
    async change(set: Record<string, unknown>, unset: string[], now = new Date().toISOString()): Promise<void> {
      await db.transaction(async (trx) => {
        for (const [key, value] of Object.entries(set)) {
          await trx('settings').insert({ key, value: JSON.stringify(value), updated_at: now }).onConflict('key').merge();
        }
        if (unset.length > 0) await trx('settings').whereIn('key', unset).delete();
      });
    },
    /** Drops every override; returns the keys that were set. */
    async clear(): Promise<string[]> {
      return db.transaction(async (trx) => {
        const rows: Array<{ key: string }> = await inRange(trx('settings').select('key'));
        await inRange(trx('settings')).delete();
        return rows.map((row) => row.key);
      });
    },
  };
}

export type ConfigOverrideStore = ReturnType<typeof createConfigOverrideStore>;
