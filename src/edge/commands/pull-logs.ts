import type { CommandDeps } from './deps.js';
import type { CommandHandler } from './types.js';

/** A result travels in one device-channel message (at most 1 MB): the lines are kept well under it. */
const MAX_RESULT_CHARS = 512 * 1024;

/** pull_logs: the last N lines of the edge's log (from the in-memory ring), as JSON objects, oldest first. */
export const pullLogs =
  (deps: CommandDeps): CommandHandler<'pull_logs'> =>
  async (params) => {
    const lines = deps.logRing.lines(params.lines, params.level);
    let size = JSON.stringify(lines).length;
    let truncated = false;
    // The oldest go first: the newest lines are what one pulls logs for.
    while (size > MAX_RESULT_CHARS && lines.length > 0) {
      size -= JSON.stringify(lines.shift()).length + 1;
      truncated = true;
    }
    return { lines, count: lines.length, truncated, buffered: deps.logRing.size };
  };
