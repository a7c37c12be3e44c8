import type { AnyActorRef } from 'xstate';

/**
 * A flat, JSON-ready view of the live actor tree for `GET /api/v1/debug/actors`: which actors run,
 * under which path and systemId, in which state. Read from snapshots only, so it is safe to call
 * at any time and never disturbs the actors.
 */
export interface ActorDescription {
  id: string;
  systemId?: string;
  /** Ids from the root down, joined by '/'. The root's segment is its systemId, else its id. */
  path: string;
  status: string;
  /** `snapshot.value` for machines; null for actors without states (callbacks, promises). */
  state: unknown;
}

interface SnapshotLike {
  status?: string;
  value?: unknown;
  children?: Record<string, AnyActorRef | undefined>;
}

export function describeActors(root: AnyActorRef): ActorDescription[] {
  const out: ActorDescription[] = [];
  const seen = new Set<AnyActorRef>();

  const visit = (ref: AnyActorRef, path: string) => {
    if (seen.has(ref)) return;
    seen.add(ref);
    const snapshot = (ref.getSnapshot() ?? {}) as SnapshotLike;
    const systemId = (ref as { systemId?: string }).systemId;
    out.push({
      id: ref.id,
      ...(systemId !== undefined ? { systemId } : {}),
      path,
      status: snapshot.status ?? 'unknown',
      state: snapshot.value ?? null,
    });
    for (const [id, child] of Object.entries(snapshot.children ?? {})) {
      if (child) visit(child, `${path}/${id}`);
    }
  };

  visit(root, (root as { systemId?: string }).systemId ?? root.id);
  return out;
}
