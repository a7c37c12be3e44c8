import { expect } from 'chai';
import { assign, createActor, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { type LineSettings, type ScanDecidedReply, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import { createFakeCommitter, startRecorder, validCode } from '../../support/scan-fixtures.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';

/**
 * Model-based paths over the scan line's lifecycle. The model knows the state, whether a commit
 * is outstanding, and whether the factory disabled the device (it matters once the line drained:
 * RESUME then leads to `disabled`). "COMMIT_COMPLETES" is the committer answering everything it
 * holds, "COMMIT_FAILS" the store failing the whole group. Every step checks what that event led
 * to in the state it was sent in.
 */
type ModelEvent =
  | { type: 'SCAN' }
  | { type: 'NOREAD' }
  | { type: 'SUBMIT_BOTTLES' }
  | { type: 'PAUSE'; reason: string }
  | { type: 'RESUME' }
  | { type: 'DISABLE' }
  | { type: 'ENABLE' }
  | { type: 'DRAIN' }
  | { type: 'SETTINGS' }
  | { type: 'COMMIT_COMPLETES' }
  | { type: 'COMMIT_FAILS' };

interface ModelContext {
  inFlight: number;
  disabled: boolean;
}

const outstanding = ({ context }: { context: ModelContext }) => context.inFlight > 0;
const model = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
  actions: {
    startCommit: assign({ inFlight: ({ context }) => context.inFlight + 1 }),
    completeCommits: assign({ inFlight: 0 }),
    disable: assign({ disabled: true }),
    enable: assign({ disabled: false }),
    stay: () => {},
  },
  guards: { outstanding, disabled: ({ context }) => context.disabled },
}).createMachine({
  id: 'scanLineModel',
  context: { inFlight: 0, disabled: false },
  initial: 'running',
  on: {
    SETTINGS: { actions: 'stay' },
  },
  states: {
    running: {
      on: {
        SCAN: { actions: 'startCommit' },
        NOREAD: { actions: 'startCommit' },
        SUBMIT_BOTTLES: { actions: 'startCommit' },
        PAUSE: 'paused',
        DISABLE: { target: 'disabled', actions: 'disable' },
        DRAIN: [{ guard: 'outstanding', target: 'draining' }, { target: 'drained' }],
        COMMIT_COMPLETES: { guard: 'outstanding', actions: 'completeCommits' },
        COMMIT_FAILS: { guard: 'outstanding', actions: 'completeCommits' },
      },
    },
    paused: {
      on: {
        // Recorded as refused: still a commit. Bottles from the API are refused at once.
        SCAN: { actions: 'startCommit' },
        NOREAD: { actions: 'startCommit' },
        SUBMIT_BOTTLES: { actions: 'stay' },
        PAUSE: 'paused',
        RESUME: 'running',
        DISABLE: { target: 'disabled', actions: 'disable' },
        DRAIN: [{ guard: 'outstanding', target: 'draining' }, { target: 'drained' }],
        COMMIT_COMPLETES: { guard: 'outstanding', actions: 'completeCommits' },
        COMMIT_FAILS: { guard: 'outstanding', actions: 'completeCommits' },
      },
    },
    disabled: {
      on: {
        SCAN: { actions: 'startCommit' },
        NOREAD: { actions: 'startCommit' },
        SUBMIT_BOTTLES: { actions: 'stay' },
        DISABLE: { actions: 'stay' },
        ENABLE: { target: 'running', actions: 'enable' },
        DRAIN: [{ guard: 'outstanding', target: 'draining' }, { target: 'drained' }],
        COMMIT_COMPLETES: { guard: 'outstanding', actions: 'completeCommits' },
        COMMIT_FAILS: { guard: 'outstanding', actions: 'completeCommits' },
      },
    },
    draining: {
      on: {
        // Refused (or, for a no-read, counted) at once: nothing new may start a commit.
        SCAN: { actions: 'stay' },
        NOREAD: { actions: 'stay' },
        SUBMIT_BOTTLES: { actions: 'stay' },
        DISABLE: { actions: 'disable' },
        ENABLE: { actions: 'enable' },
        COMMIT_COMPLETES: { target: 'drained', actions: 'completeCommits' },
        COMMIT_FAILS: { target: 'drained', actions: 'completeCommits' },
      },
    },
    drained: {
      on: {
        SCAN: { actions: 'stay' },
        NOREAD: { actions: 'stay' },
        SUBMIT_BOTTLES: { actions: 'stay' },
        DISABLE: { actions: 'disable' },
        ENABLE: { actions: 'enable' },
        // A device disabled meanwhile starts disabled.
        RESUME: [{ guard: 'disabled', target: 'disabled' }, { target: 'running' }],
      },
    },
  },
});

