import type { Knex } from 'knex';

/**
 * The factory server's schema at its first release. Schema builder only: the same migration
 * runs on SQLite (a small plant, one file) and PostgreSQL (a big one). Times are ISO-8601 text,
 * as on the edge, so both databases compare and return them the same way.
 */
export async function up(knex: Knex): Promise<void> {
  // Same columns as the edge's users table: adapters/store/user-store.ts serves both.
  await knex.schema.createTable('users', (t) => {
    t.string('id').primary();
    t.string('username').notNullable().unique();
    t.string('display_name').notNullable();
    t.string('role').notNullable();
    t.string('password_hash').notNullable();
    t.string('created_at').notNullable();
    t.string('updated_at').notNullable();
  });

  await knex.schema.createTable('settings', (t) => {
    t.string('key').primary();
    t.text('value').notNullable(); // JSON
    t.string('updated_at').notNullable();
  });

  // Registered edge devices. token_id is the jti of the one valid device token (re-issuing
  // replaces it, which revokes the previous token); reported is the last status it sent (JSON).
  await knex.schema.createTable('devices', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.string('line_id');
    t.string('connection_mode');
    t.text('description');
    t.string('token_id');
    t.string('last_seen_at');
    t.text('reported');
    t.string('created_at').notNullable();
    t.string('updated_at').notNullable();
  });

  // Every item the edges synced, stored once by its id (the idempotency key). No secondary
  // index: this is the hot insert path, and the dashboard reads daily_counts instead.
  await knex.schema.createTable('sync_items', (t) => {
    t.string('id', 200).primary();
    t.string('device_id').notNullable();
    t.string('line_id');
    t.string('kind').notNullable();
    t.text('payload').notNullable(); // JSON
    t.string('day', 10).notNullable(); // YYYY-MM-DD of the event in the company's time zone
    t.string('received_at').notNullable();
  });

  // New items per day and kind, kept in the ingest transaction: "bottles today" stays O(1).
  await knex.schema.createTable('daily_counts', (t) => {
    t.string('day', 10).notNullable();
    t.string('kind').notNullable();
    t.bigInteger('count').notNullable().defaultTo(0);
    t.primary(['day', 'kind']);
  });

  // Items to forward to the cloud, written in the same transaction that stored them. They keep
  // the edge's item id, so the cloud de-duplicates a resend whichever path it came by.
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('seq');
    t.string('item_id', 200).notNullable();
    t.string('kind').notNullable();
    t.text('payload').notNullable(); // JSON
    t.string('created_at').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.string('parked_at');
    t.text('parked_reason');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['outbox', 'daily_counts', 'sync_items', 'devices', 'settings', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
