import { expect } from 'chai';
import { type AnyActorRef, assign, createActor, fromCallback, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { type LineSettings, type RolesEvent, type ScanDecidedEvent, type ScanDecidedReply, type ScanLineEvent, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import type { RoleJob } from '../../../src/domain/scanner-role.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { createFakeCommitter, startRecorder, validCode } from '../../support/scan-fixtures.js';
import { itCoversTheseParts, trackCoverage } from '../../support/machine-coverage.js';

/**
 * Model-based paths over the scan line with role scans: a role scan is outstanding at the role
 * handler (not the committer) and holds a drain like a commit does; a paused line refuses it
 * through the committer (answered at once here), a draining or drained line at once.
 */
type ModelEvent = { type: 'ROLE_SCAN' } | { type: 'ROLE_COMPLETES' } | { type: 'PAUSE' } | { type: 'RESUME' } | { type: 'DRAIN' };
const outstanding = ({ context }: { context: { roleJobs: number } }) => context.roleJobs > 0;
const model = setup({
  types: { context: {} as { roleJobs: number }, events: {} as ModelEvent },
  // Outstanding or not (bounded, so the traversal ends): how many does not change what the line does.
  actions: { start: assign({ roleJobs: 1 }), complete: assign({ roleJobs: 0 }) },
}).createMachine({
  id: 'scanLineRolesModel',
  context: { roleJobs: 0 },
  initial: 'running',
  states: {
    running: {
      on: {
        ROLE_SCAN: { actions: 'start' },
        ROLE_COMPLETES: { guard: outstanding, actions: 'complete' },
        PAUSE: 'paused',
        DRAIN: [{ guard: outstanding, target: 'draining' }, { target: 'drained' }],
      },
    },
    paused: {
      on: {
        ROLE_SCAN: 'paused',
        ROLE_COMPLETES: { guard: outstanding, actions: 'complete' },
        RESUME: 'running',
        DRAIN: [{ guard: outstanding, target: 'draining' }, { target: 'drained' }],
      },
    },
    draining: { on: { ROLE_SCAN: 'draining', ROLE_COMPLETES: { target: 'drained', actions: 'complete' } } },
    drained: { on: { ROLE_SCAN: 'drained', RESUME: 'running' } },
  },
});

const serializeState = (s: { value: unknown; context: { roleJobs: number } }) => JSON.stringify(s.value) + (s.context.roleJobs > 0);
const testModel = createTestModel(model, {
  serializeState,
  events: [{ type: 'ROLE_SCAN' }, { type: 'ROLE_COMPLETES' }, { type: 'PAUSE' }, { type: 'RESUME' }, { type: 'DRAIN' }],
});
const SETTINGS: LineSettings = { industry: 'milk', productionLineId: 'line-1', productId: null, party: null, deviceId: 'edge-1' };

function fakeRoles() {
  const jobs: Array<RoleJob<AnyActorRef>> = [];
  let toLine: ((event: ScanLineEvent) => void) | null = null;
  const logic = fromCallback<RolesEvent, void>(({ receive, sendBack }) => {
    toLine = sendBack as (event: ScanLineEvent) => void;
    receive(({ job }) => jobs.push(job));
  });
  let answered = 0;
  return {
    logic,
    jobs,
    pending: () => jobs.length - answered,
    doneAll() {
      for (const job of jobs.slice(answered)) toLine!({ type: 'role.done', job, result: { outcome: 'accepted', bottleId: null, message: 'ok' } });
      const n = jobs.length - answered;
      answered = jobs.length;
      return n;
    },
  };
}

describe('scan line machine with role scans (model-based)', () => {
  const coverage = trackCoverage(scanLineMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"drained"false', '"draining"true', '"paused"false', '"paused"true', '"running"false', '"running"true']);
    const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? '"running"false' : serializeState(p.steps[i - 1]!.state)}|${step.event.type}`)));
    expect(modelTransitions(testModel).filter((edge) => !covered.has(edge))).to.deep.equal([]);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const committer = createFakeCommitter();
      const roles = fakeRoles();
      const actor = createActor(scanLineMachine.provide({ actors: { committer: committer.logic, roles: roles.logic } }), { input: { settings: SETTINGS }, inspect: coverage.inspect });
      const errors: unknown[] = [];
      const decided: ScanDecidedEvent[] = [];
      actor.subscribe({ error: (error) => errors.push(error) });
      actor.on('scan.decided', (event) => decided.push(event));
      actor.start();
      const replies = startRecorder<ScanDecidedReply>();
      let seed = 2000;
      const sut = () => actor.getSnapshot();
      const check = (value: string, outstandingJobs: boolean) => {
        expect(sut().value).to.equal(value);
        expect(roles.pending() > 0).to.equal(outstandingJobs);
        expect(sut().context.inFlight > 0).to.equal(outstandingJobs);
        expect(errors).to.deep.equal([]);
      };
      try {
        await path.test({
          states: {
            running: (s) => check('running', s.context.roleJobs > 0),
            paused: (s) => check('paused', s.context.roleJobs > 0),
            draining: () => check('draining', true),
            drained: () => check('drained', false),
          },
          events: {
            ROLE_SCAN: () => {
              const before = sut().value as string;
              const [jobs, answered] = [roles.jobs.length, replies.events.length];
              actor.send({ type: 'SCAN', code: validCode(seed++), source: 'pk-1', role: 'PACKAGE', replyTo: replies.ref });
              if (before === 'running') {
                expect(roles.jobs).to.have.length(jobs + 1);
                expect(replies.events).to.have.length(answered);
                return;
              }
              expect(roles.jobs).to.have.length(jobs);
              if (before === 'paused') {
                // Recorded as refused through the committer, with its role.
                expect(committer.jobs.at(-1)!.role).to.equal('PACKAGE');
                committer.doneAll();
                expect(decided.at(-1)).to.deep.include({ role: 'PACKAGE' });
              }
              expect(replies.events).to.have.length(answered + 1);
              expect(replies.events.at(-1)!.decisions[0]!.outcome).to.equal('refused');
            },
            ROLE_COMPLETES: () => {
              const answered = replies.events.length;
              const n = roles.doneAll();
              expect(replies.events).to.have.length(answered + n);
              if (n > 0) expect(decided.at(-1)).to.deep.include({ role: 'PACKAGE' });
            },
            PAUSE: () => actor.send({ type: 'PAUSE', reason: 'jam' }),
            RESUME: () => actor.send({ type: 'RESUME' }),
            DRAIN: () => actor.send({ type: 'DRAIN' }),
          },
        });
        expect(errors).to.deep.equal([]);
      } finally {
        actor.stop();
        replies.stop();
      }
    });
  }

  // The rest of the machine is scan-line.model.test.ts's.
  itCoversTheseParts(coverage, ['(root) | role.done', 'running | SCAN', 'paused | SCAN', 'draining | SCAN', 'drained | SCAN']);
});
