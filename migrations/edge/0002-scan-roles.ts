import type { Knex } from 'knex';

/**
 * Scanner roles (issue 6): pallets for BOX scanners, the batch-accounting buffer for
 * VERIFY_LOCAL_BUFFER scanners, and the role of each role scan. All additive: the ADD path's
 * statements (bottles, outbox, scans without a role) are unchanged.
 */
export async function up(knex: Knex): Promise<void> {
  // A pallet holds batches (cases); its identifier P-YYYY-NNNNNN comes from the `pallet` sequence.
  await knex.schema.createTable('pallets', (t) => {
    t.string('id').primary();
    t.string('identifier').notNullable().unique();
    t.string('status').notNullable(); // in_progress | complete
    t.integer('pallet_size'); // batches per pallet; null: no limit
    t.integer('batch_count').notNullable().defaultTo(0);
    t.string('device_id');
    t.string('production_line_id');
    t.string('created_at').notNullable();
    t.string('updated_at').notNullable();
    t.string('completed_at');
    t.index(['device_id', 'status']);
  });
  await knex.schema.alterTable('batches', (t) => {
    t.string('pallet_id');
  });
  await knex.raw('CREATE INDEX batches_pallet_id ON batches (pallet_id) WHERE pallet_id IS NOT NULL');

  // The batch-accounting buffer: codes loaded per batch, each consumed at most once. Keyed by the
  // identification code (01 GTIN 21 serial), as bottles are, so a code is in one loaded batch only.
  await knex.schema.createTable('batch_buffer', (t) => {
    t.string('identification_code').primary();
    t.string('batch_identifier').notNullable();
    t.string('code').notNullable(); // the full code as loaded
    t.string('loaded_at').notNullable();
    t.string('consumed_at');
    t.string('consumed_by');
    t.index(['batch_identifier']);
  });

  // NULL for every ADD scan (the hot insert does not name the column).
  await knex.schema.alterTable('scans', (t) => {
    t.string('role');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scans', (t) => t.dropColumn('role'));
  await knex.schema.dropTableIfExists('batch_buffer');
  await knex.raw('DROP INDEX IF EXISTS batches_pallet_id');
  await knex.schema.alterTable('batches', (t) => t.dropColumn('pallet_id'));
  await knex.schema.dropTableIfExists('pallets');
}
