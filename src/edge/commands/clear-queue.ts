import type { CommandDeps } from './deps.js';
import type { CommandHandler } from './types.js';

/**
 * clear_queue (ADMIN): drops everything still waiting in the sync outbox: those items will never
 * reach upstream. Journaled (an alarm a person acknowledges) so the loss is on record on the
 * cabinet as well as in the factory's audit log.
 */
export const clearQueue =
  (deps: CommandDeps): CommandHandler<'clear_queue'> =>
  async (_params, { logger, commandId }) => {
    const { dropped, queued, parked } = await deps.system.outbox.clear();
    logger.warn({ commandId, dropped, queued, parked }, `sync queue cleared by the factory: ${dropped} items dropped`);
    deps.system.bus.publish({ type: 'journal.record', severity: 'alarm', category: 'sync', source: 'syncQueue', messageKey: 'sync.queue_cleared', params: { dropped, commandId } });
    return { dropped, queued, parked };
  };
