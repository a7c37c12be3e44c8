import type { Knex } from 'knex';

/**
 * The HMI journal (issue 12): its own table, newest first by id, with an index for each filter
 * the API offers (each ends in id so a filtered page is an index range read, newest first).
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
  await knex.raw('CREATE INDEX journal_ts ON journal (ts_us, id)');
  await knex.raw('CREATE INDEX journal_severity ON journal (severity, id)');
  await knex.raw('CREATE INDEX journal_category ON journal (category, id)');
  await knex.raw('CREATE INDEX journal_source ON journal (source, id)');
  // Open alarms are few: a partial index keeps "what still needs a person" cheap at any size.
  await knex.raw('CREATE INDEX journal_open ON journal (id) WHERE acknowledged = 0');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('journal');
}
