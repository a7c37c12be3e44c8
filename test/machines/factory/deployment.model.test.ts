import { expect } from 'chai';
import { assign, createActor, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { countDevices, type DeploymentDevice, type DeploymentEvent, deploymentMachine } from '../../../machines/factory/deployment.machine.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';

/**
 * Model-based paths over a deployment to three devices with an abort threshold of 50 % of at
 * least 2 finished devices. The model counts devices by what they are doing (waiting: queued, or
 * skipped once aborted; working: downloading, verifying, installing or restarting; installed; failed, which includes
 * timed out or rolled back) and states the outcome rules on those counts alone; each abstract event is played on
 * the real machine against the first device (by id) in the matching concrete state. ABORT is a
 * manual abort (`deployment.abort`): allowed while running only, it ends the deployment like a
 * crossed threshold, but the record names who aborted it.
 */
type ModelEvent =
  | { type: 'START' }
  | { type: 'INSTALL_WAITING' }
  | { type: 'FAIL_WAITING' }
  | { type: 'INSTALL_WORKING' }
  | { type: 'FAIL_WORKING' }
  /** A device at work whose new version did not confirm: rolled back, a failure for the threshold. */
  | { type: 'ROLL_BACK_WORKING' }
  | { type: 'ABORT' };

interface Counts {
  waiting: number;
  working: number;
  installed: number;
  failed: number;
  /** Aborted by hand (ABORT) rather than by the threshold. */
  byHand: boolean;
}

const TOTAL = 3;
const THRESHOLD_PERCENT = 50;
const MIN_DEVICES = 2;

const model = setup({
  types: { context: {} as Counts, events: {} as ModelEvent },
  guards: {
    hasWaiting: ({ context: c }) => c.waiting > 0,
    hasWorking: ({ context: c }) => c.working > 0,
    crossed: ({ context: c }) => c.installed + c.failed >= MIN_DEVICES && c.failed * 100 > THRESHOLD_PERCENT * (c.installed + c.failed),
    allInstalled: ({ context: c }) => c.installed === TOTAL,
    allFinished: ({ context: c }) => c.installed + c.failed === TOTAL,
  },
}).createMachine({
  id: 'deploymentModel',
  context: { waiting: TOTAL, working: 0, installed: 0, failed: 0, byHand: false },
  // What a device can do, by the counts: a move needs a device where it starts from. Handled at
  // the root, so running and aborted both record it (the finals take no events).
  on: {
    START: { guard: 'hasWaiting', actions: assign(({ context: c }) => ({ waiting: c.waiting - 1, working: c.working + 1 })) },
    INSTALL_WAITING: { guard: 'hasWaiting', actions: assign(({ context: c }) => ({ waiting: c.waiting - 1, installed: c.installed + 1 })) },
    FAIL_WAITING: { guard: 'hasWaiting', actions: assign(({ context: c }) => ({ waiting: c.waiting - 1, failed: c.failed + 1 })) },
    INSTALL_WORKING: { guard: 'hasWorking', actions: assign(({ context: c }) => ({ working: c.working - 1, installed: c.installed + 1 })) },
    FAIL_WORKING: { guard: 'hasWorking', actions: assign(({ context: c }) => ({ working: c.working - 1, failed: c.failed + 1 })) },
    ROLL_BACK_WORKING: { guard: 'hasWorking', actions: assign(({ context: c }) => ({ working: c.working - 1, failed: c.failed + 1 })) },
  },
  initial: 'running',
  states: {
    running: {
      always: [
        { guard: 'crossed', target: 'aborted' },
        { guard: 'allInstalled', target: 'completed' },
        { guard: 'allFinished', target: 'failed' },
      ],
      on: { ABORT: { target: 'aborted', actions: assign({ byHand: true }) } },
    },
    // Aborted: skipped devices whose command ran anyway, and devices at work, are still recorded.
    aborted: {},
    completed: { type: 'final' },
    failed: { type: 'final' },
  },
});

const serializeState = (s: { value: unknown; context: Counts }) => `${JSON.stringify(s.value)} ${JSON.stringify(s.context)}`;
// Events a state does not allow (guarded out in the model) are self-loops: played as nothing.
const testModel = createTestModel(model, { serializeState });

const AT = '2024-05-01T10:00:00.000Z';
const DEVICE_IDS = ['edge-a', 'edge-b', 'edge-c'];
/** The stages a device at work reports, played in turn (staging: an edge without an install root). */
const STAGES = ['downloading', 'staging', 'waiting_for_window', 'installing', 'restarting'] as const;
const WORKING = ['downloading', 'verifying', 'installing', 'restarting'];

describe('deployment machine (model-based)', () => {
  const coverage = trackCoverage(deploymentMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    expect([...reached].sort()).to.deep.equal(['"aborted"', '"completed"', '"failed"', '"running"']);
    // The initial state once: recomputing the shortest paths for every path made this test take seconds.
    const initial = serializeState(testModel.getShortestPaths()[0]!.steps[0]!.state as never);
    const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? initial : serializeState(p.steps[i - 1]!.state as never)}|${step.event.type}`)));
    const all = modelTransitions(testModel);
    expect(all.filter((edge) => !covered.has(edge))).to.deep.equal([]);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const devices: Record<string, DeploymentDevice> = {};
      for (const id of DEVICE_IDS) devices[id] = { state: 'queued', error: null, updatedAt: AT };
      const actor = createActor(deploymentMachine, {
        input: { status: 'running', devices, abortThresholdPercent: THRESHOLD_PERCENT, abortMinDevices: MIN_DEVICES },
        inspect: coverage.inspect,
      });
      actor.start();
      const context = () => actor.getSnapshot().context;
      // An event the model does not allow here (no device where it starts from) is a self-loop:
      // nothing to play, and the state check then confirms nothing changed.
      const first = (states: string[]) => DEVICE_IDS.find((d) => states.includes(context().devices[d]!.state));
      const play = (deviceId: string | undefined, event: (deviceId: string) => DeploymentEvent) => {
        if (deviceId !== undefined) actor.send(event(deviceId));
      };
      let step = 0;
      const at = () => `2024-05-01T10:00:${String(++step).padStart(2, '0')}.000Z`;

      const check = (s: { value: unknown; context: Counts }) => {
        const real = actor.getSnapshot();
        expect(real.value).to.equal(s.value);
        expect(real.context.status).to.equal(s.value);
        const counts = countDevices(real.context.devices);
        const aborted = s.value === 'aborted';
        expect(counts.queued + counts.skipped).to.equal(s.context.waiting);
        // Once aborted nothing waits to start: queued devices were skipped.
        expect(aborted ? counts.queued : counts.skipped).to.equal(0);
        expect(counts.downloading + counts.verifying + counts.installing + counts.restarting).to.equal(s.context.working);
        expect(counts.installed).to.equal(s.context.installed);
        expect(counts.failed + counts.timed_out + counts.rolled_back).to.equal(s.context.failed);
        if (s.value === 'running') expect(real.context.finishedAt).to.equal(null);
        else if (s.value !== 'running') {
          expect(real.context.finishedAt).to.match(/^2024-05-01T10:00:\d\d\.000Z$/);
          expect(real.context.reason === null).to.equal(s.value === 'completed');
        }
        expect(real.context.abortedBy).to.equal(s.context.byHand ? 'alice' : null);
        if (s.context.byHand) expect(real.context.reason).to.be.oneOf(['wrong release', 'aborted by hand']);
        expect(real.status).to.equal(s.value === 'completed' || s.value === 'failed' ? 'done' : 'active');
      };

      await path.test({
        states: { running: check, aborted: check, completed: check, failed: check },
        events: {
          // Alternate the stages a device reports: each moves it to "working".
          START: () => play(first(['queued', 'skipped']), (deviceId) => ({ type: 'device.progress', deviceId, stage: STAGES[step % STAGES.length]!, at: at() })),
          INSTALL_WAITING: () => play(first(['queued', 'skipped']), (deviceId) => ({ type: 'device.result', deviceId, ok: true, at: at() })),
          FAIL_WAITING: () => play(first(['queued', 'skipped']), (deviceId) => ({ type: 'device.timeout', deviceId, at: at() })),
          INSTALL_WORKING: () => play(first(WORKING), (deviceId) => ({ type: 'device.result', deviceId, ok: true, at: at() })),
          // A failure the device reports, or its command canceled (by hand), alternately: both count as failed.
          FAIL_WORKING: () =>
            play(first(WORKING), (deviceId) =>
              step % 2 ? { type: 'device.canceled', deviceId, at: at() } : { type: 'device.result', deviceId, ok: false, error: 'E_SHA256: checksum mismatch', at: at() },
            ),
          ROLL_BACK_WORKING: () => play(first(WORKING), (deviceId) => ({ type: 'device.rolledBack', deviceId, reason: 'crash loop: version 2.0.0 exited 3 times within 60000 ms', at: at() })),
          // With and without a reason, alternately.
          ABORT: () => actor.send({ type: 'deployment.abort', by: 'alice', reason: step % 2 ? null : 'wrong release', at: at() }),
        },
      });
      actor.stop();
    });
  }

  // A restart restores the stored status as it was: nothing is re-decided.
  for (const status of ['completed', 'failed', 'aborted'] as const) {
    it(`restores a stored ${status} deployment as ${status}`, () => {
      const devices: Record<string, DeploymentDevice> = {};
      for (const id of DEVICE_IDS) devices[id] = { state: 'installed', error: null, updatedAt: AT };
      const actor = createActor(deploymentMachine, {
        input: { status, devices, abortThresholdPercent: THRESHOLD_PERCENT, abortMinDevices: MIN_DEVICES, finishedAt: AT, reason: null },
        inspect: coverage.inspect,
      }).start();
      expect(actor.getSnapshot().value).to.equal(status);
      expect(actor.getSnapshot().context).to.deep.include({ status, finishedAt: AT, devices });
      actor.stop();
    });
  }

  itCoversTheWholeMachine(coverage);
});
