import type { Knex } from 'knex';

/** The edge's whole schema at its first release. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.string('id').primary();
    t.string('username').notNullable().unique();
    t.string('display_name').notNullable();
    t.string('role').notNullable();
    t.string('password_hash').notNullable();
    t.string('created_at').notNullable();
    t.string('updated_at').notNullable();
  });

  await knex.schema.createTable('bottles', (t) => {
    t.string('id').primary(); // time-ordered: the pk index only ever appends
    t.string('identifier').notNullable(); // the full normalised code, crypto tail included
    t.string('identification_code').notNullable().unique(); // 01 GTIN 21 serial: the de-duplication key
    t.string('gtin', 14).notNullable();
    t.string('serial').notNullable();
    t.integer('status').notNullable().defaultTo(0);
    t.string('production_line_id');
    t.string('product_id');
    t.string('party');
    t.string('device_id');
    t.string('batch_id');
    t.boolean('is_preprint').notNullable().defaultTo(false);
    t.string('source').notNullable(); // scanner id, or 'api'
    t.string('created_at').notNullable();
    t.string('updated_at').notNullable();
  });
  // Partial: bottles enter a batch after they are created, so the hot insert path never touches it.
  await knex.raw('CREATE INDEX bottles_batch_id ON bottles (batch_id) WHERE batch_id IS NOT NULL');

  // Counts per status, kept in the same transactions that change statuses, so /bottles/count
  // stays O(1) with ten million rows.
  await knex.schema.createTable('bottle_status_counts', (t) => {
    t.integer('status').primary();
    t.integer('count').notNullable().defaultTo(0);
  });
  await knex('bottle_status_counts').insert([0, 1, 2, 3, 4, 5].map((status) => ({ status, count: 0 })));

  await knex.schema.createTable('batches', (t) => {
    t.string('id').primary();
    t.string('identifier').notNullable().unique();
    t.string('name').notNullable();
    t.string('status').notNullable(); // in_progress | complete
    t.integer('batch_size'); // null: no size limit, closed by hand
    t.integer('bottle_count').notNullable().defaultTo(0);
    t.string('device_id');
    t.string('production_line_id');
    t.string('sent_status').notNullable().defaultTo('pending'); // pending | sent | synced
    t.string('created_at').notNullable();
    t.string('updated_at').notNullable();
    t.string('completed_at');
    t.index(['sent_status']);
    t.index(['device_id']);
  });

  await knex.schema.createTable('sequences', (t) => {
    t.string('name').primary();
    t.integer('value').notNullable();
  });

  // Every scan the line saw, whatever its outcome: the operator's "recent scans" and the audit trail.
  await knex.schema.createTable('scans', (t) => {
    t.increments('id');
    t.string('received_at').notNullable();
    t.string('source').notNullable();
    t.string('code').notNullable();
    t.string('outcome').notNullable(); // accepted | duplicate | invalid | noread | refused
    t.string('reason');
    t.string('bottle_id');
  });

  await knex.schema.createTable('settings', (t) => {
    t.string('key').primary();
    t.text('value').notNullable(); // JSON
    t.string('updated_at').notNullable();
  });

  // Transactional outbox: written in the same transaction as the change it reports. The item id
  // every receiver de-duplicates on is `<kind>:<ref_id>` (one bottle.created per bottle, a fresh
  // id for other kinds), so no second unique index is paid on the scan path. bottle.created rows
  // carry no payload: the sync queue reads the bottle itself, so the code is stored once.
  await knex.schema.createTable('outbox', (t) => {
    t.increments('seq');
    t.string('kind').notNullable();
    t.string('ref_id').notNullable();
    t.text('payload'); // JSON, for kinds whose data is not a row elsewhere
    t.string('created_at').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('last_error');
    t.string('parked_at');
    t.string('parked_reason');
  });

  await knex.schema.createTable('actor_snapshots', (t) => {
    t.string('actor_id').primary();
    t.text('snapshot').notNullable();
    t.string('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['actor_snapshots', 'outbox', 'settings', 'scans', 'sequences', 'batches', 'bottle_status_counts', 'bottles', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
