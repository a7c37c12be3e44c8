import type { Knex } from 'knex';

/**
 * New items per device, local hour and kind (issue 13: production per line and hour on the
 * console's overview), kept in the ingest transaction next to daily_counts, so the chart stays
 * O(devices × 24) to read. `day` and `hour` are the event's, in the company's time zone. Items
 * ingested before this migration have no hourly counts (their days stay in daily_counts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('hourly_counts', (t) => {
    t.string('day', 10).notNullable();
    t.string('device_id').notNullable();
    t.integer('hour').notNullable(); // 0..23
    t.string('kind').notNullable();
    t.bigInteger('count').notNullable().defaultTo(0);
    t.primary(['day', 'device_id', 'hour', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('hourly_counts');
}
