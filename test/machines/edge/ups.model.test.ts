import { expect } from 'chai';
import { setup, SimulatedClock } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { upsConnectionState, upsMachine } from '../../../machines/edge/ups.machine.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { reading, startUpsRig } from './ups-rig.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';

/**
 * Model-based paths over the UPS connection lifecycle, replayed against the real machine with a
 * fake connection actor and a simulated clock. Event steps check whether a new connection was
 * made; state checks check the live connections, what the bus heard, and whether a reading
 * reaches the policy.
 */
type ModelEvent =
  | { type: 'CONNECTED' }
  | { type: 'FAILED' }
  | { type: 'BACKOFF_ELAPSES' }
  | { type: 'TEST' }
  | { type: 'STOP' }
  | { type: 'START' };

const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'upsModel',
  initial: 'active',
  states: {
    disconnected: { on: { START: 'active', TEST: 'active' } },
    active: {
      initial: 'connecting',
      on: { FAILED: 'backoff', STOP: 'disconnected', TEST: { target: 'active', reenter: true } },
      states: {
        connecting: { on: { CONNECTED: 'connected' } },
        connected: {},
      },
    },
    backoff: { on: { BACKOFF_ELAPSES: 'active', TEST: 'active', STOP: 'disconnected' } },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const EVENTS: ModelEvent[] = ['CONNECTED', 'FAILED', 'BACKOFF_ELAPSES', 'TEST', 'STOP', 'START'].map((type) => ({ type }) as ModelEvent);
const testModel = createTestModel(model, { serializeState, events: EVENTS });
const MAX_MS = 80;

describe('UPS machine (model-based)', () => {
  const coverage = trackCoverage(upsMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('reaches every state and covers every transition', () => {
    expect(new Set(paths.map((p) => serializeState(p.state)))).to.have.keys('"backoff"', '"disconnected"', '{"active":"connected"}', '{"active":"connecting"}');
    expect(modelTransitions(testModel).length).to.be.greaterThan(8);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const clock = new SimulatedClock();
      const rig = startUpsRig({ clock, backoff: { baseMs: 20, maxMs: MAX_MS } });
      coverage.observe(rig.ups);
      let at = 0;
      const lastStatus = () => rig.emitted.at(-1);
      /** A connection event that must not create a new connection. */
      const fromConnection = (event: Parameters<ReturnType<typeof rig.latest>['emit']>[0]) => {
        const before = rig.connections.length;
        rig.latest().emit(event);
        expect(rig.connections).to.have.length(before);
      };
      /** A step that must tear down any live connection and start exactly one new one. */
      const recreates = (step: () => void) => {
        const before = rig.connections.length;
        step();
        expect(rig.connections).to.have.length(before + 1);
        expect(rig.live()).to.deep.equal([rig.latest()]);
      };
      /** A reading reaches the policy only while connected; a changed one is announced. */
      const probeReading = (forwarded: boolean) => {
        const before = rig.policyEvents.length;
        const statusBefore = rig.emitted.length;
        const sample = reading(at % 2 ? 'OB DISCHRG' : 'OL', 50 + (at % 7), ++at);
        rig.latest().emit({ type: 'ups.reading', reading: sample });
        expect(rig.policyEvents).to.have.length(before + (forwarded ? 1 : 0));
        if (forwarded) {
          expect(rig.policyEvents.at(-1)).to.deep.equal({ type: 'UPS.READING', reading: sample });
          expect(rig.emitted).to.have.length(statusBefore + 1);
          expect(lastStatus()).to.deep.include({ type: 'ups.status', connection: 'connected', reading: sample });
          // The same reading again is handed on but not announced again.
          rig.latest().emit({ type: 'ups.reading', reading: { ...sample, at: sample.at + 1 } });
          expect(rig.policyEvents).to.have.length(before + 2);
          expect(rig.emitted).to.have.length(statusBefore + 1);
        }
      };
      try {
        await path.test({
          states: {
            'active.connecting': () => {
              expect(upsConnectionState(rig.snapshot().value)).to.equal('connecting');
              expect(rig.live()).to.deep.equal([rig.latest()]);
              expect(rig.latest().input).to.deep.equal({ kind: 'fake' });
              probeReading(false);
            },
            'active.connected': () => {
              expect(upsConnectionState(rig.snapshot().value)).to.equal('connected');
              expect(rig.live()).to.deep.equal([rig.latest()]);
              expect(rig.snapshot().context).to.deep.include({ peer: 'peer', attempt: 0, lastError: null });
              probeReading(true);
            },
            backoff: () => {
              expect(rig.snapshot().value).to.equal('backoff');
              expect(rig.live()).to.deep.equal([]);
              expect(lastStatus()).to.deep.include({ connection: 'backoff', reason: 'ECONNRESET' });
            },
            disconnected: () => {
              expect(rig.snapshot().value).to.equal('disconnected');
              expect(rig.live()).to.deep.equal([]);
              expect(lastStatus()).to.deep.include({ connection: 'disconnected' });
              const before = rig.connections.length;
              clock.increment(MAX_MS * 10);
              expect(rig.connections, 'time does not bring a stopped UPS back').to.have.length(before);
            },
          },
          events: {
            CONNECTED: () => fromConnection({ type: 'ups.connected', peer: 'peer' }),
            FAILED: () => fromConnection({ type: 'ups.failed', reason: 'ECONNRESET' }),
            BACKOFF_ELAPSES: () => recreates(() => clock.increment(MAX_MS)),
            TEST: () => recreates(() => rig.ups.send({ type: 'TEST' })),
            STOP: () => {
              rig.ups.send({ type: 'STOP' });
            },
            START: () => recreates(() => rig.ups.send({ type: 'START' })),
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
