import type { Knex } from 'knex';
import type { CommandStatus, CommandType } from '../../../src/domain/device-commands.js';
import type { CommandRecord } from '../../../src/domain/ports/command-port.js';
import { type AuditActor, type AuditEntry, recordAudit, recordAudits } from './audit-log.js';

/**
 * The `commands` table. Writes come in batches (a group dispatch to 1,000 devices is one
 * transaction per step, not 1,000): new commands with their audit entries, and status changes as
 * one multi-row upsert by id.
 */

/** A command as stored: the record plus the next deadline the service arms its timer for. */
export type StoredCommand = CommandRecord & { deadlineAt: string | null };

export interface NewCommand {
  command: StoredCommand;
  actor: AuditActor;
}

export interface InsertOutcome {
  command: StoredCommand;
  /** false: an earlier command with the same idempotency key for the device was found and returned instead. */
  created: boolean;
}

export interface CommandFilter {
  status?: CommandStatus;
  type?: CommandType;
  limit: number;
  offset: number;
}

type Row = Record<string, string | number | null>;

const LIVE_STATUSES = ['QUEUED', 'SENT', 'DELIVERED'] as const satisfies readonly CommandStatus[];
const MUTABLE = ['status', 'deadline_at', 'sent_at', 'delivered_at', 'completed_at', 'stage', 'result', 'error'] as const;
/** 19 columns × 40 rows stays under SQLite's oldest bound-variable limit (999). */
const ROWS_PER_STATEMENT = 40;
const KEYS_PER_QUERY = 500;

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
const parse = (value: string | number | null | undefined) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : null);
const text = (value: string | number | null | undefined) => (value === null || value === undefined ? null : String(value));

export function toRow(c: StoredCommand): Row {
  return {
    id: c.id,
    device_id: c.deviceId,
    type: c.type,
    params: JSON.stringify(c.params),
    status: c.status,
    idempotency_key: c.idempotencyKey,
    timeout_ms: c.timeoutMs,
    expires_at: c.expiresAt,
    deadline_at: c.deadlineAt,
    created_by: c.createdBy,
    created_at: c.createdAt,
    sent_at: c.sentAt,
    delivered_at: c.deliveredAt,
    completed_at: c.completedAt,
    stage: c.stage,
    result: json(c.result),
    error: json(c.error),
  };
}

export function fromRow(r: Row): StoredCommand {
  return {
    id: String(r.id),
    deviceId: String(r.device_id),
    type: r.type as CommandType,
    params: (parse(r.params) ?? {}) as Record<string, unknown>,
    status: r.status as CommandStatus,
    idempotencyKey: text(r.idempotency_key),
    timeoutMs: Number(r.timeout_ms),
    expiresAt: text(r.expires_at),
    deadlineAt: text(r.deadline_at),
    createdBy: text(r.created_by),
    createdAt: String(r.created_at),
    sentAt: text(r.sent_at),
    deliveredAt: text(r.delivered_at),
    completedAt: text(r.completed_at),
    stage: text(r.stage),
    result: parse(r.result),
    error: parse(r.error) as CommandRecord['error'],
  };
}

const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const keyOf = (deviceId: string, key: string) => `${deviceId}\u0000${key}`;

/** The stored commands holding any of these (device, idempotency key) pairs. */
async function byKeys(db: Knex | Knex.Transaction, pairs: Array<{ deviceId: string; key: string }>): Promise<Map<string, StoredCommand>> {
  const found = new Map<string, StoredCommand>();
  const wanted = new Set(pairs.map((p) => keyOf(p.deviceId, p.key)));
  for (const part of chunks([...new Set(pairs.map((p) => p.key))], KEYS_PER_QUERY)) {
    const rows: Row[] = await db('commands').whereIn('idempotency_key', part);
    for (const row of rows.map(fromRow)) {
      const key = keyOf(row.deviceId, row.idempotencyKey!);
      if (wanted.has(key)) found.set(key, row);
    }
  }
  return found;
}

/**
 * Stores new commands and their `command.dispatch` audit entries. A command whose idempotency key
 * its device already used (stored, or earlier in this batch) is not stored: the earlier one is
 * returned. The unique index has the last word, so two servers racing on one key store it once.
 */
