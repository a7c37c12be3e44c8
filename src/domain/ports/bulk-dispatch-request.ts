import type { AuditActor } from '../audit-actor.js';
import type { CommandType } from '../device-commands.js';

/** One command sent to a group's members (src/factory/groups/bulk-dispatch.ts; POST /api/v1/device-groups/:id/commands). */
export interface BulkDispatchRequest {
  groupId: string;
  deviceIds: string[];
  type: CommandType;
  params: Record<string, unknown>;
  timeoutMs?: number;
  expiresAt?: string | null;
  idempotencyKey?: string | null;
  /** Wait for the results (up to the timeout) before answering. */
  wait: boolean;
  actor: AuditActor;
}
