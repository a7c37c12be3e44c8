import type { CommandRecord, DispatchRequest } from '../../src/domain/ports/command-port.js';

/** A freshly dispatched command as the command service stores it (QUEUED), for fake command ports. */
export function queuedCommand(id: string, request: DispatchRequest, createdAt = new Date().toISOString()): CommandRecord {
  return {
    id,
    deviceId: request.deviceId,
    type: request.type,
    params: request.params,
    status: 'QUEUED',
    idempotencyKey: request.idempotencyKey ?? null,
    timeoutMs: request.timeoutMs ?? 30_000,
    expiresAt: request.expiresAt ?? null,
    createdBy: 'userId' in request.actor ? request.actor.userId : null,
    createdAt,
    sentAt: null,
    deliveredAt: null,
    completedAt: null,
    stage: null,
    result: null,
    error: null,
  };
}
