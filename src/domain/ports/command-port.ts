import type { AuditActor } from '../audit-actor.js';
import type { CommandStatus, CommandType } from '../device-commands.js';

/**
 * What the rest of the factory (routes, device groups, firmware deployments, desired config)
 * needs from device commands. The implementation is the command service; this port is what the
 * others depend on, so each can be tested with a fake.
 */
export interface CommandRecord {
  id: string;
  deviceId: string;
  type: CommandType;
  params: Record<string, unknown>;
  status: CommandStatus;
  idempotencyKey: string | null;
  timeoutMs: number;
  expiresAt: string | null;
  createdBy: string | null;
  createdAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  completedAt: string | null;
  /** The last stage the device reported (command.progress), e.g. downloading. */
  stage: string | null;
  result: unknown;
  error: { code: string; message: string } | null;
}

export interface DispatchRequest {
  deviceId: string;
  type: CommandType;
  params: Record<string, unknown>;
  /** Time allowed from delivery to result; default from config. */
  timeoutMs?: number;
  /** Not delivered by then → EXPIRED. Default: none (waits for the device for ever). */
  expiresAt?: string | null;
  /** A second dispatch with the same key for the same device returns the first command and runs nothing. */
  idempotencyKey?: string | null;
  actor: AuditActor;
}

export interface CommandPort {
  /** Stores the command (QUEUED, audited) and sends it at once if the device's channel is open. Throws DomainError NOT_FOUND/INVALID. */
  dispatch(request: DispatchRequest): Promise<CommandRecord>;
  /** Resolves with the command once it is final, or as it is when `timeoutMs` passes first. */
  waitForFinal(commandId: string, timeoutMs: number): Promise<CommandRecord>;
  get(commandId: string): Promise<CommandRecord | null>;
  /** Cancels a command still QUEUED (audited); DomainError CONFLICT once it was sent, NOT_FOUND for an unknown id. */
  cancel(commandId: string, actor: AuditActor): Promise<CommandRecord>;
}

/** Bus event: a command changed status or stage (dashboard progress, deployments, desired config). */
export interface CommandChangedEvent {
  type: 'command.changed';
  command: CommandRecord;
}
