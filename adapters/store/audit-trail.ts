import type { Knex } from 'knex';

/**
 * The edge's audit log (the factory's design, adapters/store/factory/audit-log.ts, plus the
 * client address and the HTTP status): who did what to which thing, from where, and what came of it.
 */
export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface EdgeAuditEntry {
  /** Null when nobody was signed in (a failed login, a call refused for a missing or bad token). */
  user: { userId: string | null; username: string | null } | null;
  ip: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  outcome: AuditOutcome;
  status?: number | null;
  before?: unknown;
  after?: unknown;
  detail?: string | null;
  at?: string;
}

export interface EdgeAuditRecord {
  id: number;
  at: string;
  userId: string | null;
  username: string | null;
  ip: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  outcome: AuditOutcome;
  status: number | null;
  before: unknown;
  after: unknown;
  detail: string | null;
}

export interface EdgeAuditFilter {
  /** A user id or a username. */
  user?: string | undefined;
  /** An exact action, or a prefix ending in `.` or `*` (`user.`, `http.*`). */
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Entries older than this id (the `nextCursor` of the page before). */
  before?: number | undefined;
  limit: number;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Writes one entry with `db`: the transaction of the change it records, when there is one. */
export async function recordEdgeAudit(db: Knex | Knex.Transaction, entry: EdgeAuditEntry): Promise<void> {
  await db('audit_log').insert(auditRow(entry));
}

/** Many entries in one transaction (the login audit's batches): one commit, not one per entry. */
export async function recordEdgeAudits(db: Knex, entries: EdgeAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // 12 columns × 80 rows stays under SQLite's oldest bound-variable limit (999).
  await db.transaction(async (trx) => {
    for (let i = 0; i < entries.length; i += 80) await trx('audit_log').insert(entries.slice(i, i + 80).map(auditRow));
  });
}

function auditRow(entry: EdgeAuditEntry) {
  return {
    at: entry.at ?? new Date().toISOString(),
    user_id: entry.user?.userId ?? null,
    username: entry.user?.username?.slice(0, 64) ?? null,
    ip: entry.ip,
    action: entry.action.slice(0, 200),
    entity_type: entry.entityType,
    entity_id: entry.entityId?.slice(0, 200) ?? null,
    outcome: entry.outcome,
    status: entry.status ?? null,
    before: json(entry.before),
    after: json(entry.after),
    detail: entry.detail?.slice(0, 2000) ?? null,
  };
}

/** Newest first, one page; `nextCursor` fetches the next (older) page, null on the last. */
export async function queryEdgeAudit(db: Knex, filter: EdgeAuditFilter): Promise<{ items: EdgeAuditRecord[]; nextCursor: string | null }> {
  let query = db('audit_log').orderBy('id', 'desc').limit(filter.limit + 1);
  if (filter.user) query = query.where((q) => q.where({ user_id: filter.user }).orWhere({ username: filter.user }));
  if (filter.action) {
    const prefix = /[.*]$/.test(filter.action) ? filter.action.replace(/\*$/, '') : null;
    query = prefix !== null ? query.whereRaw("action LIKE ? ESCAPE '\\'", [`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]) : query.where({ action: filter.action });
  }
  if (filter.outcome) query = query.where({ outcome: filter.outcome });
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  const rows: Array<Record<string, string | number | null>> = await query;
  const page = rows.slice(0, filter.limit);
  const parse = (value: string | number | null) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : null);
  const items = page.map((r) => ({
    id: Number(r.id),
    at: String(r.at),
    userId: (r.user_id as string | null) ?? null,
    username: (r.username as string | null) ?? null,
    ip: (r.ip as string | null) ?? null,
    action: String(r.action),
    entityType: String(r.entity_type),
    entityId: (r.entity_id as string | null) ?? null,
    outcome: r.outcome as AuditOutcome,
    status: r.status === null ? null : Number(r.status),
    before: parse(r.before ?? null),
    after: parse(r.after ?? null),
    detail: (r.detail as string | null) ?? null,
  }));
  return { items, nextCursor: rows.length > filter.limit ? String(items[items.length - 1]!.id) : null };
}

/** The audit log's reads as a query object (GET /api/v1/audit-log): the route never sees the connection. */
export function createEdgeAuditQueries(reader: Knex) {
  return { list: (filter: EdgeAuditFilter) => queryEdgeAudit(reader, filter) };
}
export type EdgeAuditQueries = ReturnType<typeof createEdgeAuditQueries>;
