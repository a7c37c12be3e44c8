import type { Knex } from 'knex';
import type { JournalDraft, JournalEntry, JournalFilter } from '../../src/domain/journal-entry.js';
import type { JournalCategory, JournalSeverity } from '../../src/domain/journal-record.js';

/**
 * The HMI journal's table. Writes go through the edge's one writer connection (SQLite has one
 * writer; its queue is FIFO, so a journal batch costs a queued scan commit one short transaction,
 * never a busy-wait); reads use the reader connection and never wait behind a commit.
 */
interface JournalRow {
  id: number;
  ts_us: number;
  severity: string;
  category: string;
  source: string;
  message_key: string;
  params: string;
  user: string | null;
  acknowledged: number;
  acked_by: string | null;
  acked_at_us: number | null;
}

/** Rows per INSERT statement (11 columns each, well under SQLite's bound-variable limit). */
const INSERT_CHUNK = 500;
/** Rows per DELETE transaction while pruning, so pruning never holds the writer long. */
const PRUNE_CHUNK = 5000;

function toEntry(row: JournalRow): JournalEntry {
  return {
    id: row.id,
    tsUs: Number(row.ts_us),
    severity: row.severity as JournalSeverity,
    category: row.category as JournalCategory,
    source: row.source,
    messageKey: row.message_key,
    params: JSON.parse(row.params) as JournalEntry['params'],
    user: row.user,
    acknowledged: row.acknowledged === 1,
    ackedBy: row.acked_by,
    ackedAtUs: row.acked_at_us === null ? null : Number(row.acked_at_us),
  };
}

function applyFilter(query: Knex.QueryBuilder, filter: JournalFilter): Knex.QueryBuilder {
  if (filter.severity?.length) query.whereIn('severity', filter.severity);
  if (filter.category?.length) query.whereIn('category', filter.category);
  if (filter.source !== undefined) query.where('source', filter.source);
  if (filter.fromUs !== undefined) query.where('ts_us', '>=', filter.fromUs);
  if (filter.toUs !== undefined) query.where('ts_us', '<=', filter.toUs);
  // A literal, not a bound parameter: SQLite uses the partial index of open alarms only then.
  if (filter.acknowledged !== undefined) query.whereRaw(filter.acknowledged ? 'acknowledged = 1' : 'acknowledged = 0');
  return query;
}

/** Where a page continues: after the entry with this timestamp and id (newest first). */
export interface JournalPosition {
  tsUs: number;
  id: number;
}

const NEWEST_FIRST = [
  { column: 'ts_us', order: 'desc' },
  { column: 'id', order: 'desc' },
] as const;

/**
 * One page, newest first. A filter on several severities or categories is one index range per
 * value (UNION ALL of small ordered reads, merged): `severity IN (a, b) ORDER BY …` on one index
 * would sort every matching row first.
 */
function pageQuery(db: Knex, filter: JournalFilter, after: JournalPosition | undefined, limit: number): Knex.QueryBuilder {
  const single = (f: JournalFilter) => {
    const query = applyFilter(db('journal').select('*'), f);
    if (after) query.whereRaw('(ts_us, id) < (?, ?)', [after.tsUs, after.id]);
    return query.orderBy([...NEWEST_FIRST]).limit(limit);
  };
  const severities: Array<JournalFilter['severity']> = filter.severity && filter.severity.length > 1 ? filter.severity.map((s) => [s]) : [filter.severity];
  const categories: Array<JournalFilter['category']> = filter.category && filter.category.length > 1 ? filter.category.map((c) => [c]) : [filter.category];
  if (severities.length === 1 && categories.length === 1) return single(filter);
  const parts = severities.flatMap((severity) => categories.map((category) => single({ ...filter, severity, category }).toSQL().toNative()));
  const sql = parts.map((part) => `SELECT * FROM (${part.sql})`).join(' UNION ALL ');
  return db
    .select('*')
    .from(db.raw(`(${sql}) AS pages`, parts.flatMap((part) => part.bindings as Knex.Value[])))
    .orderBy([...NEWEST_FIRST])
    .limit(limit);
}

