import type { SyncNowReply } from '../../../machines/shared/sync-queue.machine.js';
import { ask } from '../../runtime/ask.js';
import type { CommandDeps } from './deps.js';
import type { CommandHandler } from './types.js';

/** force_sync: the sync queue starts a drain now (as POST /api/v1/sync/trigger does); reports its state and what is queued. */
export const forceSync =
  (deps: CommandDeps): CommandHandler<'force_sync'> =>
  async () => {
    const reply = await ask<SyncNowReply>(deps.system.syncQueue(), (replyTo) => ({ type: 'SYNC_NOW', replyTo }), { timeoutMs: 5_000 });
    const queue = await deps.system.outbox.status();
    return { state: reply.state, targetReady: reply.targetReady, reason: reply.reason, queueSize: queue.queueSize, parked: queue.parked, oldestItem: queue.oldestItem };
  };
