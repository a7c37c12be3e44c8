import type { Knex } from 'knex';

/**
 * The edge's record of the commands the factory sent it, for idempotency: a command resent after
 * a lost result (reconnect, factory restart) is answered from here instead of running twice. A
 * record is written `running` before the command starts, so a command cut short by a restart of
 * the process (a reboot, a crash) is recognised when it is resent. Kept in the settings table
 * (one row per command, key `command.<id>`), the most recent KEEP of them.
 */
export interface CommandOutcome {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

export interface CommandRecord {
  commandId: string;
  type: string;
  status: 'running' | 'done';
  startedAt: string;
  finishedAt: string | null;
  outcome: CommandOutcome | null;
}

const PREFIX = 'command.';
const KEEP = 200;
/** A result bigger than this is not kept (pull_logs can be): its record says so instead. */
const MAX_KEPT_RESULT_CHARS = 256 * 1024;

export function createCommandResults(db: Knex, options: { keep?: number } = {}) {
  const keep = options.keep ?? KEEP;
  const write = async (record: CommandRecord) => {
    await db('settings')
      .insert({ key: PREFIX + record.commandId, value: JSON.stringify(record), updated_at: new Date().toISOString() })
      .onConflict('key')
      .merge();
  };
  return {
    async get(commandId: string): Promise<CommandRecord | null> {
      const row: { value: string } | undefined = await db('settings').where({ key: PREFIX + commandId }).first('value');
      return row ? (JSON.parse(row.value) as CommandRecord) : null;
    },
    async started(commandId: string, type: string): Promise<void> {
      await write({ commandId, type, status: 'running', startedAt: new Date().toISOString(), finishedAt: null, outcome: null });
    },
    async finished(commandId: string, type: string, startedAt: string, outcome: CommandOutcome): Promise<CommandRecord> {
      const kept = outcome.result !== undefined && JSON.stringify(outcome.result).length > MAX_KEPT_RESULT_CHARS ? { ...outcome, result: { resultNotKept: 'too large to keep on the edge; run the command again' } } : outcome;
      const record: CommandRecord = { commandId, type, status: 'done', startedAt, finishedAt: new Date().toISOString(), outcome: kept };
      await write(record);
      await db.raw(
        `DELETE FROM settings WHERE key LIKE '${PREFIX}%' AND key NOT IN (SELECT key FROM settings WHERE key LIKE '${PREFIX}%' ORDER BY updated_at DESC, key DESC LIMIT ?)`,
        [keep],
      );
      return record;
    },
  };
}

export type CommandResults = ReturnType<typeof createCommandResults>;
