import type { Knex } from 'knex';

/**
 * Firmware releases (an artifact stored under <dataDir>/firmware, its sha256 and size) and
 * deployments of a release to devices, with each device's progress. Schema builder only (SQLite
 * and PostgreSQL).
 *
 * A deployment keeps its release id without a foreign key: a release may be deleted once no
 * unfinished deployment uses it, and the deployment history stays. Per-device rows belong to
 * their deployment (ON DELETE CASCADE); device ids are kept as they were (a device removed later
 * still shows in the history).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('firmware_releases', (t) => {
    t.string('id').primary();
    t.string('version', 64).notNullable().unique();
    t.string('filename', 255).notNullable();
    t.bigInteger('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('created_by');
    t.string('created_at').notNullable();
  });

  await knex.schema.createTable('firmware_deployments', (t) => {
    t.string('id').primary();
    t.string('release_id').notNullable();
    t.string('status', 16).notNullable(); // running | completed | aborted | failed
    t.integer('abort_threshold_percent').notNullable();
    t.integer('abort_min_devices').notNullable();
    t.integer('device_timeout_ms').notNullable();
    t.string('created_by');
    t.string('created_at').notNullable();
    t.string('finished_at');
    t.text('reason');
    t.index(['release_id']);
    t.index(['finished_at']);
  });

  await knex.schema.createTable('firmware_deployment_devices', (t) => {
    t.string('deployment_id').notNullable().references('id').inTable('firmware_deployments').onDelete('CASCADE');
    t.string('device_id').notNullable();
    // queued | downloading | verifying | installed | failed | timed_out | skipped
    t.string('state', 16).notNullable();
    t.string('command_id');
    t.string('updated_at').notNullable();
    t.text('error');
    t.primary(['deployment_id', 'device_id']);
    t.index(['device_id']);
    t.index(['command_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['firmware_deployment_devices', 'firmware_deployments', 'firmware_releases']) await knex.schema.dropTableIfExists(table);
}
