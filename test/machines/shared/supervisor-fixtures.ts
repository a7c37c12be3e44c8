import { createActor, emit, fromPromise, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import {
  createSupervisorMachine,
  type ChildSpec,
  type SupervisorEmitted,
  type SupervisorPolicy,
} from '../../../machines/shared/supervisor.machine.js';

/** A worker that throws on FAIL (an action error = an actor failure) and finishes on FINISH. */
export const worker = setup({
  types: {
    input: {} as { label?: string } | undefined,
    context: {} as { label: string | undefined },
    events: {} as { type: 'FAIL' } | { type: 'FINISH' } | { type: 'PING' },
    emitted: {} as { type: 'worker.pong'; label: string | undefined },
  },
}).createMachine({
  context: ({ input }) => ({ label: input?.label }),
  initial: 'working',
  states: {
    working: {
      on: {
        FAIL: {
          actions: () => {
            throw new Error('boom');
          },
        },
        PING: { actions: emit(({ context }) => ({ type: 'worker.pong' as const, label: context.label })) },
        FINISH: 'finished',
      },
    },
    finished: { type: 'final' },
  },
});

/** A worker that fails as soon as it starts: exercises the restart loop without any prodding. */
export const crashOnStart = fromPromise(async () => {
  throw new Error('cannot start');
});

/** A machine whose initial entry throws: it fails synchronously inside its own start(). */
export const throwOnEntry = setup({}).createMachine({
  entry: () => {
    throw new Error('bad config');
  },
});

export const testPolicy: Partial<SupervisorPolicy> = { baseMs: 100, maxMs: 400, jitter: 0, maxRestarts: 2, windowMs: 10_000 };

export function startSupervisor(children: ChildSpec[], policy: Partial<SupervisorPolicy> = testPolicy) {
  const clock = new SimulatedClock();
  const machine = createSupervisorMachine({ worker, crashOnStart, throwOnEntry });
  const emitted: SupervisorEmitted[] = [];
  const errors: unknown[] = [];
  const actor = createActor(machine, {
    clock,
    input: { children, policy, now: () => clock.now(), random: () => 0.5 },
  });
  actor.on('*', (e) => emitted.push(e));
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();
  const child = (id: string) => actor.getSnapshot().children[id] as AnyActorRef | undefined;
  return { actor, clock, emitted, errors, child };
}
