import type { Knex } from 'knex';
import type sqlite3 from 'sqlite3';

/** A value as an SQL string literal: JSON text has no NUL byte, so doubling quotes is enough. */
export const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;

export type Query = (sql: string, params?: unknown[]) => Promise<unknown[]>;

/**
 * Runs a whole write transaction as ONE script on knex's own SQLite connection, then lets the
 * caller read its outcome on the same connection before releasing it.
 *
 * Why a script: the driver runs each statement on its thread pool and waits for the main thread
 * to take the result before starting the next one, so a busy event loop stretched every commit.
 * `exec` runs BEGIN … COMMIT in one go and stops at the first failing statement, so COMMIT is
 * never reached after an error; the transaction is then rolled back. Values go in as literals
 * (see sqlText), since a script takes no parameters.
 */
export async function scriptTransaction<T>(db: Knex, statements: string[], readOutcome: (query: Query) => Promise<T>): Promise<T> {
  const client = db.client as { acquireConnection(): Promise<sqlite3.Database>; releaseConnection(c: sqlite3.Database): Promise<void> };
  const conn = await client.acquireConnection();
  const exec = (sql: string) => new Promise<void>((resolve, reject) => conn.exec(sql, (error) => (error ? reject(error) : resolve())));
  const query: Query = (sql, params = []) =>
    new Promise((resolve, reject) => conn.all(sql, params, (error: Error | null, rows: unknown[]) => (error ? reject(error) : resolve(rows))));
  try {
    try {
      await exec(['BEGIN IMMEDIATE', ...statements, 'COMMIT'].join(';\n'));
    } catch (error) {
      // Whatever ran before the failure is undone; "no transaction" here is fine (BEGIN failed).
      await exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return await readOutcome(query);
  } finally {
    await client.releaseConnection(conn);
  }
}
