import type { AnyActorRef } from 'xstate';
import { type CommandReply, factoryLinkState } from '../../../machines/edge/factory-link.machine.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { EdgeEvent } from '../edge-events.js';

/**
 * Sends a command's answers through the factory link. A result must not be lost because the
 * channel was down when it was ready (restart_service restarts the link itself; a long download
 * outlives a reconnect): results wait here and go out when the link is connected again. Acks and
 * progress are only worth something live, so they are dropped while it is down.
 */
const MAX_WAITING = 500;

export function createCommandReplies(options: { bus: EventBus<EdgeEvent>; link: () => AnyActorRef | undefined }) {
  const waiting: CommandReply[] = [];
  const connectedLink = () => {
    const link = options.link();
    return link && link.getSnapshot().status === 'active' && factoryLinkState(link.getSnapshot().value) === 'connected' ? link : undefined;
  };
  const off = options.bus.subscribe('factory.link', (event) => {
    if (event.state !== 'connected') return;
    const link = options.link();
    // Sent from inside the link's transition: XState queues these after its entry actions (the hello).
    while (link && waiting.length > 0) link.send({ type: 'SEND', ...waiting.shift()! });
  });

  return {
    send(reply: CommandReply): void {
      const link = connectedLink();
      if (link) {
        link.send({ type: 'SEND', ...reply });
        return;
      }
      if (reply.messageType !== 'command.result') return;
      waiting.push(reply);
      if (waiting.length > MAX_WAITING) waiting.shift();
    },
    /** Results waiting for the link (tests, diagnostics). */
    waiting: () => waiting.length,
    dispose: off,
  };
}

export type CommandReplies = ReturnType<typeof createCommandReplies>;
