import type { Knex } from 'knex';

/**
 * Fleet management (issue 5): the audit log first; the tables of commands, groups, firmware,
 * desired config and catalogs follow in their own migrations. Schema builder only (SQLite and
 * PostgreSQL).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.string('at').notNullable();
    /** Who: a user (id + name), a device (its id), or the system itself (user_id null, username 'system'). */
    t.string('user_id').nullable();
    t.string('username').nullable();
    t.string('device_id').nullable();
    t.string('action').notNullable(); // e.g. device.create, command.dispatch, auth.login
    t.string('entity_type').notNullable();
    t.string('entity_id').nullable();
    t.text('before').nullable(); // JSON
    t.text('after').nullable(); // JSON
    t.string('outcome').notNullable(); // success | failure
    t.text('detail').nullable();
    t.index(['at']);
    t.index(['user_id', 'at']);
    t.index(['entity_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
