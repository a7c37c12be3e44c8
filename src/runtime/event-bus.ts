/**
 * The one bus that actors' domain events flow out on (DESIGN "events flow out, not around"):
 * WebSocket hubs, the journal and metrics subscribe here instead of reaching into actors.
 *
 * Synchronous fan-out: a subscriber sees an event in the same tick it was published, in
 * publication order. A subscriber that throws is reported through `onError` and skipped; it
 * must never break publish for the actor that emitted, nor starve the other subscribers.
 */
export type EventHandler<E> = (event: E) => void;

export interface EventBus<TEvents extends { type: string }> {
  publish(event: TEvents): void;
  subscribe<K extends TEvents['type']>(type: K, handler: EventHandler<Extract<TEvents, { type: K }>>): () => void;
  subscribe(type: '*', handler: EventHandler<TEvents>): () => void;
}

export interface EventBusOptions<TEvents> {
  /** Called when a subscriber throws. Without it, such errors are swallowed. */
  onError?: (error: unknown, event: TEvents) => void;
}

export function createEventBus<TEvents extends { type: string }>(options: EventBusOptions<TEvents> = {}): EventBus<TEvents> {
  const byType = new Map<string, Set<EventHandler<TEvents>>>();

  function deliver(handlers: Set<EventHandler<TEvents>> | undefined, event: TEvents): void {
    if (!handlers) return;
    // Iterate a copy: a handler that subscribes or unsubscribes while we deliver must not change
    // who receives this event.
    for (const handler of [...handlers]) {
      try {
        handler(event);
      } catch (error) {
        try {
          options.onError?.(error, event);
        } catch {
          // An error reporter that throws has nowhere left to report to.
        }
      }
    }
  }

  return {
    publish(event) {
      deliver(byType.get(event.type), event);
      deliver(byType.get('*'), event);
    },
    subscribe(type: string, handler: EventHandler<never>) {
      let handlers = byType.get(type);
      if (!handlers) byType.set(type, (handlers = new Set()));
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry: EventHandler<TEvents> = (event) => (handler as EventHandler<TEvents>)(event);
      handlers.add(entry);
      return () => {
        handlers.delete(entry);
        if (handlers.size === 0 && byType.get(type) === handlers) byType.delete(type);
      };
    },
  };
}
