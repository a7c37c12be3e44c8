import { expect } from 'chai';
import { assign, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { startRejectLoopRig } from '../../support/reject-loop-rig.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { rejectLoopMachine } from '../../../machines/edge/reject-loop.machine.js';

/**
 * Model-based paths over the reject loop: the eject PLC's link (up/down) and whether feedback
 * windows are open. Units arrive good or rejected, the feedback reader confirms a waiting code
 * (or one nobody waits for), the timer expires every open window, the PLC takes or fails an eject.
 * The handlers keep what the loop must have asked of the PLC, said and sent to the line so far,
 * and every state checks the machine against it. Walked once per safe state and stop setting.
 */
type ModelEvent =
  | { type: 'UNIT_GOOD' }
  | { type: 'UNIT_REJECT' }
  | { type: 'CONFIRM' }
  | { type: 'CONFIRM_UNKNOWN' }
  | { type: 'EXPIRE' }
  | { type: 'EJECT_OK' }
  | { type: 'EJECT_FAIL' }
  | { type: 'LINK_DOWN' }
  | { type: 'LINK_UP' };

const EVENTS: ModelEvent[] = ['UNIT_GOOD', 'UNIT_REJECT', 'CONFIRM', 'CONFIRM_UNKNOWN', 'EXPIRE', 'EJECT_OK', 'EJECT_FAIL', 'LINK_DOWN', 'LINK_UP'].map(
  (type) => ({ type }) as ModelEvent,
);

type SafeState = 'stop' | 'reject_all';

function modelFor(safeState: SafeState) {
  const common = {
    UNIT_REJECT: { actions: 'open' },
    CONFIRM: { guard: 'hasWindows', actions: 'close' },
    CONFIRM_UNKNOWN: { actions: 'seen' },
    EXPIRE: { guard: 'hasWindows', actions: 'expire' },
    EJECT_OK: { actions: 'seen' },
    EJECT_FAIL: { actions: 'seen' },
  } as const;
  return setup({
    types: { context: {} as { windows: number; seen: number }, events: {} as ModelEvent },
    actions: {
      open: assign({ windows: ({ context }) => context.windows + 1 }),
      close: assign({ windows: ({ context }) => context.windows - 1 }),
      expire: assign({ windows: 0 }),
      // xstate/graph leaves out a transition that changes nothing at all, so the ones that change
      // no modelled state still count the step.
      seen: assign({ seen: ({ context }) => context.seen + 1 }),
    },
    guards: { hasWindows: ({ context }) => context.windows > 0 },
  }).createMachine({
    id: 'rejectLoopModel',
    context: { windows: 0, seen: 0 },
    initial: 'connected',
    states: {
      connected: { on: { ...common, UNIT_GOOD: { actions: 'seen' }, LINK_DOWN: 'disconnected' } },
      // reject_all: a good unit is a reject too while the PLC is down.
      disconnected: { on: { ...common, UNIT_GOOD: { actions: safeState === 'reject_all' ? 'open' : 'seen' }, LINK_UP: 'connected' } },
    },
  });
}

const serializeState = (s: { value: unknown; context: { windows: number } }) => `${JSON.stringify(s.value)}${s.context.windows > 0 ? '+windows' : ''}`;
const WINDOW_MS = 1000;
/** One coverage figure over every safe state and stop setting below. */
const coverage = trackCoverage(rejectLoopMachine);

for (const { safeState, stopLine } of [
  { safeState: 'reject_all' as const, stopLine: true },
  { safeState: 'stop' as const, stopLine: false },
]) {
  const testModel = createTestModel(modelFor(safeState), { serializeState, events: EVENTS });
  /** Whether the model state really handles the event (the adjacency map also lists guarded-out events as self-loops). */
  const handles = (state: unknown, event: { type: string }) => (state as { can(e: unknown): boolean }).can(event);

  describe(`reject loop machine (model-based, safe state ${safeState}, stopLineOnMissedReject ${stopLine})`, () => {
    // getPathsFromEvents does not inherit the model's serializeState (without it the count of open
    // windows would tell states apart without bound), so the path builder gets a model that passes it.
    const pathModel = Object.assign(Object.create(testModel) as typeof testModel, {
      getPathsFromEvents: (events: ModelEvent[]) => testModel.getPathsFromEvents(events, { serializeState }),
    });
    const paths = coveringPaths(pathModel, serializeState).filter((path) => path.steps.every((step, i) => i === 0 || handles(path.steps[i - 1]!.state, step.event)));

    it('has paths through every state and every transition of the model', () => {
      const reached = new Set(paths.map((p) => serializeState(p.state)));
      expect([...reached].sort()).to.deep.equal(['"connected"', '"connected"+windows', '"disconnected"', '"disconnected"+windows']);
      const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? '"connected"' : serializeState(p.steps[i - 1]!.state)}|${step.event.type}`)));
      const adjacency = testModel.getAdjacencyMap() as unknown as Record<string, { state: unknown; transitions: Record<string, { event: { type: string } }> }>;
      const real = modelTransitions(testModel).filter((edge) => {
        const [state, type] = edge.split('|') as [string, string];
        return handles(adjacency[state]!.state, { type });
      });
      expect(real.filter((edge) => !covered.has(edge))).to.deep.equal([]);
      // Without windows: the units, CONFIRM_UNKNOWN, EJECT_OK, EJECT_FAIL and the link; with windows also CONFIRM and EXPIRE.
      expect(real).to.have.length(6 + 8 + 6 + 8);
    });

    for (const path of paths) {
      it(path.description, async () => {
        const rig = startRejectLoopRig({ stopLineOnMissedReject: stopLine, feedbackWindowMs: WINDOW_MS }, { inspect: coverage.inspect });
        // What the loop must have done so far.
        let now = 1000;
        let unitNo = 0;
        let ejects = 0;
        let alarms = 0;
        let pauses = 0;
        let failing = false;
        let linkUp = true;
        const open: Array<{ code: string; deadline: number }> = [];
        const expectations = {
          counters: { units: 0, good: 0, ejects: 0, ejected: 0, ejectFailures: 0, rejectedBySafeState: 0, confirmed: 0, missed: 0, unexpected: 0 },
        };
        const c = expectations.counters;
        const unit = (outcome: string) => {
          now += 10;
          const code = `u${++unitNo}`;
          rig.unit(code, outcome, now);
          c.units++;
          const rejected = outcome !== 'accepted' || (!linkUp && safeState === 'reject_all');
          if (!rejected) c.good++;
          else {
            ejects++;
            c.ejects++;
            if (outcome === 'accepted') c.rejectedBySafeState++;
            open.push({ code, deadline: now + WINDOW_MS });
          }
          expect(rig.ejects).to.have.length(ejects);
          if (rejected) expect(rig.ejects.at(-1)).to.deep.equal({ type: 'EJECT', code, pulseMs: 50 });
        };
        const checkCommon = () => {
          expect(rig.snapshot().context.counters).to.deep.equal(c);
          expect(rig.snapshot().context.windows.map((w) => w.code)).to.deep.equal(open.map((w) => w.code));
          expect(rig.alarms()).to.have.length(alarms);
          expect(rig.lineEvents).to.have.length(pauses);
          expect(rig.snapshot().context.failing).to.equal(failing);
          // One timer, armed for the earliest deadline, exactly while windows are open.
          expect(rig.liveTimers().map((t) => t.at)).to.deep.equal(open.length > 0 ? [open[0]!.deadline] : []);
          expect(rig.snapshot().value).to.deep.equal({ link: linkUp ? 'connected' : 'disconnected', windows: open.length > 0 ? 'watching' : 'idle' });
        };
        try {
          await path.test({
            states: {
              '"connected"': checkCommon,
              '"connected"+windows': checkCommon,
              '"disconnected"': checkCommon,
              '"disconnected"+windows': checkCommon,
            },
            events: {
              UNIT_GOOD: () => unit('accepted'),
              UNIT_REJECT: () => unit(unitNo % 2 === 0 ? 'invalid' : 'duplicate'),
              CONFIRM: () => {
                const [first] = open.splice(0, 1);
                rig.loop.send({ type: 'CONFIRMED', code: first!.code, at: now });
                c.confirmed++;
              },
              CONFIRM_UNKNOWN: () => {
                rig.loop.send({ type: 'CONFIRMED', code: 'nobody-waits', at: now });
                c.unexpected++;
              },
              EXPIRE: () => {
                now = open.at(-1)!.deadline;
                rig.liveTimers()[0]!.fire(now);
                alarms += open.length;
                c.missed += open.length;
                const alarmed = rig.alarms().slice(-open.length);
                expect(alarmed.map((a) => [a.code, a.unitCode])).to.deep.equal(open.map((w) => ['REJECT_NOT_CONFIRMED', w.code]));
                if (stopLine) {
                  pauses++;
                  expect(rig.lineEvents.at(-1)).to.deep.equal({ type: 'PAUSE', reason: `reject not confirmed: ${open[0]!.code}` });
                }
                open.length = 0;
              },
              EJECT_OK: () => {
                rig.plcSays({ type: 'EJECT.DONE', code: 'any' });
                c.ejected++;
                failing = false;
              },
              EJECT_FAIL: () => {
                rig.plcSays({ type: 'EJECT.FAILED', code: 'any', error: 'link down', at: now });
                c.ejectFailures++;
                if (!failing) alarms++;
                failing = true;
                if (stopLine) pauses++;
              },
              LINK_DOWN: () => {
                rig.plcSays({ type: 'PLC.LINK', connected: false, rejectAll: safeState === 'reject_all', at: now });
                linkUp = false;
              },
              LINK_UP: () => {
                rig.plcSays({ type: 'PLC.LINK', connected: true, rejectAll: false, at: now });
                linkUp = true;
                failing = false;
              },
            },
          });
          expect(rig.errors).to.deep.equal([]);
        } finally {
          rig.stop();
        }
      });
    }
  });
}

describe('reject loop machine (model-based, all variants)', () => {
  // Every path above starts with the eject PLC connected; a loop may start without it.
  it('starts disconnected when the eject PLC is not connected at start', () => {
    const rig = startRejectLoopRig({ plcConnected: false, feedbackWindowMs: WINDOW_MS }, { inspect: coverage.inspect });
    try {
      expect(rig.snapshot().value).to.deep.include({ link: 'disconnected' });
      expect(rig.errors).to.deep.equal([]);
    } finally {
      rig.stop();
    }
  });

  itCoversTheWholeMachine(coverage);
});
