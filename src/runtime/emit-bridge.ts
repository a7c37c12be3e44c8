import type { AnyActorRef, AnyEventObject, Snapshot, Subscription } from 'xstate';

/**
 * Feeds what actors `emit()` into the event bus: the root's own emits and those of its direct
 * children. Children come and go (runtime spawns, supervisor restarts under the same id with a new
 * ref), so the bridge follows the root's `snapshot.children` and resubscribes whenever the ref
 * behind an id changes. Grandchildren are not followed: a device actor that wants its sub-actors'
 * events on the bus re-emits them.
 *
 * Limitation: a child is discovered when its parent's snapshot is published, i.e. after the child
 * has started, so events a child emits from its very first entry actions are not bridged, except
 * for children that already exist when the bridge is attached (attach before `root.start()`).
 */
export interface EmitBridgeOptions {
  /** Only events passing the filter are published. */
  filter?: (event: AnyEventObject, source: AnyActorRef) => boolean;
  /** A bus that throws is reported here: an exception inside an emit handler would otherwise
   * become an uncaught exception (XState rethrows handler errors on a timer). */
  onError?: (error: unknown, event: AnyEventObject) => void;
}

interface Tracked {
  ref: AnyActorRef;
  subscription: Subscription;
}

export function bridgeEmitsToBus(
  root: AnyActorRef,
  bus: { publish(event: never): void },
  options: EmitBridgeOptions = {},
): () => void {
  const publish = (source: AnyActorRef) => (event: AnyEventObject) => {
    try {
      if (options.filter && !options.filter(event, source)) return;
      (bus.publish as (event: AnyEventObject) => void)(event);
    } catch (error) {
      try {
        options.onError?.(error, event);
      } catch {
        // Nothing sensible left to do with an error reporter that throws.
      }
    }
  };

  const tracked = new Map<string, Tracked>();

  const follow = (snapshot: Snapshot<unknown> | undefined) => {
    const children = ((snapshot as { children?: Record<string, AnyActorRef | undefined> } | undefined)?.children ??
      {}) as Record<string, AnyActorRef | undefined>;
    for (const [id, ref] of Object.entries(children)) {
      if (!ref) continue;
      const current = tracked.get(id);
      if (current?.ref === ref) continue;
      current?.subscription.unsubscribe();
      tracked.set(id, { ref, subscription: ref.on('*', publish(ref)) });
    }
    for (const [id, current] of tracked) {
      if (children[id] !== current.ref) {
        current.subscription.unsubscribe();
        tracked.delete(id);
      }
    }
  };

  const rootEmits = root.on('*', publish(root));
  follow(root.getSnapshot());
  // The error listener is required: an observer without one makes XState rethrow the root's error.
  const snapshots = root.subscribe({ next: follow, error: () => {} });

  return () => {
    rootEmits.unsubscribe();
    snapshots.unsubscribe();
    for (const current of tracked.values()) current.subscription.unsubscribe();
    tracked.clear();
  };
}
