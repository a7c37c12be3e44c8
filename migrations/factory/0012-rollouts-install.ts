import type { Knex } from 'knex';

/**
 * A/B installs (issue 16): how long each device's new version has to say hello to the factory and
 * report healthy before the edge rolls it back, set per deployment. Null: the edge's own
 * firmware.install.confirmTimeoutMs; and the maintenance window its devices install in. (Device states installing, restarting and rolled_back fit
 * the existing state column.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('firmware_deployments', (t) => {
    t.integer('confirm_timeout_ms').nullable();
    // { cron, durationMinutes, timeZone } as JSON: installs only inside it (null: any time).
    t.text('maintenance_window').nullable();
    // soft (null too): each edge waits for a quiet line before it installs; forced: it does not.
    t.string('install_mode', 8).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('firmware_deployments', (t) => {
    t.dropColumn('confirm_timeout_ms');
    t.dropColumn('maintenance_window');
    t.dropColumn('install_mode');
  });
}
