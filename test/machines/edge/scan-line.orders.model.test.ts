import { expect } from 'chai';
import { createActor, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { type LineSettings, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import { generateCode } from '../../../src/domain/codes/index.js';
import { lockOf } from '../../../src/domain/orders.js';
import { seededRng } from '../../../src/line-sim/frame-source.js';
import { itCoversTheseParts, trackCoverage } from '../../support/machine-coverage.js';
import { createFakeCommitter } from '../../support/scan-fixtures.js';

/**
 * Model-based paths over the scan line's two new inputs (issue 14): which production order is
 * active (none, or one whose product is GTIN A) and whether a reject_all safe state is in force.
 * Each path ends with a code of product A and one of product B, checked against the state it met.
 */
const GTIN_A = '04607001234562';
const GTIN_B = '10614141000415';
type ModelEvent = { type: 'START_A' } | { type: 'STOP' } | { type: 'SAFE_ON' } | { type: 'SAFE_OFF' };

const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'orderLockModel',
  type: 'parallel',
  states: {
    order: {
      initial: 'none',
      states: {
        none: { on: { START_A: 'a' } },
        a: { on: { STOP: 'none' } },
      },
    },
    safe: {
      initial: 'off',
      states: {
        off: { on: { SAFE_ON: 'on' } },
        on: { on: { SAFE_OFF: 'off' } },
      },
    },
  },
});

const serializeState = (state: { value: unknown }) => JSON.stringify(state.value);
const testModel = createTestModel(model, {
  serializeState,
  events: [{ type: 'START_A' }, { type: 'STOP' }, { type: 'SAFE_ON' }, { type: 'SAFE_OFF' }],
});
const SETTINGS: LineSettings = { industry: 'milk', productionLineId: 'line-1', productId: null, party: null, deviceId: 'edge-1' };

describe('scan line machine: GTIN lock and safe state (model-based)', () => {
  const coverage = trackCoverage(scanLineMachine);
  // Transition coverage: the shortest path to every abstract state, extended by each event it accepts.
  type Path = ReturnType<typeof testModel.getShortestPaths>[number];
  const adjacency = testModel.getAdjacencyMap();
  const isModelEvent = (e: { type: string }): e is ModelEvent => e.type !== 'xstate.init';
  const key = (state: { value: unknown }) => JSON.stringify(state.value);
  const paths = testModel
    .getShortestPaths({ allowDuplicatePaths: true })
    .flatMap((toState): Path[] => {
      const prefix = toState.steps.map((step) => step.event as { type: string }).filter(isModelEvent);
      const edges = Object.values(adjacency[serializeState(toState.state) as keyof typeof adjacency]!.transitions);
      return [toState, ...edges.flatMap(({ event }) => testModel.getPathsFromEvents([...prefix, event as ModelEvent], { serializeState }))];
    })
    .filter((path, i, all) => all.findIndex((other) => other.description === path.description) === i);

  it('reaches every combination of order and safe state', () => {
    const reached = new Set(paths.map((p) => key(p.state)));
    expect(reached.size, [...reached].join()).to.equal(4);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const committer = createFakeCommitter();
      const actor = createActor(scanLineMachine.provide({ actors: { committer: committer.logic } }), { input: { settings: SETTINGS }, inspect: coverage.inspect });
      actor.start();
      let seed = 500;
      let orderActive = false;
      let safe = false;
      const scan = (gtin: string) => {
        actor.send({ type: 'SCAN', code: generateCode('milk', { gtin, rng: seededRng(seed++) }), source: 'cam-1' });
        const item = committer.jobs.at(-1)!.items[0]!;
        const locked = orderActive && gtin !== GTIN_A;
        expect(item.outcome).to.equal(locked ? 'refused' : 'candidate');
        if (locked) expect(item.reasonCode).to.equal('WRONG_PRODUCT');
        else {
          expect(item.bottle!.orderId ?? null).to.equal(orderActive ? 'ord-a' : null);
          expect(item.bottle!.rejectedBySafeState ?? false).to.equal(safe);
        }
        committer.doneAll();
      };
      try {
        await path.test({
          states: {
            'order.none': () => void expect(actor.getSnapshot().context.order).to.equal(null),
            'order.a': () => void expect(actor.getSnapshot().context.order?.orderId).to.equal('ord-a'),
            'safe.on': () => void expect(actor.getSnapshot().context.rejectAll).to.equal(true),
            'safe.off': () => void expect(actor.getSnapshot().context.rejectAll).to.equal(false),
          },
          events: {
            START_A: () => {
              actor.send({ type: 'ORDER.SET', order: lockOf({ id: 'ord-a', gtins: [GTIN_A] }) });
              orderActive = true;
            },
            STOP: () => {
              actor.send({ type: 'ORDER.SET', order: null });
              orderActive = false;
            },
            SAFE_ON: () => {
              actor.send({ type: 'SAFE_STATE', rejectAll: true });
              safe = true;
            },
            SAFE_OFF: () => {
              actor.send({ type: 'SAFE_STATE', rejectAll: false });
              safe = false;
            },
          },
        });
        // At the end of every path, a code of each product meets the state the path left.
        scan(GTIN_A);
        scan(GTIN_B);
      } finally {
        actor.stop();
      }
    });
  }

  itCoversTheseParts(coverage, ['(root) | ORDER.SET', '(root) | SAFE_STATE']);
});