const serializeState = (s: { value: unknown; context: ModelContext }) => JSON.stringify(s.value) + (s.context.inFlight > 0) + (s.context.disabled ? '+disabled' : '');
const testModel = createTestModel(model, {
  serializeState,
  // For a machine, xstate/graph offers each state the events its state node handles (guards
  // aside), taking payloads from this list.
  events: [
    { type: 'SCAN' },
    { type: 'NOREAD' },
    { type: 'SUBMIT_BOTTLES' },
    { type: 'PAUSE', reason: 'jam' },
    { type: 'RESUME' },
    { type: 'DISABLE' },
    { type: 'ENABLE' },
    { type: 'DRAIN' },
    { type: 'SETTINGS' },
    { type: 'COMMIT_COMPLETES' },
    { type: 'COMMIT_FAILS' },
  ],
});

const SETTINGS: LineSettings = { industry: 'milk', productionLineId: 'line-1', productId: null, party: null, deviceId: 'edge-1' };

describe('scan line machine (model-based)', () => {
  const coverage = trackCoverage(scanLineMachine);
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
    expect([...reached].sort()).to.deep.equal([
      '"disabled"false+disabled',
      '"disabled"true+disabled',
      '"drained"false',
      '"drained"false+disabled',
      '"draining"true',
      '"draining"true+disabled',
      '"paused"false',
      '"paused"true',
      '"running"false',
      '"running"true',
    ]);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const committer = createFakeCommitter();
      const actor = createActor(scanLineMachine.provide({ actors: { committer: committer.logic } }), { input: { settings: SETTINGS }, inspect: coverage.inspect });
      const errors: unknown[] = [];
      actor.subscribe({ error: (error) => errors.push(error) });
      actor.start();
      const replies = startRecorder<ScanDecidedReply>();
      let seed = 1000;
      let line = 1;
      const sut = () => actor.getSnapshot();
      const checkState = (value: string, s: { context: ModelContext }) => {
        expect(sut().value).to.equal(value);
        expect(sut().context.inFlight > 0).to.equal(s.context.inFlight > 0);
        expect(committer.pending().length > 0).to.equal(s.context.inFlight > 0);
        expect(sut().context.disabledReason).to.equal(s.context.disabled ? 'factory' : null);
        expect(errors).to.deep.equal([]);
      };
      /** Nothing went to the committer; the one answer came at once, with `outcome` for each code. */
      const answeredAtOnce = (jobs: number, answered: number, outcome: string, count = 1) => {
        expect(committer.jobs).to.have.length(jobs);
        expect(replies.events).to.have.length(answered + 1);
        const decisions = replies.events.at(-1)!.decisions;
        expect(decisions.map((d) => d.outcome)).to.deep.equal(Array.from({ length: count }, () => outcome));
      };
      try {
        await path.test({
          states: {
            running: (s) => checkState('running', s),
            paused: (s) => {
              checkState('paused', s);
              expect(sut().context.pauseReason).to.equal('jam');
            },
            disabled: (s) => checkState('disabled', s),
            draining: (s) => checkState('draining', s),
            drained: (s) => checkState('drained', s),
          },
          events: {
            SCAN: () => {
              const before = sut().value as string;
              const jobs = committer.jobs.length;
              const answered = replies.events.length;
              actor.send({ type: 'SCAN', code: validCode(seed++), source: 'cam-1', replyTo: replies.ref });
              if (before === 'running' || before === 'paused' || before === 'disabled') {
                // Goes to the committer (a candidate, or a refusal to record) and waits for its commit.
                expect(committer.jobs).to.have.length(jobs + 1);
                const item = committer.jobs.at(-1)!.items[0]!;
                expect(item.outcome).to.equal(before === 'running' ? 'candidate' : 'refused');
                if (before === 'paused') expect(item.reason).to.equal('Line paused: jam');
                if (before === 'disabled') expect(item.reasonParams).to.deep.include({ reason: 'factory' });
                if (before === 'running') expect(item.bottle?.productionLineId ?? null).to.equal(sut().context.settings.productionLineId);
                expect(replies.events).to.have.length(answered);
              } else {
                // Answered at once, never committed.
                answeredAtOnce(jobs, answered, 'refused');
                expect(replies.events.at(-1)!.decisions[0]!.message).to.equal(before === 'draining' ? 'Line stopping' : 'Line stopped');
              }
            },
            NOREAD: () => {
              const before = sut().value as string;
              const jobs = committer.jobs.length;
              const answered = replies.events.length;
              const noReads = sut().context.counters.noReads;
              actor.send({ type: 'NOREAD', text: 'NR', source: 'cam-1', replyTo: replies.ref });
              if (before === 'draining' || before === 'drained') {
                // Counted and answered at once: nothing new may start a commit.
                answeredAtOnce(jobs, answered, 'noread');
                expect(sut().context.counters.noReads).to.equal(noReads + 1);
              } else {
                // Recorded like any read the line was shown, and answered once committed.
                expect(committer.jobs).to.have.length(jobs + 1);
                expect(committer.jobs.at(-1)!.items.map((i) => i.outcome)).to.deep.equal(['noread']);
                expect(replies.events).to.have.length(answered);
              }
            },
            SUBMIT_BOTTLES: () => {
              const before = sut().value as string;
              const jobs = committer.jobs.length;
              const answered = replies.events.length;
              const bottles = [{ identifier: validCode(seed++) }, { identifier: validCode(seed++) }];
              actor.send({ type: 'SUBMIT_BOTTLES', bottles, replyTo: replies.ref, requestId: 'r1' });
              if (before === 'running') {
                // One job for the whole submission, answered once committed.
                expect(committer.jobs).to.have.length(jobs + 1);
                expect(committer.jobs.at(-1)!.items.map((i) => [i.code, i.outcome, i.source])).to.deep.equal(bottles.map((b) => [b.identifier, 'candidate', 'api']));
                expect(replies.events).to.have.length(answered);
              } else {
                answeredAtOnce(jobs, answered, 'refused', 2);
                expect(replies.events.at(-1)!.requestId).to.equal('r1');
              }
            },
            PAUSE: ({ event }) => {
              actor.send(event as { type: 'PAUSE'; reason: string });
            },
            RESUME: () => {
              actor.send({ type: 'RESUME' });
            },
            DISABLE: () => {
              actor.send({ type: 'DISABLE', reason: 'factory' });
            },
            ENABLE: () => {
              actor.send({ type: 'ENABLE' });
            },
            DRAIN: () => {
              actor.send({ type: 'DRAIN' });
            },
            SETTINGS: () => {
              const value = sut().value;
              line += 1;
              actor.send({ type: 'SETTINGS.UPDATE', settings: { productionLineId: `line-${line}` } });
              // Merged into the settings; the rest and the state stay.
              expect(sut().context.settings).to.deep.equal({ ...SETTINGS, productionLineId: `line-${line}` });
              expect(sut().value).to.deep.equal(value);
            },
            COMMIT_COMPLETES: () => {
              const answered = replies.events.length;
              // Offered even with nothing outstanding (the model's guard then refuses it): the
              // state checks that follow cover that case.
              const jobs = committer.doneAll();
              // Every held scan is answered now, once.
              expect(replies.events).to.have.length(answered + jobs);
            },
            COMMIT_FAILS: () => {
              const answered = replies.events.length;
              const group = committer.pending();
              if (group.length === 0) return;
              committer.fail(group, 'disk I/O error');
              // Every held scan is answered now, once, as an error that names the storage failure.
              expect(replies.events).to.have.length(answered + group.length);
              for (const reply of replies.events.slice(answered)) {
                for (const decision of reply.decisions) {
                  expect(decision.outcome).to.equal('error');
                  expect(decision.reasonCode).to.not.equal(null);
                }
              }
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

  itCoversTheWholeMachine(coverage, {
    '(root) | role.done': 'role scans are scan-line.roles.model.test.ts\'s model',
    '(root) | ORDER.SET': 'the production order\'s GTIN lock is scan-line.orders.model.test.ts\'s model',
    '(root) | SAFE_STATE': 'the reject-all safe state is scan-line.orders.model.test.ts\'s model',
  });
});
