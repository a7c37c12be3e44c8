import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Role } from '../../src/domain/roles.js';
import { DomainError } from '../../src/domain/domain-error.js';
import { nextId } from '../../src/domain/ids.js';
import type { PasswordHasher } from '../../src/auth/password-hasher.js';
import { UserSessions } from '../../src/auth/user-sessions.js';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  disabled: boolean | number | null;
  must_change_password: boolean | number | null;
  token_version: number | string | null;
  created_at: string;
  updated_at: string;
}

/** Who made a change, for the audit log: a signed-in user (and from where), or the service itself at start. */
export type ChangeActor = { userId: string; username: string; ip?: string | null } | { system: string };

export interface UserChange {
  actor: ChangeActor;
  /** e.g. user.create, user.update, user.password_reset, auth.password_change, auth.logout */
  action: string;
  userId: string;
  before: UserRecord | null;
  after: UserRecord | null;
}

/** Writes the audit entry of a user change inside the change's own transaction (each service has its own audit log). */
export type UserAuditWriter = (trx: Knex.Transaction, change: UserChange) => Promise<void>;

/** An account the service makes sure exists at start (admin, manager, operator). */
export interface InitialAccount {
  username: string;
  displayName: string;
  role: Role;
  /** Set by environment (EDGE_ADMIN_PASSWORD …): always wins. */
  password?: string | undefined;
  /** The well-known demo password: used only when the service runs with demo users. */
  demoPassword: string;
  /** Outside the demo, is this account created even without a password from environment? (the admin is) */
  createWithoutPassword: boolean;
}

export interface ProvisionResult {
  /** Accounts given a random one-time password now (must change it at first login). */
  generated: Array<{ username: string; password: string }>;
  /** Accounts on their demo password (demo mode only: a reminder for the log). */
  onDemoPassword: string[];
}

const truthy = (value: boolean | number | null) => value === true || value === 1;

/**
 * The users table shared by the edge and the factory (same columns in both schemas). Passwords go
 * through the hasher (its own worker thread); every change that ends a user's sessions raises the
 * token version, and the session cache is updated after the commit.
 */
