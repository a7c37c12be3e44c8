import type { Knex } from 'knex';

/**
 * Manual abort of a firmware deployment (issue 13): who aborted it by hand. Null for deployments
 * that ended any other way (completed, failed, or aborted by their failure threshold).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('firmware_deployments', (t) => {
    t.string('aborted_by', 100).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('firmware_deployments', (t) => {
    t.dropColumn('aborted_by');
  });
}
