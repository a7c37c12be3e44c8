import type { Knex } from 'knex';

/**
 * Named users with revocable sessions (issue 10), the same columns as the edge's users table
 * (adapters/store/user-store.ts serves both): a user can be disabled, can be made to change the
 * password at the next login, and `token_version` (in every token) is raised to end all of the
 * user's sessions at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('disabled').notNullable().defaultTo(false);
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.integer('token_version').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('token_version');
    t.dropColumn('must_change_password');
    t.dropColumn('disabled');
  });
}
