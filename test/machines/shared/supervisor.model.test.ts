import { expect } from 'chai';
import { assign, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { startSupervisor, testPolicy } from './supervisor-fixtures.js';

/**
 * Model-based paths over an abstraction of one supervised child: the model says what status the
 * supervisor must report after each sequence of failures, elapsed backoffs, elapsed windows and
 * manual restarts; every path is replayed against the real supervisor on a simulated clock.
 */
const MAX_RESTARTS = testPolicy.maxRestarts!;
const BACKOFF_MS = testPolicy.maxMs!; // jitter 0: every backoff is at most maxMs
const WINDOW_MS = testPolicy.windowMs!;

type ModelEvent = { type: 'CHILD_FAILS' } | { type: 'BACKOFF_ELAPSES' } | { type: 'WINDOW_PASSES' } | { type: 'RESTART_CHILD' };

const model = setup({
  types: { context: {} as { failures: number }, events: {} as ModelEvent },
}).createMachine({
  id: 'supervisedChild',
  context: { failures: 0 },
  initial: 'running',
  on: { RESTART_CHILD: { target: '.running', actions: assign({ failures: 0 }) } },
  states: {
    running: {
      on: {
        CHILD_FAILS: [
          {
            guard: ({ context }) => context.failures < MAX_RESTARTS,
            target: 'restarting',
            actions: assign({ failures: ({ context }) => context.failures + 1 }),
          },
          { target: 'failed' },
        ],
        WINDOW_PASSES: { actions: assign({ failures: 0 }) },
      },
    },
    restarting: {
      on: {
        BACKOFF_ELAPSES: 'running',
        // A whole window is longer than any backoff: the restart happens and the failures age out.
        WINDOW_PASSES: { target: 'running', actions: assign({ failures: 0 }) },
      },
    },
    // FAILED is sticky: time passing does not bring the child back.
    failed: { on: { WINDOW_PASSES: { target: 'failed' } } },
  },
});

const serializeState = (s: { value: unknown; context: { failures: number } }) => JSON.stringify([s.value, s.context.failures]);
const testModel = createTestModel(model, {
  serializeState,
  events: [{ type: 'CHILD_FAILS' }, { type: 'BACKOFF_ELAPSES' }, { type: 'WINDOW_PASSES' }, { type: 'RESTART_CHILD' }],
});

describe('supervisor machine (model-based)', () => {
  // Transition coverage: the shortest path to every abstract state, extended by each event that
  // state accepts. Shortest (or simple) paths alone never take an edge back to a visited state,
  // which is exactly where the window and the manual restart live.
  type Path = ReturnType<typeof testModel.getShortestPaths>[number];
  const adjacency = testModel.getAdjacencyMap();
  const isModelEvent = (e: { type: string }): e is ModelEvent => e.type !== 'xstate.init';
  const paths = testModel
    .getShortestPaths({ allowDuplicatePaths: true })
    .flatMap((toState): Path[] => {
      const prefix = toState.steps.map((step) => step.event as { type: string }).filter(isModelEvent);
      const edges = Object.values(adjacency[serializeState(toState.state) as keyof typeof adjacency]!.transitions);
      return [toState, ...edges.flatMap(({ event }) => testModel.getPathsFromEvents([...prefix, event]))];
    })
    .filter((path, i, all) => all.findIndex((other) => other.description === path.description) === i);

  it('has paths reaching every abstract state', () => {
    const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    expect([...reached].sort()).to.deep.equal(['"failed"', '"restarting"', '"running"']);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const sut = startSupervisor([{ id: 'w', src: 'worker', systemId: 'worker-1' }]);
      const status = () => sut.actor.getSnapshot().context.children.w;
      // Timestamps are pruned lazily (on the next failure): count the ones still inside the window.
      const inWindow = () => status().restarts.filter((t) => sut.clock.now() - t < WINDOW_MS).length;
      try {
        await path.test({
          states: {
            running: (s) => {
              expect(status().status).to.equal('RUNNING');
              expect(inWindow()).to.equal(s.context.failures);
              const live = sut.actor.system.get('worker-1');
              expect(live).to.equal(sut.child('w'));
              expect(live!.getSnapshot().status).to.equal('active');
            },
            restarting: (s) => {
              expect(status().status).to.equal('RESTARTING');
              expect(inWindow()).to.equal(s.context.failures);
              expect(sut.actor.system.get('worker-1')).to.equal(undefined);
            },
            failed: () => {
              expect(status().status).to.equal('FAILED');
              expect(sut.actor.system.get('worker-1')).to.equal(undefined);
              expect(sut.emitted.at(-1)?.type).to.equal('supervisor.childFailed');
            },
            '*': () => {
              expect(sut.actor.getSnapshot().status).to.equal('active');
              expect(sut.errors).to.deep.equal([]);
            },
          },
          events: {
            CHILD_FAILS: () => {
              sut.child('w')!.send({ type: 'FAIL' });
            },
            BACKOFF_ELAPSES: () => {
              sut.clock.increment(BACKOFF_MS);
            },
            WINDOW_PASSES: () => {
              sut.clock.increment(WINDOW_MS);
            },
            RESTART_CHILD: () => {
              sut.actor.send({ type: 'supervisor.restartChild', id: 'w' });
            },
          },
        });
        // '*' only runs for states without a specific test; check the invariant at the end too.
        expect(sut.actor.getSnapshot().status).to.equal('active');
        expect(sut.errors).to.deep.equal([]);
      } finally {
        sut.actor.stop();
      }
    });
  }
});
