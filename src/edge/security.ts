import path from 'node:path';
import type { Knex } from 'knex';
import { recordEdgeAudit, recordEdgeAudits, type EdgeAuditEntry } from '../../adapters/store/audit-trail.js';
import { createUserStore, type UserChange } from '../../adapters/store/user-store.js';
import { createTokenIssuer } from '../../api/http/auth.js';
import type { AuditedCall } from '../../api/http/call-audit.js';
import type { SecurityEvent } from '../../api/http/users.routes.js';
import { writeInitialPasswords } from '../auth/initial-passwords.js';
import { createLoginAudit, type LoginAuditEntry } from '../auth/login-audit.js';
import { createLoginThrottle } from '../auth/login-throttle.js';
import { createPasswordHasher } from '../auth/password-hasher.js';
import { OWASP_SCRYPT } from '../auth/passwords.js';
import { loadOrCreateSecret } from '../auth/secret-file.js';
import { UserSessions } from '../auth/user-sessions.js';
import type { EventBus } from '../runtime/event-bus.js';
import type { Logger } from '../runtime/logger.js';
import type { EdgeConfig } from './config.js';
import { DEMO_USERS } from './demo-users.js';
import type { EdgeEvent } from './edge-events.js';

export const EDGE_AUDIENCE = 'okto-edge';

/**
 * The edge's users, tokens, login throttle and audit trail. Accounts are provisioned here: the
 * demo's well-known passwords only with demo users (mock mode or `auth.demoUsers`), otherwise
 * random one-time passwords (see adapters/store/user-store.ts `provision`).
 */
export async function startEdgeSecurity(options: { config: EdgeConfig; db: Knex; logger: Logger; bus: EventBus<EdgeEvent> }) {
  const { config, db, logger, bus } = options;
  if (config.auth.scryptLogN < 17) logger.warn({ logN: config.auth.scryptLogN }, 'password hashes below OWASP cost (auth.scryptLogN < 17): for tests only');
  const hasher = createPasswordHasher({ params: { ...OWASP_SCRYPT, logN: config.auth.scryptLogN } });
  const sessions = new UserSessions();
  const users = createUserStore(db, { hasher, sessions, audit: (trx, change) => recordEdgeAudit(trx, userChangeEntry(change)) });
  await users.load();
  const demoUsers = config.auth.demoUsers ?? config.mockMode;
  const provisioned = await users.provision(DEMO_USERS(config.auth), { demoUsers });
  if (provisioned.onDemoPassword.length > 0) logger.warn({ users: provisioned.onDemoPassword }, 'default passwords in use: demo users with well-known passwords (demo / mock mode only)');
  if (provisioned.generated.length > 0) {
    const file = writeInitialPasswords(config.dataDir, provisioned.generated);
    // Printed this once (and kept 0600 in the file): each must be changed at first login.
    for (const { username, password } of provisioned.generated) {
      logger.warn({ username, file }, `one-time password for ${username}: ${password} (must be changed at first login; set EDGE_ADMIN_PASSWORD / EDGE_MANAGER_PASSWORD / EDGE_OPERATOR_PASSWORD to choose)`);
    }
  }

  const tokens = createTokenIssuer({
    secret: config.auth.jwtSecret ?? loadOrCreateSecret(path.join(config.dataDir, 'jwt-secret')),
    ttlSeconds: config.auth.tokenTtlSeconds,
    audience: EDGE_AUDIENCE,
    sessions,
  });
  const throttle = createLoginThrottle();
  const journal = (event: SecurityEvent) =>
    bus.publish({ type: 'journal.record', severity: event.severity, category: 'security', source: 'auth', messageKey: event.messageKey, params: event.params, user: event.user });
  const loginAudit = createLoginAudit({
    onEntry: (entry) => journal(loginJournalEvent(entry)),
    write: (entries) => recordEdgeAudits(db, entries.map(loginEntry)),
    onError: (error) => logger.error({ err: error }, 'login audit entry not written'),
  });

  return {
    hasher,
    sessions,
    users,
    tokens,
    throttle,
    loginAudit,
    onSecurityEvent: journal,
    /** For the call-audit middleware (api/http/call-audit.ts). */
    recordCall: (call: AuditedCall) => recordEdgeAudit(db, callEntry(call)),
    async stop() {
      await loginAudit.flush();
      await hasher.close();
    },
  };
}

function userChangeEntry(change: UserChange): EdgeAuditEntry {
  const actor = change.actor;
  return {
    user: 'userId' in actor ? { userId: actor.userId, username: actor.username } : { userId: null, username: actor.system },
    ip: 'ip' in actor ? (actor.ip ?? null) : null,
    action: change.action,
    entityType: 'user',
    entityId: change.userId,
    outcome: 'success',
    before: change.before,
    after: change.after,
  };
}

function loginEntry(entry: LoginAuditEntry): EdgeAuditEntry {
  switch (entry.kind) {
    case 'success':
      return { user: { userId: entry.userId, username: entry.username }, ip: entry.ip, action: 'auth.login', entityType: 'user', entityId: entry.userId, outcome: 'success', at: entry.at };
    case 'failure':
      return { user: { userId: null, username: entry.username }, ip: entry.ip, action: 'auth.login', entityType: 'user', outcome: 'failure', detail: 'wrong password or unknown user', at: entry.at };
    case 'failure-summary':
      return {
        user: { userId: null, username: entry.username },
        ip: entry.ip,
        action: 'auth.login',
        entityType: 'user',
        outcome: 'failure',
        detail: `${entry.count} more failed or throttled logins between ${entry.from} and ${entry.to}`,
        after: { count: entry.count, from: entry.from, to: entry.to },
        at: entry.to,
      };
  }
}

function loginJournalEvent(entry: LoginAuditEntry): SecurityEvent {
  switch (entry.kind) {
    case 'success':
      return { messageKey: 'security.login', severity: 'info', params: { user: entry.username, ip: entry.ip }, user: entry.username };
    case 'failure':
      return { messageKey: 'security.login_failed', severity: 'warning', params: { user: entry.username, ip: entry.ip }, user: null };
    case 'failure-summary':
      return { messageKey: 'security.login_failed_repeated', severity: 'warning', params: { user: entry.username, ip: entry.ip, count: entry.count }, user: null };
  }
}

function callEntry(call: AuditedCall): EdgeAuditEntry {
  return {
    user: call.user,
    ip: call.ip,
    action: call.action,
    entityType: call.entityType,
    entityId: call.entityId,
    outcome: call.outcome,
    status: call.status,
    detail: call.detail,
  };
}
