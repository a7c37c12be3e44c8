import { enqueueActions, setup, type AnyActorLogic, type AnyActorRef } from 'xstate';
import { backoffDelay, type BackoffPolicy } from '../../src/domain/backoff.js';

/**
 * A supervisor parent (XState has none built in). Children are spawned by a string key registered
 * in `setup({ actors })` so snapshots stay small; a failing child is restarted after an
 * exponential backoff with jitter; too many failures inside a window mark it FAILED instead of
 * restarting it forever. Every `xstate.error.actor.*` is handled, which is what keeps the
 * supervisor itself out of the `error` state (an unhandled child error would put it there for good).
 *
 * PURE: time and randomness come in through input (`now`, `random`). The supervisor is never
 * persisted, so keeping those functions in context is harmless.
 */

export type ChildStatus = 'RUNNING' | 'RESTARTING' | 'FAILED' | 'STOPPED';

export interface ChildSpec {
  id: string;
  /** Key in the `actors` record the supervisor was created with. */
  src: string;
  input?: unknown;
  systemId?: string;
}

export interface ChildState {
  status: ChildStatus;
  /** Timestamps (from `now`) of automatic restarts still inside the window. */
  restarts: number[];
  lastError?: string;
}

export interface SupervisorPolicy extends BackoffPolicy {
  /** More than this many failures within `windowMs` → FAILED. */
  maxRestarts: number;
  windowMs: number;
}

export interface SupervisorInput {
  children: ChildSpec[];
  policy?: Partial<SupervisorPolicy>;
  random?: () => number;
  now?: () => number;
}

export interface SupervisorContext {
  specs: Record<string, ChildSpec>;
  children: Record<string, ChildState>;
  policy: SupervisorPolicy;
  random: () => number;
  now: () => number;
}

export type SupervisorEvent =
  | { type: 'supervisor.restart'; id: string }
  | { type: 'supervisor.restartChild'; id: string }
  | { type: 'supervisor.stopAll' }
  | { type: 'supervisor.spawn'; child: ChildSpec }
  | { type: 'supervisor.remove'; id: string }
  | { type: `xstate.error.actor.${string}`; error: unknown; actorId?: string }
  | { type: `xstate.done.actor.${string}`; output?: unknown; actorId?: string };

export type SupervisorEmitted =
  | { type: 'supervisor.childRestarted'; id: string; attempt: number; error?: string; manual?: boolean }
  | { type: 'supervisor.childFailed'; id: string; error: string }
  | { type: 'supervisor.childStopped'; id: string };

export const defaultSupervisorPolicy: SupervisorPolicy = {
  baseMs: 500,
  maxMs: 30_000,
  jitter: 0.5,
  maxRestarts: 5,
  windowMs: 60_000,
};

const ERROR_PREFIX = 'xstate.error.actor.';
const DONE_PREFIX = 'xstate.done.actor.';
/** sendId of a child's pending delayed restart, so a manual restart or removal can cancel it. */
const restartTimerId = (id: string) => `supervisor.restart:${id}`;

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** Our current child ref under `id`, read from the last committed snapshot. */
function currentChild(self: AnyActorRef, id: string): AnyActorRef | undefined {
  return (self.getSnapshot().children as Record<string, AnyActorRef | undefined>)[id];
}

/**
 * Structural view of `enqueue`: its real generic type is unwieldy to pass around, and these are
 * the only two operations the shared start logic needs.
 */
interface Enqueue {
  spawnChild(src: string, options: { id: string; systemId?: string; input?: unknown }): void;
  stopChild(id: string): void;
}

/**
 * Why a spec cannot be started, or undefined if it can. Checked up front because spawning an
 * unknown src or a taken systemId would otherwise throw inside the supervisor's own transition.
 * `claimed` holds systemIds taken earlier in the same batch (not yet visible in the system).
 */
