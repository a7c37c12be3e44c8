import type { Knex } from 'knex';

/**
 * Whether the database takes a write now: one tiny row in `settings` through the given (writer)
 * connection, at most once per `everyMs` while it succeeds, so a health check
 * polled every second costs one small write every few seconds, not one per poll.
 */
export function createWriteProbe(writer: Knex, everyMs = 5000, table = 'settings') {
  let last: { at: number; error: string | null } | null = null;
  let running: Promise<string | null> | null = null;
  return async function probe(): Promise<string | null> {
    // Only a success is cached: a database that refused is asked again at once, so recovery shows at the next poll.
    if (last && last.error === null && Date.now() - last.at < everyMs) return null;
    running ??= (async () => {
      let error: string | null = null;
      try {
        const now = new Date().toISOString();
        await writer(table).insert({ key: 'health.probe', value: JSON.stringify(now), updated_at: now }).onConflict('key').merge();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        // knex puts the statement in front of the driver's reason: keep the reason.
        error = message.includes(' - ') ? message.slice(message.lastIndexOf(' - ') + 3) : message;
      }
      last = { at: Date.now(), error };
      running = null;
      return error;
    })();
    return running;
  };
}
