import { expect } from 'chai';
import { assign, createActor, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { type InstallEvent, installMachine, recentExits } from '../../../machines/edge/install.machine.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';

/**
 * Model-based paths over one A/B install with a crash-loop limit of 2 exits: the model states the
 * rules on its own (steps in order; any step before the restart may fail; once restarting, the
 * target's HEALTHY confirms, another version's does nothing, a deadline or the 2nd exit rolls
 * back) and each path is played on the real machine. Exits are played within the window.
 */
type ModelEvent =
  | { type: 'DOWNLOADED' }
  | { type: 'VERIFIED' }
  | { type: 'UNPACKED' }
  | { type: 'FAILED' }
  | { type: 'HEALTHY_TARGET' }
  | { type: 'HEALTHY_OTHER' }
  | { type: 'EXITED' }
  | { type: 'CONFIRM_TIMEOUT' };

const LIMIT = 2;

// A self-loop is an action, not `{}` (XState drops an empty transition, so the walk never offers it).
const model = setup({ types: { context: {} as { exits: number }, events: {} as ModelEvent }, actions: { stay: () => {} } }).createMachine({
  id: 'installModel',
  context: { exits: 0 },
  initial: 'downloading',
  states: {
    downloading: { on: { DOWNLOADED: 'verifying', FAILED: 'failed' } },
    verifying: { on: { VERIFIED: 'installing', FAILED: 'failed' } },
    installing: { on: { UNPACKED: 'restarting', FAILED: 'failed' } },
    restarting: {
      on: {
        HEALTHY_TARGET: 'confirmed',
        HEALTHY_OTHER: { actions: 'stay' },
        EXITED: [{ guard: ({ context }) => context.exits + 1 >= LIMIT, target: 'rolled_back' }, { actions: assign({ exits: ({ context }) => context.exits + 1 }) }],
        CONFIRM_TIMEOUT: 'rolled_back',
      },
    },
    confirmed: { type: 'final' },
    rolled_back: { type: 'final' },
    failed: { type: 'final' },
  },
});

const serializeState = (s: { value: unknown; context: { exits: number } }) => `${JSON.stringify(s.value)} ${s.context.exits}`;
const testModel = createTestModel(model, { serializeState });

describe('install machine (model-based)', () => {
  const coverage = trackCoverage(installMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    expect([...reached].sort()).to.deep.equal(['"confirmed"', '"downloading"', '"failed"', '"installing"', '"restarting"', '"rolled_back"', '"verifying"']);
    const initial = serializeState(testModel.getShortestPaths()[0]!.steps[0]!.state as never);
    const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? initial : serializeState(p.steps[i - 1]!.state as never)}|${step.event.type}`)));
    expect(modelTransitions(testModel).filter((edge) => !covered.has(edge))).to.deep.equal([]);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const actor = createActor(installMachine, { input: { target: '2.0.0', previous: '1.0.0', crashLoopLimit: LIMIT, crashLoopWindowMs: 60_000 }, inspect: coverage.inspect });
      actor.start();
      let clock = 1_000_000;
      const send = (event: InstallEvent) => actor.send(event);
      const check = (s: { value: unknown; context: { exits: number } }) => {
        const real = actor.getSnapshot();
        expect(real.value).to.equal(s.value);
        expect(real.status).to.equal(['confirmed', 'rolled_back', 'failed'].includes(s.value as string) ? 'done' : 'active');
        if (s.value === 'restarting') expect(real.context.exits).to.have.length(s.context.exits);
        if (s.value === 'rolled_back') expect(real.context.reason).to.match(/crash loop|did not say hello/);
        if (s.value === 'failed') expect(real.context).to.include({ code: 'VERIFY_FAILED', reason: 'sha256 mismatch' });
        if (s.value === 'confirmed') expect(real.context.reason).to.equal(null);
      };
      await path.test({
        states: Object.fromEntries(['downloading', 'verifying', 'installing', 'restarting', 'confirmed', 'rolled_back', 'failed'].map((s) => [s, check])),
        events: {
          DOWNLOADED: () => send({ type: 'DOWNLOADED' }),
          VERIFIED: () => send({ type: 'VERIFIED' }),
          UNPACKED: () => send({ type: 'UNPACKED' }),
          FAILED: () => send({ type: 'FAILED', code: 'VERIFY_FAILED', reason: 'sha256 mismatch' }),
          HEALTHY_TARGET: () => send({ type: 'HEALTHY', version: '2.0.0' }),
          HEALTHY_OTHER: () => send({ type: 'HEALTHY', version: '1.0.0' }),
          EXITED: () => send({ type: 'EXITED', at: (clock += 1_000), code: 1 }),
          CONFIRM_TIMEOUT: () => send({ type: 'CONFIRM_TIMEOUT', afterMs: 120_000 }),
        },
      });
      actor.stop();
    });
  }

  // The resumed start (phase restarting: the launcher's) is played below, outside the model.
  it('a resumed install starts in restarting (the launcher resumes the machine there)', () => {
    const actor = createActor(installMachine, { input: { target: '2.0.0', previous: '1.0.0', phase: 'restarting', crashLoopLimit: LIMIT, crashLoopWindowMs: 60_000 }, inspect: coverage.inspect });
    actor.start();
    expect(actor.getSnapshot().value).to.equal('restarting');
    actor.stop();
  });

  itCoversTheWholeMachine(coverage);
});

describe('install machine', () => {
  const resumed = () => {
    const actor = createActor(installMachine, { input: { target: '2.0.0', previous: '1.0.0', phase: 'restarting', crashLoopLimit: 3, crashLoopWindowMs: 10_000 } });
    actor.start();
    return actor;
  };

  it('resumed after the restart, it starts in restarting (the launcher watches from there)', () => {
    expect(resumed().getSnapshot().value).to.equal('restarting');
  });

  it('exits spread wider than the window are no crash loop; three within it are', () => {
    const actor = resumed();
    for (const at of [0, 11_000, 22_000, 33_000]) actor.send({ type: 'EXITED', at, code: 1 });
    expect(actor.getSnapshot().value).to.equal('restarting');
    actor.send({ type: 'EXITED', at: 34_000, code: 1 });
    actor.send({ type: 'EXITED', at: 35_000, code: 1 });
    expect(actor.getSnapshot().value).to.equal('rolled_back');
    expect(actor.getSnapshot().context.reason).to.equal('crash loop: version 2.0.0 exited 3 times within 10000 ms');
  });

  it('the deadline names the time it allowed', () => {
    const actor = resumed();
    actor.send({ type: 'CONFIRM_TIMEOUT', afterMs: 5_000 });
    expect(actor.getSnapshot().context.reason).to.equal('version 2.0.0 did not say hello to the factory and report healthy within 5000 ms');
  });

  it('recentExits keeps only the window', () => {
    expect(recentExits([1, 5, 9], 10, 6)).to.deep.equal([5, 9]);
  });
});