function whyUnstartable(
  actors: Record<string, AnyActorLogic>,
  spec: ChildSpec,
  self: AnyActorRef,
  system: { get(systemId: string): AnyActorRef | undefined },
  claimed: Set<string>,
): string | undefined {
  if (!Object.hasOwn(actors, spec.src)) return `unknown actor src "${spec.src}"`;
  if (spec.systemId === undefined) return undefined;
  if (claimed.has(spec.systemId)) return `systemId "${spec.systemId}" already in use`;
  const holder = system.get(spec.systemId);
  // Our own child under the same id is stopped (and unregistered) before the new one starts.
  const isOwnSameId = holder !== undefined && holder._parent === self && holder.id === spec.id;
  if (holder !== undefined && !isOwnSameId) return `systemId "${spec.systemId}" already in use`;
  return undefined;
}

/** Stop whatever runs under spec.id, then spawn spec. The stop unregisters the systemId eagerly. */
function startChild(enqueue: Enqueue, spec: ChildSpec): void {
  enqueue.stopChild(spec.id);
  enqueue.spawnChild(spec.src, { id: spec.id, systemId: spec.systemId, input: spec.input });
}

export function createSupervisorMachine(actors: Record<string, AnyActorLogic>, policy?: Partial<SupervisorPolicy>) {
  return setup({
    types: {
      context: {} as SupervisorContext,
      events: {} as SupervisorEvent,
      input: {} as SupervisorInput,
      emitted: {} as SupervisorEmitted,
    },
    actors,
    actions: {
      /** Shared by the initial entry and `supervisor.spawn`: record each spec and start it (or fail it). */
      spawnSpecs: enqueueActions(({ context, event, enqueue, self, system }) => {
        // On entry (start) the specs come from input via context; later, one at a time.
        const specs: ChildSpec[] = event.type === 'supervisor.spawn' ? [event.child] : Object.values(context.specs);
        const nextSpecs = { ...context.specs };
        const nextChildren = { ...context.children };
        const claimed = new Set<string>();
        for (const spec of specs) {
          enqueue.cancel(restartTimerId(spec.id));
          nextSpecs[spec.id] = spec;
          const problem = whyUnstartable(actors, spec, self, system, claimed);
          if (problem) {
            enqueue.stopChild(spec.id);
            nextChildren[spec.id] = { status: 'FAILED', restarts: [], lastError: problem };
            enqueue.emit({ type: 'supervisor.childFailed', id: spec.id, error: problem });
            continue;
          }
          if (spec.systemId !== undefined) claimed.add(spec.systemId);
          startChild(enqueue, spec);
          nextChildren[spec.id] = { status: 'RUNNING', restarts: [] };
        }
        enqueue.assign({ specs: nextSpecs, children: nextChildren });
      }),
    },
  }).createMachine({
    id: 'supervisor',
    context: ({ input }) => ({
      specs: Object.fromEntries(input.children.map((spec) => [spec.id, spec])),
      children: {},
      policy: { ...defaultSupervisorPolicy, ...policy, ...input.policy },
      random: input.random ?? Math.random,
      now: input.now ?? Date.now,
    }),
    initial: 'running',
    states: {
      running: {
        entry: 'spawnSpecs',
        on: {
          'supervisor.spawn': { actions: 'spawnSpecs' },

          'xstate.error.actor.*': {
            actions: enqueueActions(({ context, event, enqueue, self }) => {
              const id = event.type.slice(ERROR_PREFIX.length);
              const state = context.children[id];
              // A late error from a ref we already replaced, stopped or removed is stale: ignore it.
              if (!state || state.status !== 'RUNNING') return;
              if (currentChild(self, id)?.getSnapshot().status !== 'error') return;
              const error = errorMessage((event as { error?: unknown }).error);
              const now = context.now();
              const { windowMs, maxRestarts } = context.policy;
              const recent = state.restarts.filter((t) => now - t < windowMs);
              // Drop the dead ref now so the actor tree and the emit bridge do not show it.
              enqueue.stopChild(id);
              if (recent.length >= maxRestarts) {
                enqueue.assign({
                  children: { ...context.children, [id]: { status: 'FAILED', restarts: recent, lastError: error } },
                });
                enqueue.emit({ type: 'supervisor.childFailed', id, error });
                return;
              }
              const delay = backoffDelay(recent.length, context.policy, context.random);
              enqueue.assign({
                children: {
                  ...context.children,
                  [id]: { status: 'RESTARTING', restarts: [...recent, now], lastError: error },
                },
              });
              enqueue.raise({ type: 'supervisor.restart', id }, { id: restartTimerId(id), delay });
            }),
          },

          'supervisor.restart': {
            actions: enqueueActions(({ context, event, enqueue, self, system }) => {
              const state = context.children[event.id];
              const spec = context.specs[event.id];
              if (!state || !spec || state.status !== 'RESTARTING') return;
              const problem = whyUnstartable(actors, spec, self, system, new Set());
              if (problem) {
                enqueue.assign({ children: { ...context.children, [spec.id]: { ...state, status: 'FAILED', lastError: problem } } });
                enqueue.emit({ type: 'supervisor.childFailed', id: spec.id, error: problem });
                return;
              }
              startChild(enqueue, spec);
              enqueue.assign({ children: { ...context.children, [spec.id]: { ...state, status: 'RUNNING' } } });
              enqueue.emit({
                type: 'supervisor.childRestarted',
                id: spec.id,
                attempt: state.restarts.length,
                error: state.lastError,
              });
            }),
          },

          'supervisor.restartChild': {
            actions: enqueueActions(({ context, event, enqueue, self, system }) => {
              const spec = context.specs[event.id];
              const state = context.children[event.id];
              if (!spec || !state) return;
              enqueue.cancel(restartTimerId(spec.id));
              const problem = whyUnstartable(actors, spec, self, system, new Set());
              if (problem) {
                enqueue.assign({ children: { ...context.children, [spec.id]: { status: 'FAILED', restarts: [], lastError: problem } } });
                enqueue.emit({ type: 'supervisor.childFailed', id: spec.id, error: problem });
                return;
              }
              startChild(enqueue, spec);
              // A manual restart is an operator's decision: it starts a fresh window.
              enqueue.assign({ children: { ...context.children, [spec.id]: { ...state, status: 'RUNNING', restarts: [] } } });
              enqueue.emit({ type: 'supervisor.childRestarted', id: spec.id, attempt: 0, error: state.lastError, manual: true });
            }),
          },

          'xstate.done.actor.*': {
            actions: enqueueActions(({ context, event, enqueue, self }) => {
              const id = event.type.slice(DONE_PREFIX.length);
              const state = context.children[id];
              if (!state || state.status !== 'RUNNING') return;
              if (currentChild(self, id)?.getSnapshot().status !== 'done') return;
              enqueue.stopChild(id);
              enqueue.assign({ children: { ...context.children, [id]: { ...state, status: 'STOPPED' } } });
              enqueue.emit({ type: 'supervisor.childStopped', id });
            }),
          },

          'supervisor.stopAll': {
            actions: enqueueActions(({ context, enqueue }) => {
              const children: Record<string, ChildState> = {};
              for (const [id, state] of Object.entries(context.children)) {
                enqueue.cancel(restartTimerId(id));
                enqueue.stopChild(id);
                // FAILED stays visible as FAILED: stopping does not erase why it failed.
                children[id] = state.status === 'FAILED' ? state : { ...state, status: 'STOPPED' };
              }
              enqueue.assign({ children });
            }),
          },

          'supervisor.remove': {
            actions: enqueueActions(({ context, event, enqueue }) => {
              if (!context.specs[event.id]) return;
              enqueue.cancel(restartTimerId(event.id));
              enqueue.stopChild(event.id);
              const { [event.id]: _spec, ...specs } = context.specs;
              const { [event.id]: _state, ...children } = context.children;
              enqueue.assign({ specs, children });
            }),
          },
        },
      },
    },
  });
}

