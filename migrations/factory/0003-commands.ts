import type { Knex } from 'knex';

/**
 * Device commands (issue 5): one row per command, its status the command machine's state. Times
 * are ISO-8601 text like every factory table. No foreign key to devices: a removed device's
 * commands stay as history (its live ones are canceled by the service).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('commands', (t) => {
    t.string('id', 100).primary();
    t.string('device_id').notNullable();
    t.string('type', 64).notNullable();
    t.text('params').notNullable(); // JSON
    t.string('status', 16).notNullable();
    /** A retried dispatch with the same key for the same device finds this row (NULLs never collide). */
    t.string('idempotency_key', 200).nullable();
    t.integer('timeout_ms').notNullable();
    t.string('expires_at').nullable();
    /** The next moment the command's deadline changes it: expires_at while undelivered, delivered_at + timeout after; null once final. */
    t.string('deadline_at').nullable();
    t.string('created_by').nullable();
    t.string('created_at').notNullable();
    t.string('sent_at').nullable();
    t.string('delivered_at').nullable();
    t.string('completed_at').nullable();
    t.string('stage', 64).nullable();
    t.text('result').nullable(); // JSON
    t.text('error').nullable(); // JSON {code, message}
    t.unique(['device_id', 'idempotency_key'], { indexName: 'commands_device_idempotency_key' });
    t.index(['device_id', 'created_at'], 'commands_device_created');
    // Pending deadlines: only live commands carry one.
    t.index(['deadline_at'], 'commands_deadline');
    t.index(['status'], 'commands_status');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('commands');
}
