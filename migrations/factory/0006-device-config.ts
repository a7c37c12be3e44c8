import type { Knex } from 'knex';

/**
 * Desired device config (issue 5): what the factory wants each edge to run with, under a version
 * for optimistic concurrency, beside what the edge last reported it applied. One row per device,
 * created by the first PUT. Schema builder only (SQLite and PostgreSQL).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('device_configs', (t) => {
    t.string('device_id').primary();
    t.integer('version').notNullable();
    t.text('desired').notNullable(); // JSON (EdgeRuntimeConfig)
    t.string('updated_by').nullable();
    t.string('updated_at').notNullable();
    t.text('reported').nullable(); // JSON: what the edge applied (push_config result)
    t.integer('reported_version').nullable();
    t.string('reported_at').nullable();
    t.string('last_command_id').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('device_configs');
}
