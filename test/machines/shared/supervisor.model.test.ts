import { expect } from 'chai';
import { assign, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { startSupervisor, testPolicy } from './supervisor-fixtures.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { createSupervisorMachine } from '../../../machines/shared/supervisor.machine.js';

/**
 * Model-based paths over an abstraction of one supervised child: the model says what status the
 * supervisor must report after each sequence of failures, elapsed backoffs, elapsed windows and
 * manual restarts; every path is replayed against the real supervisor on a simulated clock.
 */
const MAX_RESTARTS = testPolicy.maxRestarts!;
const BACKOFF_MS = testPolicy.maxMs!; // jitter 0: every backoff is at most maxMs
const WINDOW_MS = testPolicy.windowMs!;

type ModelEvent =
  | { type: 'CHILD_FAILS' }
  | { type: 'CHILD_FINISHES' }
  | { type: 'BACKOFF_ELAPSES' }
  | { type: 'WINDOW_PASSES' }
  | { type: 'RESTART_CHILD' }
  | { type: 'STOP_ALL' }
  | { type: 'REMOVE' }
  | { type: 'SPAWN' };

const model = setup({
  types: { context: {} as { failures: number }, events: {} as ModelEvent },
  actions: { fresh: assign({ failures: 0 }) },
}).createMachine({
  id: 'supervisedChild',
  context: { failures: 0 },
  initial: 'running',
  on: {
    RESTART_CHILD: { target: '.running', actions: 'fresh' },
    STOP_ALL: { target: '.stopped', actions: 'fresh' },
    REMOVE: { target: '.removed', actions: 'fresh' },
  },
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
        // A child that finishes is stopped, not restarted.
        CHILD_FINISHES: { target: 'stopped', actions: 'fresh' },
        WINDOW_PASSES: { actions: 'fresh' },
      },
    },
    restarting: {
      on: {
        BACKOFF_ELAPSES: 'running',
        // A whole window is longer than any backoff: the restart happens and the failures age out.
        WINDOW_PASSES: { target: 'running', actions: 'fresh' },
      },
    },
    // FAILED is sticky: time passing does not bring the child back, stopping all leaves it FAILED.
    failed: { on: { WINDOW_PASSES: { target: 'failed' }, STOP_ALL: { target: 'failed' } } },
    // Stopped: nothing restarts it by itself; a restart by hand or a new spawn does.
    stopped: { on: { WINDOW_PASSES: { target: 'stopped' }, SPAWN: 'running' } },
    // Removed: forgotten; a manual restart of it does nothing, a new spawn brings it back.
    removed: { on: { RESTART_CHILD: { target: 'removed' }, STOP_ALL: { target: 'removed' }, WINDOW_PASSES: { target: 'removed' }, SPAWN: 'running' } },
  },
});

const serializeState = (s: { value: unknown; context: { failures: number } }) => JSON.stringify([s.value, s.context.failures]);
const testModel = createTestModel(model, {
  serializeState,
  events: (['CHILD_FAILS', 'CHILD_FINISHES', 'BACKOFF_ELAPSES', 'WINDOW_PASSES', 'RESTART_CHILD', 'STOP_ALL', 'REMOVE', 'SPAWN'] as const).map((type) => ({ type })),
});

describe('supervisor machine (model-based)', () => {
  const coverage = trackCoverage(createSupervisorMachine({}));
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
    expect([...reached].sort()).to.deep.equal(['"failed"', '"removed"', '"restarting"', '"running"', '"stopped"']);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const spec = { id: 'w', src: 'worker', systemId: 'worker-1' };
      const sut = startSupervisor([spec]);
      coverage.observe(sut.actor);
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
              expect(sut.emitted.filter((e) => e.type !== 'supervisor.childStopped').at(-1)?.type).to.equal('supervisor.childFailed');
            },
            stopped: () => {
              expect(status().status).to.equal('STOPPED');
              expect(sut.actor.system.get('worker-1')).to.equal(undefined);
              expect(sut.child('w')).to.equal(undefined);
              // No restart timer left behind.
              sut.clock.increment(BACKOFF_MS * 10);
              expect(status().status).to.equal('STOPPED');
            },
            removed: () => {
              expect(sut.actor.getSnapshot().context.children).to.not.have.property('w');
              expect(sut.actor.getSnapshot().context.specs).to.not.have.property('w');
              expect(sut.actor.system.get('worker-1')).to.equal(undefined);
              sut.clock.increment(BACKOFF_MS * 10);
              expect(sut.actor.getSnapshot().context.children).to.not.have.property('w');
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
            CHILD_FINISHES: () => {
              const before = sut.emitted.length;
              sut.child('w')!.send({ type: 'FINISH' });
              expect(sut.emitted.slice(before)).to.deep.equal([{ type: 'supervisor.childStopped', id: 'w' }]);
            },
            STOP_ALL: () => {
              sut.actor.send({ type: 'supervisor.stopAll' });
            },
            REMOVE: () => {
              sut.actor.send({ type: 'supervisor.remove', id: 'w' });
            },
            SPAWN: () => {
              sut.actor.send({ type: 'supervisor.spawn', child: spec });
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

  itCoversTheWholeMachine(coverage);
});
