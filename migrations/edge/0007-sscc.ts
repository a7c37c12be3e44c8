import type { Knex } from 'knex';

/**
 * SSCC for boxes and pallets (issue 14): each batch (box) and pallet gets an SSCC (AI 00, 18
 * digits) when it is created, beside its B-…/P-… identifier. The serial references come from
 * `sscc_sequences`, one row per prefix/extension digit/line range, advanced in the same
 * transaction that inserts the box or pallet: a crash before COMMIT loses both, so a number that
 * was ever stored with a box is never handed out again, even across kill -9. The unique indexes
 * are the last guard. NULL: created before this migration, or without a company prefix configured.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sscc_sequences', (t) => {
    t.string('name').primary(); // sscc:<extension digit><company prefix>:<line range>
    t.bigInteger('value').notNullable();
  });
  await knex.schema.alterTable('batches', (t) => {
    t.string('sscc');
  });
  await knex.schema.alterTable('pallets', (t) => {
    t.string('sscc');
  });
  await knex.raw('CREATE UNIQUE INDEX batches_sscc ON batches (sscc) WHERE sscc IS NOT NULL');
  await knex.raw('CREATE UNIQUE INDEX pallets_sscc ON pallets (sscc) WHERE sscc IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS pallets_sscc');
  await knex.raw('DROP INDEX IF EXISTS batches_sscc');
  await knex.schema.alterTable('pallets', (t) => t.dropColumn('sscc'));
  await knex.schema.alterTable('batches', (t) => t.dropColumn('sscc'));
  await knex.schema.dropTableIfExists('sscc_sequences');
}
