import type { AuditEntry } from '../../../adapters/store/factory/audit-log.js';
import type { StoredCommand } from '../../../adapters/store/factory/command-store.js';
import { type CommandMachineContext, type CommandSnapshot, deadlineOf, newCommand, restoreCommand, statusOf } from '../../../machines/factory/command.machine.js';
import type { CommandRecord } from '../../domain/ports/command-port.js';

/**
 * Between the stored command (ISO times, the shape of the API) and the command machine's snapshot
 * (epoch ms): the service restores a snapshot from a row, applies an event, and writes back what
 * the machine decided, so the machine is the only place the lifecycle's rules live.
 */

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
const iso = (epoch: number | null) => (epoch === null ? null : new Date(epoch).toISOString());

export function contextOf(command: StoredCommand): CommandMachineContext {
  return {
    commandId: command.id,
    timeoutMs: command.timeoutMs,
    expiresAt: ms(command.expiresAt),
    sentAt: ms(command.sentAt),
    deliveredAt: ms(command.deliveredAt),
    completedAt: ms(command.completedAt),
    stage: command.stage,
    result: command.result ?? null,
    error: command.error,
  };
}

export const snapshotOf = (command: StoredCommand): CommandSnapshot => restoreCommand(command.status, contextOf(command));

/** A new command's first snapshot (QUEUED). */
export const initialSnapshot = (command: Pick<StoredCommand, 'id' | 'timeoutMs' | 'expiresAt'>): CommandSnapshot =>
  newCommand({ commandId: command.id, timeoutMs: command.timeoutMs, expiresAt: ms(command.expiresAt) });

/** The command as the machine left it. */
export function withSnapshot(command: StoredCommand, snapshot: CommandSnapshot): StoredCommand {
  const c = snapshot.context;
  return {
    ...command,
    status: statusOf(snapshot),
    sentAt: iso(c.sentAt),
    deliveredAt: iso(c.deliveredAt),
    completedAt: iso(c.completedAt),
    stage: c.stage,
    result: c.result ?? null,
    error: c.error,
    deadlineAt: iso(deadlineOf(snapshot)),
  };
}

/** What callers and the API see: the record without the service's bookkeeping. */
export function publicRecord(command: StoredCommand): CommandRecord {
  const { deadlineAt: _deadlineAt, ...record } = command;
  return record;
}

/** exec_shell is always audited with what it did (its exit code), whoever asked for it. */
export function execShellOutcome(command: StoredCommand): AuditEntry {
  const result = (command.result ?? null) as { exitCode?: unknown } | null;
  return {
    actor: { deviceId: command.deviceId },
    action: 'command.exec_shell.result',
    entityType: 'command',
    entityId: command.id,
    after: { status: command.status, exitCode: result && typeof result === 'object' ? (result.exitCode ?? null) : null, error: command.error, params: command.params },
    outcome: command.status === 'SUCCEEDED' ? 'success' : 'failure',
    detail: `${command.status} on ${command.deviceId}`,
  };
}
