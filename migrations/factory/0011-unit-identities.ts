import type { Knex } from 'knex';

/**
 * Site-wide duplicates (issue 14): every unit identity (`01` GTIN `21` serial) the factory has
 * received from any edge, with the device and line that sent it first, filled in the sync-ingest
 * transaction; and every later arrival of the same identity from another device or line, which
 * is the alarm a code printed twice (or copied onto a second line) raises.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('unit_identities', (t) => {
    t.string('identity_key', 200).primary();
    t.string('first_device_id').notNullable();
    t.string('first_line_id');
    t.string('first_item_id', 200).notNullable();
    t.string('first_seen_at').notNullable();
  });
  await knex.schema.createTable('unit_duplicates', (t) => {
    t.increments('id'); // the list's paging key: newest first
    t.string('identity_key', 200).notNullable();
    t.string('device_id').notNullable();
    t.string('line_id');
    t.string('item_id', 200).notNullable();
    t.string('seen_at').notNullable();
    t.string('first_device_id').notNullable();
    t.string('first_line_id');
    t.string('first_seen_at').notNullable();
    t.index(['identity_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('unit_duplicates');
  await knex.schema.dropTableIfExists('unit_identities');
}
