import type { AnyActorRef } from 'xstate';
import type { Logger } from './logger.js';

/**
 * Starts a root actor with an error observer attached first. Without one, XState rethrows an
 * actor failure from a timer, which becomes an uncaughtException and takes the whole service
 * (every scanner, the PLC link, the sync queue) down with it. With one, the failure is logged and
 * the process keeps serving health checks and stored data while the operator investigates.
 */
export interface StartRootOptions {
  /** Called after logging, e.g. to mark the service unhealthy. Must not throw. */
  onError?: (error: unknown) => void;
}

export function startRoot<T extends AnyActorRef>(actor: T, logger: Logger, options: StartRootOptions = {}): T {
  // Subscribed before start: an action that throws during the initial entry fails the actor
  // inside start(), and only observers already present hear about it.
  actor.subscribe({
    error: (error: unknown) => {
      logger.error({ err: error, actorId: actor.id, systemId: (actor as { systemId?: string }).systemId }, 'root actor failed');
      try {
        options.onError?.(error);
      } catch (hookError) {
        logger.error({ err: hookError }, 'root actor onError hook threw');
      }
    },
  });
  actor.start();
  return actor;
}
