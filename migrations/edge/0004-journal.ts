import type { Knex } from 'knex';

/**
 * The HMI journal (issue 12): its own table, with an index for each filter the API offers.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('journal', (t) => {
    t.increments('id');
    t.bigInteger('ts_us').notNullable();
    t.string('severity').notNullable(); // info | warning | alarm | critical
    t.string('category').notNullable();
    t.string('source').notNullable();
    t.string('message_key').notNullable();
    t.text('params').notNullable(); // JSON object
    t.string('user');
    t.integer('acknowledged').notNullable(); // 0 | 1
    t.string('acked_by');
    t.bigInteger('acked_at_us');
  });
  // Newest first is (ts_us, id) descending: every filter's index ends in those, so a filtered
  // page, a time range within a filter, and the cursor are one index range read.
  await knex.raw('CREATE INDEX journal_ts ON journal (ts_us, id)');
  await knex.raw('CREATE INDEX journal_severity ON journal (severity, ts_us, id)');
  await knex.raw('CREATE INDEX journal_category ON journal (category, ts_us, id)');
  await knex.raw('CREATE INDEX journal_source ON journal (source, ts_us, id)');
  // Open alarms are few: a partial index keeps "what still needs a person" cheap at any size.
  await knex.raw('CREATE INDEX journal_open ON journal (ts_us, id) WHERE acknowledged = 0');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('journal');
}
