import type { Knex } from 'knex';

/**
 * Production orders (issue 14): the job a line runs. An order names its GTINs (JSON array), lot,
 * production and expiry dates, planned quantity and industry fields (JSON object). Each bottle
 * and each scan made while an order is active carries its id, so the order's summary (produced,
 * rejected by reason) is two index range counts. The indexes are partial: lines that run without
 * orders pay nothing. `rejection_confirmed_at`: when a REJECTION_FEEDBACK reader saw the unit
 * leave the line.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orders', (t) => {
    t.string('id').primary();
    t.string('number').notNullable().unique();
    t.string('line_id').notNullable();
    t.string('status').notNullable(); // planned | active | stopped | closed
    t.string('product_id');
    t.string('product_name');
    t.text('gtins').notNullable(); // JSON array of GTIN-14
    t.string('lot').notNullable();
    t.string('production_date').notNullable(); // YYYY-MM-DD
    t.string('expiry_date').notNullable();
    t.integer('planned_quantity').notNullable();
    t.text('fields').notNullable().defaultTo('{}'); // JSON object of industry fields
    t.string('created_by');
    t.string('created_at').notNullable();
    t.string('started_at');
    t.string('stopped_at');
    t.string('closed_at');
    t.index(['line_id', 'status']);
  });
  // At most one active order per line, whatever the code above it does.
  await knex.raw("CREATE UNIQUE INDEX orders_one_active_per_line ON orders (line_id) WHERE status = 'active'");
  await knex.schema.alterTable('bottles', (t) => {
    t.string('order_id');
    t.string('rejection_confirmed_at');
  });
  await knex.raw('CREATE INDEX bottles_order ON bottles (order_id, status) WHERE order_id IS NOT NULL');
  await knex.schema.alterTable('scans', (t) => {
    t.string('order_id');
  });
  await knex.raw('CREATE INDEX scans_order ON scans (order_id, outcome, reason_code) WHERE order_id IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS scans_order');
  await knex.schema.alterTable('scans', (t) => t.dropColumn('order_id'));
  await knex.raw('DROP INDEX IF EXISTS bottles_order');
  await knex.schema.alterTable('bottles', (t) => {
    t.dropColumn('rejection_confirmed_at');
    t.dropColumn('order_id');
  });
  await knex.schema.dropTableIfExists('orders');
}