async function insertIn(trx: Knex.Transaction, items: NewCommand[]): Promise<InsertOutcome[]> {
  const keyed = items.filter((i) => i.command.idempotencyKey !== null).map((i) => ({ deviceId: i.command.deviceId, key: i.command.idempotencyKey! }));
  const existing = keyed.length > 0 ? await byKeys(trx, keyed) : new Map<string, StoredCommand>();
  const fresh: NewCommand[] = [];
  for (const item of items) {
    const key = item.command.idempotencyKey === null ? null : keyOf(item.command.deviceId, item.command.idempotencyKey);
    if (key !== null && existing.has(key)) continue;
    if (key !== null) existing.set(key, item.command); // a later twin in this batch gets this one
    fresh.push(item);
  }
  for (const part of chunks(fresh, ROWS_PER_STATEMENT)) {
    await trx('commands')
      .insert(part.map((i) => toRow(i.command)))
      .onConflict(['device_id', 'idempotency_key'])
      .ignore();
  }
  // Which of ours the unique index kept (another server may have won a key in between).
  const winners = keyed.length > 0 ? await byKeys(trx, keyed) : new Map<string, StoredCommand>();
  const kept = new Set(fresh.filter((i) => i.command.idempotencyKey === null || winners.get(keyOf(i.command.deviceId, i.command.idempotencyKey))?.id === i.command.id).map((i) => i.command.id));
  await recordAudits(
    trx,
    fresh
      .filter((item) => kept.has(item.command.id))
      .map(({ command: c, actor }) => ({
        actor,
        action: 'command.dispatch',
        entityType: 'command',
        entityId: c.id,
        after: { deviceId: c.deviceId, type: c.type, params: c.params, timeoutMs: c.timeoutMs, expiresAt: c.expiresAt, idempotencyKey: c.idempotencyKey },
        outcome: 'success' as const,
        detail: `${c.type} to ${c.deviceId}`,
      })),
  );
  return items.map((item) => {
    if (kept.has(item.command.id)) return { command: item.command, created: true };
    const key = keyOf(item.command.deviceId, item.command.idempotencyKey!);
    return { command: winners.get(key) ?? existing.get(key)!, created: false };
  });
}

/** Writes the current state of already stored commands (the last one per id wins). */
async function saveIn(trx: Knex.Transaction, commands: StoredCommand[]): Promise<void> {
  const latest = new Map(commands.map((c) => [c.id, c]));
  for (const part of chunks([...latest.values()], ROWS_PER_STATEMENT)) {
    await trx('commands')
      .insert(part.map(toRow))
      .onConflict('id')
      .merge([...MUTABLE]);
  }
}

export interface CommandWrite {
  inserts: NewCommand[];
  saves: StoredCommand[];
  /** Entries recording the saves (a cancel, an exec_shell outcome): in the same transaction. */
  audits: AuditEntry[];
}

export function createCommandStore(db: Knex) {
  return {
    /** New commands, status changes and their audit entries: all stored, or none. */
    async write(batch: CommandWrite): Promise<InsertOutcome[]> {
      return db.transaction(async (trx) => {
        await saveIn(trx, batch.saves);
        const outcomes = batch.inserts.length > 0 ? await insertIn(trx, batch.inserts) : [];
        await recordAudits(trx, batch.audits);
        return outcomes;
      });
    },

    /** A refused command (unknown device, bad params): nothing changed, the refusal is on record. */
    refused: (entry: AuditEntry) => recordAudit(db, entry),

    async get(id: string): Promise<StoredCommand | null> {
      const row: Row | undefined = await db('commands').where({ id }).first();
      return row ? fromRow(row) : null;
    },

    /** A device's commands, newest first, with how many match in all. */
    async list(deviceId: string, filter: CommandFilter): Promise<{ items: StoredCommand[]; total: number }> {
      const where = (q: Knex.QueryBuilder) => {
        q.where({ device_id: deviceId });
        if (filter.status) q.where({ status: filter.status });
        if (filter.type) q.where({ type: filter.type });
        return q;
      };
      const rows: Row[] = await where(db('commands')).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(filter.limit).offset(filter.offset);
      const counted = (await where(db('commands')).count({ n: '*' }).first()) as { n: string | number } | undefined;
      return { items: rows.map(fromRow), total: Number(counted?.n ?? 0) };
    },

    /** Every command not yet final (what a starting server continues), oldest first. */
    async live(): Promise<StoredCommand[]> {
      const rows: Row[] = await db('commands').whereIn('status', [...LIVE_STATUSES]).orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }]);
      return rows.map(fromRow);
    },
  };
}

export type CommandStore = ReturnType<typeof createCommandStore>;
