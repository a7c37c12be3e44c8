import type { Knex } from 'knex';
import { DomainError } from '../../../src/domain/domain-error.js';

import type { AuditActor } from '../../../src/domain/audit-actor.js';

export type { AuditActor } from '../../../src/domain/audit-actor.js';

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  /** forbidden: an authorization refusal (403), recorded by api/factory/forbidden-audit.ts. */
  outcome: 'success' | 'failure' | 'forbidden';
  detail?: string | null;
  at?: string;
}

export interface AuditRecord {
  id: number;
  at: string;
  userId: string | null;
  username: string | null;
  deviceId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  outcome: 'success' | 'failure' | 'forbidden';
  detail: string | null;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Writes one entry with `db`, which is the transaction of the change it records when there is one. */
export async function recordAudit(db: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert(auditRow(entry));
}

/** Many entries in few statements (a group dispatch audits a thousand commands in its one transaction). */
export async function recordAudits(db: Knex | Knex.Transaction, entries: AuditEntry[]): Promise<void> {
  // 11 columns × 80 rows stays under SQLite's oldest bound-variable limit (999).
  for (let i = 0; i < entries.length; i += 80) await db('audit_log').insert(entries.slice(i, i + 80).map(auditRow));
}

function auditRow(entry: AuditEntry) {
  const actor = entry.actor;
  return {
    at: entry.at ?? new Date().toISOString(),
    user_id: 'userId' in actor ? actor.userId : null,
    username: 'userId' in actor ? actor.username : 'system' in actor ? actor.system : null,
    device_id: 'deviceId' in actor ? actor.deviceId : null,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId ?? null,
    before: json(entry.before),
    after: json(entry.after),
    outcome: entry.outcome,
    detail: entry.detail ?? null,
  };
}

export interface AuditedChange<T> {
  result: T;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Runs a change and its audit entry in one transaction: both are stored or neither is. A refusal
 * (a DomainError: not found, conflict, invalid) changed nothing, and is audited as a failure on its
 * own before it is passed on; a storage failure is not audited (there is nowhere reliable to write).
 */
export async function audited<T>(
  db: Knex,
  what: { actor: AuditActor; action: string; entityType: string; entityId?: string | null },
  change: (trx: Knex.Transaction) => Promise<AuditedChange<T>>,
): Promise<T> {
  try {
    return await db.transaction(async (trx) => {
      const done = await change(trx);
      await recordAudit(trx, {
        actor: what.actor,
        action: what.action,
        entityType: what.entityType,
        entityId: done.entityId ?? what.entityId ?? null,
        before: done.before,
        after: done.after,
        outcome: 'success',
      });
      return done.result;
    });
  } catch (error) {
    if (error instanceof DomainError) {
      await recordAudit(db, { actor: what.actor, action: what.action, entityType: what.entityType, entityId: what.entityId ?? null, outcome: 'failure', detail: `${error.kind}: ${error.message}` });
    }
    throw error;
  }
}

/** `GET /api/v1/audit-log`: newest first, filtered. */
export async function queryAudit(db: Knex, filter: { userId?: string; entityId?: string; since?: string; limit: number }): Promise<AuditRecord[]> {
  let query = db('audit_log').orderBy('id', 'desc').limit(filter.limit);
  if (filter.userId) query = query.where({ user_id: filter.userId });
  if (filter.entityId) query = query.where({ entity_id: filter.entityId });
  if (filter.since) query = query.where('at', '>=', filter.since);
  const rows: Array<Record<string, string | number | null>> = await query;
  const parse = (value: string | number | null) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : null);
  return rows.map((r) => ({
    id: Number(r.id),
    at: String(r.at),
    userId: (r.user_id as string | null) ?? null,
    username: (r.username as string | null) ?? null,
    deviceId: (r.device_id as string | null) ?? null,
    action: String(r.action),
    entityType: String(r.entity_type),
    entityId: (r.entity_id as string | null) ?? null,
    before: parse(r.before ?? null),
    after: parse(r.after ?? null),
    outcome: r.outcome as 'success' | 'failure',
    detail: (r.detail as string | null) ?? null,
  }));
}

/** The audit log's reads as a query object (GET /api/v1/audit-log): the route never sees the connection. */
export function createAuditQueries(db: Knex) {
  return { list: (filter: Parameters<typeof queryAudit>[1]) => queryAudit(db, filter) };
}
export type AuditQueries = ReturnType<typeof createAuditQueries>;
