import { type AnyActorRef, waitFor } from 'xstate';
import { CONNECTION } from '../domain/actor-ids.js';
import type { Logger } from '../runtime/logger.js';

/**
 * Waits until the connection actor has read its saved mode back, so the first request after a
 * (re)start sees the saved mode, not the configured one (the read is one small query). A
 * connection actor that does not settle in time is logged; the edge serves on regardless.
 */
export async function connectionRestored(root: AnyActorRef, logger: Logger, timeoutMs = 10_000): Promise<void> {
  const connection = root.system.get(CONNECTION) as AnyActorRef | undefined;
  if (!connection) return;
  try {
    await waitFor(connection, (snapshot) => (snapshot as { value: unknown }).value !== 'restoring', { timeout: timeoutMs });
  } catch (error) {
    logger.error({ err: error }, 'the connection actor did not read its saved mode in time');
  }
}
