import { expect } from 'chai';
import { assign, createActor, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { type LineSettings, type ScanReply, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import { createFakeCommitter, startRecorder, validCode } from '../../support/scan-fixtures.js';

/**
 * Model-based paths over the scan line's lifecycle. The model knows only the state and whether
 * a commit is outstanding; "COMMIT_COMPLETES" is the committer answering everything it holds.
 * Every SCAN step checks what that scan led to in the state it was sent in.
 */
type ModelEvent = { type: 'SCAN' } | { type: 'PAUSE'; reason: string } | { type: 'RESUME' } | { type: 'DRAIN' } | { type: 'COMMIT_COMPLETES' };

const outstanding = ({ context }: { context: { inFlight: number } }) => context.inFlight > 0;
const model = setup({
  types: { context: {} as { inFlight: number }, events: {} as ModelEvent },
  actions: {
    startCommit: assign({ inFlight: ({ context }) => context.inFlight + 1 }),
    completeCommits: assign({ inFlight: 0 }),
  },
}).createMachine({
  id: 'scanLineModel',
  context: { inFlight: 0 },
  initial: 'running',
  states: {
    running: {
      on: {
        SCAN: { actions: 'startCommit' },
        PAUSE: 'paused',
        DRAIN: [{ guard: outstanding, target: 'draining' }, { target: 'drained' }],
        COMMIT_COMPLETES: { guard: outstanding, actions: 'completeCommits' },
      },
    },
    paused: {
      on: {
        // Recorded as refused: still a commit.
        SCAN: { actions: 'startCommit' },
        PAUSE: 'paused',
        RESUME: 'running',
        DRAIN: [{ guard: outstanding, target: 'draining' }, { target: 'drained' }],
        COMMIT_COMPLETES: { guard: outstanding, actions: 'completeCommits' },
      },
    },
    draining: {
      on: {
        // Refused at once: nothing new may start a commit.
        SCAN: 'draining',
        COMMIT_COMPLETES: { target: 'drained', actions: 'completeCommits' },
      },
    },
    drained: {
      on: { SCAN: 'drained', RESUME: 'running' },
    },
  },
});

const serializeState = (s: { value: unknown; context: { inFlight: number } }) => JSON.stringify(s.value) + (s.context.inFlight > 0);
const testModel = createTestModel(model, {
  serializeState,
  // For a machine, xstate/graph offers each state the events its state node handles (guards
  // aside), taking payloads from this list.
  events: [{ type: 'SCAN' }, { type: 'PAUSE', reason: 'jam' }, { type: 'RESUME' }, { type: 'DRAIN' }, { type: 'COMMIT_COMPLETES' }],
});

const SETTINGS: LineSettings = { industry: 'milk', productionLineId: 'line-1', productId: null, party: null, deviceId: 'edge-1' };

describe('scan line machine (model-based)', () => {
  // Transition coverage: the shortest path to every abstract state, extended by each event it accepts.
  type Path = ReturnType<typeof testModel.getShortestPaths>[number];
  const adjacency = testModel.getAdjacencyMap();
  const isModelEvent = (e: { type: string }): e is ModelEvent => e.type !== 'xstate.init';
  const paths = testModel
    .getShortestPaths({ allowDuplicatePaths: true })
    .flatMap((toState): Path[] => {
      const prefix = toState.steps.map((step) => step.event as { type: string }).filter(isModelEvent);
      const edges = Object.values(adjacency[serializeState(toState.state) as keyof typeof adjacency]!.transitions);
      // getPathsFromEvents does not inherit the model's serializeState: without it the traversal
      // tells states apart by inFlight, which grows without bound.
      return [toState, ...edges.flatMap(({ event }) => testModel.getPathsFromEvents([...prefix, event], { serializeState }))];
    })
    .filter((path, i, all) => all.findIndex((other) => other.description === path.description) === i);

  it('has paths reaching every abstract state', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"drained"false', '"draining"true', '"paused"false', '"paused"true', '"running"false', '"running"true']);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const committer = createFakeCommitter();
      const actor = createActor(scanLineMachine.provide({ actors: { committer: committer.logic } }), { input: { settings: SETTINGS } });
      const errors: unknown[] = [];
      actor.subscribe({ error: (error) => errors.push(error) });
      actor.start();
      const replies = startRecorder<ScanReply>();
      let seed = 1000;
      const sut = () => actor.getSnapshot();
      const checkState = (value: string, inFlight: boolean) => {
        expect(sut().value).to.equal(value);
        expect(sut().context.inFlight > 0).to.equal(inFlight);
        expect(committer.pending().length > 0).to.equal(inFlight);
        expect(errors).to.deep.equal([]);
      };
      try {
        await path.test({
          states: {
            running: (s) => {
              checkState('running', s.context.inFlight > 0);
            },
            paused: (s) => {
              checkState('paused', s.context.inFlight > 0);
              expect(sut().context.pauseReason).to.equal('jam');
            },
            draining: () => {
              checkState('draining', true);
            },
            drained: () => {
              checkState('drained', false);
            },
          },
          events: {
            SCAN: () => {
              const before = sut().value as string;
              const jobs = committer.jobs.length;
              const answered = replies.events.length;
              actor.send({ type: 'SCAN', code: validCode(seed++), source: 'cam-1', replyTo: replies.ref });
              if (before === 'running' || before === 'paused') {
                // Goes to the committer (a candidate, or a refusal to record) and waits for its commit.
                expect(committer.jobs).to.have.length(jobs + 1);
                const item = committer.jobs.at(-1)!.items[0]!;
                expect(item.outcome).to.equal(before === 'running' ? 'candidate' : 'refused');
                if (before === 'paused') expect(item.reason).to.equal('Line paused: jam');
                expect(replies.events).to.have.length(answered);
              } else {
                // Answered at once, never committed.
                expect(committer.jobs).to.have.length(jobs);
                expect(replies.events).to.have.length(answered + 1);
                const decision = replies.events.at(-1)!.decisions[0]!;
                expect(decision.outcome).to.equal('refused');
                expect(decision.message).to.equal(before === 'draining' ? 'Line stopping' : 'Line stopped');
              }
            },
            PAUSE: ({ event }) => {
              actor.send(event as { type: 'PAUSE'; reason: string });
            },
            RESUME: () => {
              actor.send({ type: 'RESUME' });
            },
            DRAIN: () => {
              actor.send({ type: 'DRAIN' });
            },
            COMMIT_COMPLETES: () => {
              const answered = replies.events.length;
              // Offered even with nothing outstanding (the model's guard then refuses it): the
              // state checks that follow cover that case.
              const jobs = committer.doneAll();
              // Every held scan is answered now, once.
              expect(replies.events).to.have.length(answered + jobs);
            },
          },
        });
        expect(errors).to.deep.equal([]);
        expect(sut().status).to.equal('active');
      } finally {
        actor.stop();
        replies.stop();
      }
    });
  }
});
