import type { Knex } from 'knex';

/**
 * Stable reason codes for scans (issues 13, 14): next to the English `reason` each scan row keeps
 * the reason's machine code and its params (JSON), so the recent scans and the line counters are
 * translated from the catalogue, never parsed. NULL for accepted scans and for rows written
 * before this migration (their outcome stands for the reason then).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scans', (t) => {
    t.string('reason_code');
    t.text('reason_params');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scans', (t) => {
    t.dropColumn('reason_params');
    t.dropColumn('reason_code');
  });
}