/**
 * `exportReader`: a connection of its own for exports (a small page cache: reading a whole
 * journal through the shared reader would grow its 64 MB cache and keep other reads waiting).
 */
export function createJournalStore(writer: Knex, reader: Knex, exportReader: Knex = reader) {
  return {
    /** Stores drafts in one transaction; answers them with their ids, in order. */
    async insert(drafts: JournalDraft[]): Promise<JournalEntry[]> {
      if (drafts.length === 0) return [];
      const rows = drafts.map((d) => ({
        ts_us: d.tsUs,
        severity: d.severity,
        category: d.category,
        source: d.source,
        message_key: d.messageKey,
        params: JSON.stringify(d.params),
        user: d.user,
        acknowledged: d.acknowledged ? 1 : 0,
        acked_by: d.ackedBy,
        acked_at_us: d.ackedAtUs,
      }));
      const ids = await writer.transaction(async (trx) => {
        const out: number[] = [];
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          const inserted: Array<{ id: number }> = await trx('journal').insert(rows.slice(i, i + INSERT_CHUNK)).returning('id');
          out.push(...inserted.map((r) => r.id));
        }
        return out;
      });
      return drafts.map((d, i) => ({ ...d, id: ids[i]! }));
    },

    /** A page newest first, after `after` (keyset paging: stable while entries are added). */
    async page(filter: JournalFilter, options: { after?: JournalPosition | undefined; limit: number }): Promise<JournalEntry[]> {
      return ((await pageQuery(reader, filter, options.after, options.limit)) as JournalRow[]).map(toEntry);
    },

    /** Like page, on the export connection. */
    async exportPage(filter: JournalFilter, options: { after?: JournalPosition | undefined; limit: number }): Promise<JournalEntry[]> {
      return ((await pageQuery(exportReader, filter, options.after, options.limit)) as JournalRow[]).map(toEntry);
    },

    async get(id: number): Promise<JournalEntry | null> {
      const row = (await reader<JournalRow>('journal').where({ id }).first()) as JournalRow | undefined;
      return row ? toEntry(row) : null;
    },

    /** Acknowledges one entry; an entry already acknowledged keeps who and when it was first. Null: no such entry. */
    async acknowledge(id: number, by: string, atUs: number): Promise<JournalEntry | null> {
      await writer('journal').where({ id, acknowledged: 0 }).update({ acknowledged: 1, acked_by: by, acked_at_us: atUs });
      const row = (await writer<JournalRow>('journal').where({ id }).first()) as JournalRow | undefined;
      return row ? toEntry(row) : null;
    },

    /** Acknowledges every open entry matching the filter; answers how many. */
    async acknowledgeAll(filter: JournalFilter, by: string, atUs: number): Promise<number> {
      const query = applyFilter(writer('journal'), { ...filter, acknowledged: false });
      return query.update({ acknowledged: 1, acked_by: by, acked_at_us: atUs });
    },

    /** Deletes entries older than `beforeUs` and beyond the newest `keep`, a chunk per transaction. Answers how many went. */
    async prune(beforeUs: number, keep: number): Promise<number> {
      let removed = 0;
      for (;;) {
        const count = await writer('journal')
          .whereIn('id', writer('journal').select('id').where('ts_us', '<', beforeUs).orderBy('id').limit(PRUNE_CHUNK))
          .delete();
        removed += count;
        if (count < PRUNE_CHUNK) break;
      }
      const boundary = (await reader('journal').orderBy('id', 'desc').offset(keep).first('id')) as { id: number } | undefined;
      if (boundary) {
        for (;;) {
          const count = await writer('journal')
            .whereIn('id', writer('journal').select('id').where('id', '<=', boundary.id).orderBy('id').limit(PRUNE_CHUNK))
            .delete();
          removed += count;
          if (count < PRUNE_CHUNK) break;
        }
      }
      return removed;
    },

    async close(): Promise<void> {
      if (exportReader !== reader) await exportReader.destroy();
    },

    async count(): Promise<number> {
      const row = (await reader('journal').count({ n: '*' }).first()) as { n: number } | undefined;
      return Number(row?.n ?? 0);
    },
  };
}

export type JournalStore = ReturnType<typeof createJournalStore>;
