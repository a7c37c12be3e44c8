import type { Knex } from 'knex';

/**
 * Device groups (a named set of devices to command or update together) and the self-service
 * catalogs (cloud endpoints, sites, cabinet variants). Schema builder only (SQLite and PostgreSQL).
 *
 * Memberships reference both the group and the device with ON DELETE CASCADE: deleting either
 * drops its memberships in the same transaction, in both databases (the factory's SQLite
 * connection runs with `foreign_keys = ON`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('device_groups', (t) => {
    t.string('id').primary();
    t.string('name', 200).notNullable().unique();
    t.text('description');
    t.string('created_at').notNullable();
    t.string('updated_at').notNullable();
  });

  await knex.schema.createTable('device_group_members', (t) => {
    t.string('group_id').notNullable().references('id').inTable('device_groups').onDelete('CASCADE');
    t.string('device_id').notNullable().references('id').inTable('devices').onDelete('CASCADE');
    t.string('added_at').notNullable();
    t.primary(['group_id', 'device_id']);
    // "Which groups is this device in" (and the cascade from devices) without a scan.
    t.index(['device_id']);
  });

  await knex.schema.createTable('catalog_cloud_endpoints', (t) => {
    t.string('id').primary();
    t.string('name', 200).notNullable().unique();
    t.string('url', 2000).notNullable();
    t.text('description');
    t.string('created_at').notNullable();
  });

  await knex.schema.createTable('catalog_sites', (t) => {
    t.string('code', 64).primary();
    t.string('name', 200).notNullable();
    t.string('time_zone', 64);
    t.text('address');
    t.string('created_at').notNullable();
  });

  await knex.schema.createTable('catalog_variants', (t) => {
    t.string('code', 64).primary();
    t.string('name', 200).notNullable();
    t.string('cabinet_type', 8).notNullable(); // WET | DRY
    t.text('description');
    t.string('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['catalog_variants', 'catalog_sites', 'catalog_cloud_endpoints', 'device_group_members', 'device_groups']) {
    await knex.schema.dropTableIfExists(table);
  }
}
