import type { Context } from 'koa';
import type { AuditActor } from '../../adapters/store/factory/audit-log.js';
import type { Principal } from '../http/auth.js';

/** Who the audit log names for this request: the signed-in user (requireRole put them on the state). */
export function actorOf(ctx: Context): AuditActor {
  const principal = ctx.state.principal as Principal;
  return { userId: principal.userId, username: principal.username };
}
