import type { Knex } from 'knex';
import type { Role } from '../../src/domain/roles.js';
import { hashPassword, verifyPassword } from '../../src/auth/passwords.js';
import { nextId } from '../../src/domain/ids.js';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
}

export interface SeedUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** The well-known demo password: the service warns while it is still in use. */
  defaultPassword: string;
}

/** Users table shared by the edge and the factory (same columns in both schemas). */
export function createUserStore(db: Knex) {
  const toRecord = (row: UserRow): UserRecord => ({ id: row.id, username: row.username, displayName: row.display_name, role: row.role as Role });

  return {
    /** Username + password → the user, or null. Same work whether or not the user exists (no user enumeration by timing). */
    async authenticate(username: string, password: string): Promise<UserRecord | null> {
      const row: UserRow | undefined = await db('users').where({ username }).first();
      const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
      return row && ok ? toRecord(row) : null;
    },

    /**
     * Creates missing users; a password given by environment replaces the stored one.
     * Returns the usernames still on their well-known default password.
     */
    async seed(users: SeedUser[], now = new Date().toISOString()): Promise<string[]> {
      const onDefault: string[] = [];
      for (const user of users) {
        const row: UserRow | undefined = await db('users').where({ username: user.username }).first();
        if (!row) {
          await db('users').insert({
            id: nextId('user-'),
            username: user.username,
            display_name: user.displayName,
            role: user.role,
            password_hash: await hashPassword(user.password),
            created_at: now,
            updated_at: now,
          });
        } else if (user.password !== user.defaultPassword && !(await verifyPassword(user.password, row.password_hash))) {
          await db('users').where({ id: row.id }).update({ password_hash: await hashPassword(user.password), updated_at: now });
        }
        const stored: UserRow = await db('users').where({ username: user.username }).first();
        if (await verifyPassword(user.defaultPassword, stored.password_hash)) onDefault.push(user.username);
      }
      return onDefault;
    },
  };
}

// A valid hash of a random password: lets authenticate() spend the same time on unknown users.
const DUMMY_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