export function createUserStore(db: Knex, options: { hasher: PasswordHasher; sessions?: UserSessions; audit?: UserAuditWriter; now?: () => Date }) {
  const { hasher } = options;
  const sessions = options.sessions ?? new UserSessions();
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const toRecord = (row: UserRow): UserRecord => ({
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    disabled: truthy(row.disabled),
    mustChangePassword: truthy(row.must_change_password),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  const remember = (row: UserRow) =>
    sessions.set(row.id, {
      username: row.username,
      role: row.role as Role,
      tokenVersion: Number(row.token_version ?? 0),
      disabled: truthy(row.disabled),
      mustChangePassword: truthy(row.must_change_password),
    });
  const rowById = async (q: Knex | Knex.Transaction, id: string): Promise<UserRow> => {
    const row: UserRow | undefined = await q('users').where({ id }).first();
    if (!row) throw new DomainError('NOT_FOUND', `User ${id} not found`);
    return row;
  };
  const audit = async (trx: Knex.Transaction, change: UserChange) => {
    await options.audit?.(trx, change);
  };

  /** One change of one user row, its audit entry in the same transaction, then the cache. */
  async function change(
    id: string,
    actor: ChangeActor,
    action: string,
    apply: (row: UserRow, trx: Knex.Transaction) => Promise<Partial<UserRow>>,
  ): Promise<UserRecord> {
    const row = await db.transaction(async (trx) => {
      const before = await rowById(trx, id);
      const patch = await apply(before, trx);
      await trx('users').where({ id }).update({ ...patch, updated_at: now() });
      const after = await rowById(trx, id);
      await audit(trx, { actor, action, userId: id, before: toRecord(before), after: toRecord(after) });
      return after;
    });
    remember(row);
    return toRecord(row);
  }

  const activeAdminsOtherThan = async (trx: Knex.Transaction, id: string): Promise<number> => {
    const rows: Array<{ n: number | string }> = await trx('users').where({ role: 'ADMIN' }).whereNot({ id }).where((q) => q.where({ disabled: false }).orWhereNull('disabled')).count({ n: '*' });
    return Number(rows[0]?.n ?? 0);
  };

  return {
    sessions,

    /** Fills the session cache from the table (at start). */
    async load(): Promise<void> {
      const rows: UserRow[] = await db('users');
      for (const row of rows) remember(row);
    },

    /**
     * Username + password → the user, or null (unknown, wrong password, disabled). The same work
     * whether or not the user exists (no user enumeration by timing). A right password stored
     * with weaker parameters than the current ones is rehashed now.
     */
    async authenticate(username: string, password: string): Promise<UserRecord | null> {
      const row: UserRow | undefined = await db('users').where({ username }).first();
      const { ok, needsRehash } = await hasher.verify(password, row?.password_hash ?? (await hasher.dummyHash));
      if (!row || !ok || truthy(row.disabled)) return null;
      if (needsRehash) {
        // The token version stays: an upgrade of the hash is not a password change.
        await db('users').where({ id: row.id, password_hash: row.password_hash }).update({ password_hash: await hasher.hash(password) });
      }
      return toRecord(row);
    },

    /** Is `password` this user's current password? */
    async checkPassword(id: string, password: string): Promise<boolean> {
      const row = await rowById(db, id);
      return (await hasher.verify(password, row.password_hash)).ok;
    },

    async list(): Promise<UserRecord[]> {
      const rows: UserRow[] = await db('users').orderBy('username');
      return rows.map(toRecord);
    },

    async get(id: string): Promise<UserRecord | null> {
      const row: UserRow | undefined = await db('users').where({ id }).first();
      return row ? toRecord(row) : null;
    },

    async create(
      input: { username: string; displayName: string; role: Role; password: string; mustChangePassword: boolean },
      actor: ChangeActor,
    ): Promise<UserRecord> {
      const passwordHash = await hasher.hash(input.password);
      const row = await db.transaction(async (trx) => {
        const existing = await trx('users').whereRaw('lower(username) = ?', [input.username.toLowerCase()]).first();
        if (existing) throw new DomainError('CONFLICT', `User ${input.username} already exists`);
        const at = now();
        const id = nextId('user-');
        await trx('users').insert({
          id,
          username: input.username,
          display_name: input.displayName,
          role: input.role,
          password_hash: passwordHash,
          disabled: false,
          must_change_password: input.mustChangePassword,
          token_version: 0,
          created_at: at,
          updated_at: at,
        });
        const created = await rowById(trx, id);
        await audit(trx, { actor, action: 'user.create', userId: id, before: null, after: toRecord(created) });
        return created;
      });
      remember(row);
      return toRecord(row);
    },

    /** Role, display name, disabled. Disabling or a role change ends the user's sessions; the last active ADMIN stays one. */
    async update(id: string, patch: { role?: Role | undefined; displayName?: string | undefined; disabled?: boolean | undefined }, actor: ChangeActor): Promise<UserRecord> {
      return change(id, actor, 'user.update', async (row, trx) => {
        const wasActiveAdmin = row.role === 'ADMIN' && !truthy(row.disabled);
        const staysActiveAdmin = (patch.role ?? row.role) === 'ADMIN' && !(patch.disabled ?? truthy(row.disabled));
        if (wasActiveAdmin && !staysActiveAdmin && (await activeAdminsOtherThan(trx, id)) === 0) {
          throw new DomainError('CONFLICT', 'The last active ADMIN cannot be disabled or demoted', { userId: id });
        }
        const revoke = (patch.role !== undefined && patch.role !== row.role) || (patch.disabled === true && !truthy(row.disabled));
        return {
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
          ...(revoke ? { token_version: Number(row.token_version ?? 0) + 1 } : {}),
        };
      });
    },

    /** A new password (own change or an administrator's reset): ends every session of the user. */
    async setPassword(id: string, password: string, options: { mustChangePassword: boolean; action: string }, actor: ChangeActor): Promise<UserRecord> {
      const passwordHash = await hasher.hash(password);
      return change(id, actor, options.action, async (row) => ({
        password_hash: passwordHash,
        must_change_password: options.mustChangePassword,
        token_version: Number(row.token_version ?? 0) + 1,
      }));
    },

    /** Logout: every token of the user stops working now. */
    async revokeTokens(id: string, actor: ChangeActor, action = 'auth.logout'): Promise<UserRecord> {
      return change(id, actor, action, async (row) => ({ token_version: Number(row.token_version ?? 0) + 1 }));
    },

    /**
     * Makes sure the initial accounts exist at start. With demo users (the demo, mock mode) they get
     * their well-known passwords. Otherwise no account is ever left on a well-known password: an
     * account without a password from environment gets a random one-time password that must be
     * changed at first login, and an existing account still on its demo password gets one too.
     * A password from environment always wins (and is set again if it changed).
     */
    async provision(accounts: InitialAccount[], mode: { demoUsers: boolean }): Promise<ProvisionResult> {
      const result: ProvisionResult = { generated: [], onDemoPassword: [] };
      const system: ChangeActor = { system: 'startup' };
      for (const account of accounts) {
        const row: UserRow | undefined = await db('users').where({ username: account.username }).first();
        const fromEnv = account.password;
        if (!row) {
          if (!fromEnv && !mode.demoUsers && !account.createWithoutPassword) continue;
          const oneTime = !fromEnv && !mode.demoUsers ? randomPassword() : null;
          const password = fromEnv ?? oneTime ?? account.demoPassword;
          const created = await this.create(
            { username: account.username, displayName: account.displayName, role: account.role, password, mustChangePassword: oneTime !== null },
            system,
          );
          if (oneTime) result.generated.push({ username: created.username, password: oneTime });
          else if (!fromEnv) result.onDemoPassword.push(created.username);
          continue;
        }
        if (fromEnv) {
          if (!(await hasher.verify(fromEnv, row.password_hash)).ok) {
            await this.setPassword(row.id, fromEnv, { mustChangePassword: false, action: 'user.password_reset' }, system);
          }
        } else if (!mode.demoUsers && (await hasher.verify(account.demoPassword, row.password_hash)).ok) {
          // A database from a demo (or from before this check) taken into production: not on a known password.
          const oneTime = randomPassword();
          await this.setPassword(row.id, oneTime, { mustChangePassword: true, action: 'user.password_reset' }, system);
          result.generated.push({ username: row.username, password: oneTime });
        }
      }
      return result;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;

/** 16 characters from 96 random bits: a one-time password nobody can guess. */
function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}
