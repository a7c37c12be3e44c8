import { expect } from 'chai';
import { setup, SimulatedClock } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { startPlcRig } from '../../support/plc-fixtures.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { plcMachine } from '../../../machines/edge/plc.machine.js';

/**
 * Model-based paths over a PLC's connection lifecycle, replayed against the real machine with a
 * fake link and a simulated clock. The model tracks whether an outage is under way (so the
 * once-per-outage alarm and the line PAUSE are checked on every path); each state check probes
 * what a write, a read and a browse do there (forwarded only while connected, refused at once otherwise).
 */
type ModelEvent =
  | { type: 'CONNECTED' }
  | { type: 'FAILED' }
  | { type: 'LOST' }
  | { type: 'BACKOFF_ELAPSES' }
  | { type: 'TEST' }
  | { type: 'STOP' }
  | { type: 'START' };

const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'plcModel',
  initial: 'online',
  states: {
    disconnected: { on: { START: 'online', TEST: 'online' } },
    online: {
      initial: 'connecting',
      on: { FAILED: 'backoff', STOP: 'disconnected', TEST: { target: 'online', reenter: true } },
      states: {
        connecting: { on: { CONNECTED: 'connected' } },
        connected: { on: { LOST: '#plcModel.backoff' } },
      },
    },
    backoff: { on: { BACKOFF_ELAPSES: 'online', TEST: 'online', STOP: 'disconnected' } },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const testModel = createTestModel(model, {
  serializeState,
  events: [{ type: 'CONNECTED' }, { type: 'FAILED' }, { type: 'LOST' }, { type: 'BACKOFF_ELAPSES' }, { type: 'TEST' }, { type: 'STOP' }, { type: 'START' }],
});

const MAX_MS = 80;

describe('plc machine (model-based)', () => {
  const coverage = trackCoverage(plcMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('covers every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state as { value: unknown })));
    expect([...reached].sort()).to.deep.equal(['"backoff"', '"disconnected"', '{"online":"connected"}', '{"online":"connecting"}']);
    const covered = new Set(
      paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? '{"online":"connecting"}' : serializeState(p.steps[i - 1]!.state as { value: unknown })}|${(step.event as { type: string }).type}`)),
    );
    expect(modelTransitions(testModel).filter((edge) => !covered.has(edge))).to.deep.equal([]);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const clock = new SimulatedClock();
      const rig = startPlcRig({ backoff: { baseMs: 20, maxMs: MAX_MS } }, { clock });
      coverage.observe(rig.root);
      const { link } = rig;
      const live = () => link.links.filter((l) => !l.stopped);
      /** Outage bookkeeping of the test itself: connected clears it, the first failure after that starts one. */
      let outage = false;
      let expectedAlarms = 0;
      const enterBackoff = () => {
        if (!outage) expectedAlarms++;
        outage = true;
      };
      const fromLink = (event: Parameters<(typeof link.links)[number]['emit']>[0]) => {
        const before = link.links.length;
        link.latest().emit(event);
        expect(link.links).to.have.length(before);
      };
      const recreates = (step: () => void) => {
        const before = link.links.length;
        step();
        expect(link.links).to.have.length(before + 1);
        expect(live()).to.deep.equal([link.latest()]);
      };
      /** Every request kind (write, read, browse) goes to the link only while connected, and is refused at once otherwise. */
      const probeWrite = (forwarded: boolean) => {
        const requests = [{ type: 'WRITE', address: 'coil:1', value: true }, { type: 'READ', address: 'coil:1' }, { type: 'BROWSE' }] as const;
        for (const request of requests) {
          const before = link.latest().commands.length;
          const reply = rig.request(request);
          if (forwarded) {
            expect(link.latest().commands).to.have.length(before + 1);
            link.latest().answer({ ok: true });
            expect(reply(), request.type).to.deep.include({ ok: true });
          } else {
            expect(reply(), request.type).to.deep.include({ ok: false, code: 'NOT_CONNECTED' });
          }
        }
      };
      const checkOutage = () => {
        const alarms = rig.emitted.filter((e) => e.type === 'plc.disconnected');
        expect(alarms, 'plc.disconnected once per outage').to.have.length(expectedAlarms);
        expect(rig.lineEvents.filter((e) => e.type === 'PAUSE'), 'the line is paused once per outage').to.have.length(expectedAlarms);
        expect(rig.snapshot().context.outage).to.equal(outage);
      };
      try {
        await path.test({
          states: {
            'online.connecting': () => {
              expect(rig.snapshot().value).to.deep.equal({ online: 'connecting' });
              expect(live()).to.deep.equal([link.latest()]);
              probeWrite(false);
              checkOutage();
            },
            'online.connected': () => {
              expect(rig.snapshot().value).to.deep.equal({ online: 'connected' });
              expect(live()).to.deep.equal([link.latest()]);
              expect(rig.emitted.at(-1)).to.deep.include({ type: 'plc.state', state: 'connected' });
              probeWrite(true);
              checkOutage();
            },
            backoff: () => {
              expect(rig.snapshot().value).to.equal('backoff');
              expect(live()).to.deep.equal([]);
              probeWrite(false);
              checkOutage();
            },
            disconnected: () => {
              expect(rig.snapshot().value).to.equal('disconnected');
              expect(live()).to.deep.equal([]);
              probeWrite(false);
              const before = link.links.length;
              clock.increment(MAX_MS * 10);
              expect(link.links, 'time does not bring a stopped PLC back').to.have.length(before);
              checkOutage();
            },
          },
          events: {
            CONNECTED: () => {
              fromLink({ type: 'plc.connected' });
              outage = false;
            },
            FAILED: () => {
              fromLink({ type: 'plc.failed', reason: 'ECONNREFUSED' });
              enterBackoff();
            },
            LOST: () => {
              fromLink({ type: 'plc.lost', reason: 'connection closed by the peer' });
              enterBackoff();
            },
            BACKOFF_ELAPSES: () => {
              recreates(() => clock.increment(MAX_MS));
            },
            TEST: () => {
              recreates(() => rig.plc.send({ type: 'TEST' }));
            },
            STOP: () => {
              rig.plc.send({ type: 'STOP' });
            },
            START: () => {
              recreates(() => rig.plc.send({ type: 'START' }));
            },
          },
        });
        expect(rig.errors).to.deep.equal([]);
        expect(rig.snapshot().status).to.equal('active');
      } finally {
        rig.stop();
      }
    });
  }

  itCoversTheWholeMachine(coverage);
});
