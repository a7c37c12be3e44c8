import type { AnyActorRef } from 'xstate';

interface ScheduledEvent {
  source: AnyActorRef;
  event: { type: string };
  delay: number;
}

/**
 * What an actor will do later by itself: the delayed events XState holds for it (its `after`
 * transitions, delayed sends) and the children it runs. Empty for both means nothing is going to
 * happen until something sends it an event — the explicit form of "nothing happens", where a
 * fixed sleep would only show that nothing happened yet.
 */
export function pendingWorkOf(actor: AnyActorRef): { scheduled: string[]; children: string[] } {
  const system = actor.system.getSnapshot() as { _scheduledEvents?: Record<string, ScheduledEvent> };
  const scheduled = Object.values(system._scheduledEvents ?? {})
    .filter((e) => e.source === actor)
    .map((e) => `${e.event.type} in ${e.delay} ms`);
  const children = Object.keys((actor.getSnapshot() as { children?: Record<string, unknown> }).children ?? {});
  return { scheduled, children };
}
