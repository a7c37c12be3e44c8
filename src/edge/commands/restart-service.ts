import type { CommandDeps } from './deps.js';
import type { CommandHandler } from './types.js';

/**
 * restart_service: the actor tree stops and starts again in this process (a stuck scanner
 * connection, a wedged sync queue): the HTTP server keeps serving, storage stays open. The
 * device channel goes down with the old tree, so the result goes out once the new link is up.
 */
export const restartService =
  (deps: CommandDeps): CommandHandler<'restart_service'> =>
  async (_params, { logger, commandId }) => {
    logger.warn({ commandId }, 'restart_service: restarting the actor system');
    const { restartedAt, restarts } = await deps.restart();
    return { restartedAt, restarts };
  };
