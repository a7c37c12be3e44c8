import type { CommandDeps } from './deps.js';
import type { CommandHandler } from './types.js';

/**
 * clear_queue (ADMIN): drops everything still waiting in the sync outbox: those items will never
 * reach upstream. Logged at warn as a journal entry (`journal: 'sync.queue_cleared'`) so the loss
 * is on record on the cabinet as well as in the factory's audit log.
 */
export const clearQueue =
  (deps: CommandDeps): CommandHandler<'clear_queue'> =>
  async (_params, { logger, commandId }) => {
    const { dropped, queued, parked } = await deps.system.outbox.clear();
    logger.warn({ journal: 'sync.queue_cleared', commandId, dropped, queued, parked }, `sync queue cleared by the factory: ${dropped} items dropped`);
    return { dropped, queued, parked };
  };
