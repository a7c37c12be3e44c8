import type { AnyActorRef } from 'xstate';
import type { HealthReason } from '../domain/health.js';

/** One child of a root supervisor as /health, the WebSocket and the restart route show it. */
export interface SupervisedChild {
  id: string;
  status: 'RUNNING' | 'RESTARTING' | 'FAILED' | 'STOPPED';
  lastError: string | null;
  /** Automatic restarts still inside the supervisor's window. */
  recentRestarts: number;
}

interface SupervisorSnapshotLike {
  context?: { children?: Record<string, { status: SupervisedChild['status']; restarts: number[]; lastError?: string }> };
}

/** The root supervisor's children, read from its snapshot (machines/shared/supervisor.machine.ts). */
export function supervisedChildren(root: AnyActorRef): SupervisedChild[] {
  const children = (root.getSnapshot() as SupervisorSnapshotLike).context?.children ?? {};
  return Object.entries(children).map(([id, child]) => ({ id, status: child.status, lastError: child.lastError ?? null, recentRestarts: child.restarts.length }));
}

/** A degraded /health reason for each child the supervisor gave up on. */
export function failedChildReasons(root: AnyActorRef): HealthReason[] {
  return supervisedChildren(root)
    .filter((child) => child.status === 'FAILED')
    .map((child) => ({ code: 'ACTOR_FAILED', level: 'degraded' as const, message: `${child.id} failed: ${child.lastError ?? ''}` }));
}

/**
 * Restarts one child of the root supervisor by hand (a fresh restart window, as the supervisor's
 * `supervisor.restartChild` does): null when the supervisor has no child with this id. The
 * supervisor handles the event synchronously, so the answer is the child's state after it.
 */
export function restartSupervisedChild(root: AnyActorRef, id: string): { before: SupervisedChild; after: SupervisedChild } | null {
  const before = supervisedChildren(root).find((child) => child.id === id);
  if (!before) return null;
  root.send({ type: 'supervisor.restartChild', id });
  const after = supervisedChildren(root).find((child) => child.id === id) ?? { ...before, status: 'STOPPED' as const };
  return { before, after };
}
