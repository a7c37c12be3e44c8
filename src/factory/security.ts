import type { Knex } from 'knex';
import { recordAudit, recordAudits, type AuditEntry } from '../../adapters/store/factory/audit-log.js';
import { createUserStore, type UserChange } from '../../adapters/store/user-store.js';
import { createTokenIssuer } from '../../api/http/auth.js';
import { writeInitialPasswords } from '../auth/initial-passwords.js';
import { createLoginAudit, type LoginAuditEntry } from '../auth/login-audit.js';
import { createLoginThrottle } from '../auth/login-throttle.js';
import { createPasswordHasher } from '../auth/password-hasher.js';
import { OWASP_SCRYPT } from '../auth/passwords.js';
import { UserSessions } from '../auth/user-sessions.js';
import type { Logger } from '../runtime/logger.js';
import type { FactoryConfig } from './config.js';
import { FACTORY_USERS } from './demo-users.js';

export const FACTORY_AUDIENCE = 'okto-factory';

/**
 * The factory's users, user tokens, login throttle and login audit. Accounts are provisioned
 * here: the demo's well-known passwords only with `auth.demoUsers`, otherwise random one-time
 * passwords (see adapters/store/user-store.ts `provision`).
 */
export async function startFactorySecurity(options: { config: FactoryConfig; db: Knex; logger: Logger; secret: string }) {
  const { config, db, logger } = options;
  if (config.auth.scryptLogN < 17) logger.warn({ logN: config.auth.scryptLogN }, 'password hashes below OWASP cost (auth.scryptLogN < 17): for tests only');
  const hasher = createPasswordHasher({ params: { ...OWASP_SCRYPT, logN: config.auth.scryptLogN } });
  const sessions = new UserSessions();
  const users = createUserStore(db, { hasher, sessions, audit: (trx, change) => recordAudit(trx, userChangeEntry(change)) });
  await users.load();
  const provisioned = await users.provision(FACTORY_USERS(config.auth), { demoUsers: config.auth.demoUsers ?? false });
  if (provisioned.onDemoPassword.length > 0) logger.warn({ users: provisioned.onDemoPassword }, 'default passwords in use: demo users with well-known passwords (demo only)');
  if (provisioned.generated.length > 0) {
    const file = writeInitialPasswords(config.dataDir, provisioned.generated);
    // Printed this once (and kept 0600 in the file): each must be changed at first login.
    for (const { username, password } of provisioned.generated) {
      logger.warn({ username, file }, `one-time password for ${username}: ${password} (must be changed at first login; set FACTORY_ADMIN_PASSWORD / FACTORY_MANAGER_PASSWORD / FACTORY_OPERATOR_PASSWORD to choose)`);
    }
  }
  const tokens = createTokenIssuer({ secret: options.secret, ttlSeconds: config.auth.tokenTtlSeconds, audience: FACTORY_AUDIENCE, sessions });
  const loginAudit = createLoginAudit({
    write: (entries) => recordAudits(db, entries.map(loginEntry)),
    onError: (error) => logger.error({ err: error }, 'login audit entry not written'),
  });
  return {
    hasher,
    sessions,
    users,
    tokens,
    throttle: createLoginThrottle(),
    loginAudit,
    async stop() {
      await loginAudit.flush();
      await hasher.close();
    },
  };
}

function userChangeEntry(change: UserChange): AuditEntry {
  const actor = change.actor;
  return {
    actor: 'userId' in actor ? { userId: actor.userId, username: actor.username } : actor,
    action: change.action,
    entityType: 'user',
    entityId: change.userId,
    before: change.before,
    after: change.after,
    outcome: 'success',
    detail: 'ip' in actor && actor.ip ? `from ${actor.ip}` : null,
  };
}

function loginEntry(entry: LoginAuditEntry): AuditEntry {
  switch (entry.kind) {
    case 'success':
      return { actor: { userId: entry.userId, username: entry.username }, action: 'auth.login', entityType: 'user', entityId: entry.userId, outcome: 'success', detail: `from ${entry.ip}`, at: entry.at };
    case 'failure':
      return { actor: { system: 'login' }, action: 'auth.login', entityType: 'user', outcome: 'failure', detail: `unknown user or wrong password for "${entry.username}" from ${entry.ip}`, at: entry.at };
    case 'failure-summary':
      return {
        actor: { system: 'login' },
        action: 'auth.login',
        entityType: 'user',
        outcome: 'failure',
        detail: `${entry.count} more failed or throttled logins for "${entry.username}" from ${entry.ip} between ${entry.from} and ${entry.to}`,
        after: { count: entry.count, from: entry.from, to: entry.to },
        at: entry.to,
      };
  }
}
