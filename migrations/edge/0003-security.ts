import type { Knex } from 'knex';

/**
 * Named users with revocable sessions (issue 10): a user can be disabled, can be made to change
 * the password at the next login, and `token_version` (in every token) is raised to end all of
 * the user's sessions at once. And the edge's audit log: who changed what, from where, and what
 * came of it (one row per mutating call, login and failed-login summary).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('disabled').notNullable().defaultTo(false);
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.integer('token_version').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id').primary();
    t.string('at').notNullable();
    t.string('user_id'); // null: nobody signed in (a failed login, a refused call without a token)
    t.string('username');
    t.string('ip');
    t.string('action').notNullable(); // e.g. auth.login, user.update, http.PUT /api/v1/scanners
    t.string('entity_type').notNullable();
    t.string('entity_id');
    t.string('outcome').notNullable(); // success | failure | denied
    t.integer('status'); // the HTTP status answered, for calls
    t.text('before'); // JSON
    t.text('after'); // JSON
    t.text('detail');
    t.index(['at']);
    t.index(['user_id', 'id']);
    t.index(['action', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('token_version');
    t.dropColumn('must_change_password');
    t.dropColumn('disabled');
  });
}
