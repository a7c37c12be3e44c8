import { expect } from 'chai';
import { setup, SimulatedClock } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { startScannerRig } from '../../support/scanner-fixtures.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { scannerMachine } from '../../../machines/edge/scanner.machine.js';
import type { ScanDecidedReply } from '../../../machines/edge/scan-line.machine.js';

/**
 * Model-based paths over a scanner's connection lifecycle, replayed against the real machine with
 * a fake transport and a simulated clock. Each event step checks whether it created a new
 * transport; each state check checks which transports are alive and what a frame does there.
 */
type ModelEvent =
  | { type: 'CONNECTED' }
  | { type: 'PEER_LOST' }
  | { type: 'FAILED' }
  | { type: 'BACKOFF_ELAPSES' }
  | { type: 'TEST' }
  | { type: 'STOP' }
  | { type: 'START' }
  | { type: 'TRIGGER' }
  | { type: 'DECIDED' }
  | { type: 'RESPONSE' }
  | { type: 'LISTENING' }
  | { type: 'REFUSED' }
  | { type: 'LATE' };

// A transition with no target still needs an action, or xstate/graph does not offer the event.
const stay = { actions: 'stay' } as const;
const model = setup({ types: { events: {} as ModelEvent }, actions: { stay: () => {} } }).createMachine({
  id: 'scannerModel',
  initial: 'active',
  // Events from a transport the scanner already tore down: ignored in every state.
  on: { LATE: stay },
  states: {
    disconnected: { on: { START: 'active', TEST: 'active' } },
    active: {
      initial: 'connecting',
      on: { FAILED: 'backoff', STOP: 'disconnected', TEST: { target: 'active', reenter: true }, RESPONSE: stay, LISTENING: stay, REFUSED: stay },
      states: {
        connecting: { on: { CONNECTED: 'connected' } },
        connected: { on: { PEER_LOST: 'connecting', TRIGGER: stay, DECIDED: stay } },
      },
    },
    backoff: { on: { BACKOFF_ELAPSES: 'active', TEST: 'active', STOP: 'disconnected' } },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const testModel = createTestModel(model, {
  serializeState,
  events: (['CONNECTED', 'PEER_LOST', 'FAILED', 'BACKOFF_ELAPSES', 'TEST', 'STOP', 'START', 'TRIGGER', 'DECIDED', 'RESPONSE', 'LISTENING', 'REFUSED', 'LATE'] as const).map((type) => ({ type })),
});

const MAX_MS = 80;

describe('scanner machine (model-based)', () => {
  const coverage = trackCoverage(scannerMachine);
  type Path = ReturnType<typeof testModel.getShortestPaths>[number];
  const adjacency = testModel.getAdjacencyMap();
  const isModelEvent = (e: { type: string }): e is ModelEvent => e.type !== 'xstate.init';
  const paths = testModel
    .getShortestPaths({ allowDuplicatePaths: true })
    .flatMap((toState): Path[] => {
      const prefix = toState.steps.map((step) => step.event as { type: string }).filter(isModelEvent);
      const edges = Object.values(adjacency[serializeState(toState.state) as keyof typeof adjacency]!.transitions);
      return [toState, ...edges.flatMap(({ event }) => testModel.getPathsFromEvents([...prefix, event], { serializeState }))];
    })
    .filter((path, i, all) => all.findIndex((other) => other.description === path.description) === i);

  it('has paths reaching every abstract state', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"backoff"', '"disconnected"', '{"active":"connected"}', '{"active":"connecting"}']);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const clock = new SimulatedClock();
      const rig = startScannerRig({ backoff: { baseMs: 20, maxMs: MAX_MS }, reply: { accept: 'OK', reject: 'NG' }, healthCheck: '||>GET DEVICE.NAME' }, { clock });
      coverage.observe(rig.root);
      const { transport } = rig;
      const live = () => transport.connections.filter((c) => !c.stopped);
      const lastState = () => rig.emitted.filter((e) => e.type === 'scanner.state').at(-1);
      /** A transport event that must not create a new transport. */
      const fromSocket = (event: Parameters<(typeof transport.connections)[number]['emit']>[0]) => {
        const before = transport.connections.length;
        transport.latest().emit(event);
        expect(transport.connections).to.have.length(before);
      };
      /** A step that must tear down any live transport and start exactly one new one. */
      const recreates = (step: () => void) => {
        const before = transport.connections.length;
        step();
        expect(transport.connections).to.have.length(before + 1);
        expect(live()).to.deep.equal([transport.latest()]);
      };
      /** A frame reaches the line only while connected. */
      const probeFrame = (forwarded: boolean) => {
        const before = rig.lineEvents.length;
        transport.latest().emit({ type: 'transport.frame', frame: { kind: 'code', text: `probe-${before}` } });
        expect(rig.lineEvents).to.have.length(before + (forwarded ? 1 : 0));
      };
      try {
        await path.test({
          states: {
            'active.connecting': () => {
              expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
              expect(live()).to.deep.equal([transport.latest()]);
              expect(rig.snapshot().context.peer).to.equal(null);
              probeFrame(false);
            },
            'active.connected': () => {
              expect(rig.snapshot().value).to.deep.equal({ active: 'connected' });
              expect(live()).to.deep.equal([transport.latest()]);
              expect(rig.snapshot().context.peer).to.equal('peer');
              expect(lastState()).to.deep.include({ state: 'connected' });
              probeFrame(true);
              // A no-read goes to the line too (and is reported); garbage only reported, never forwarded.
              const before = { line: rig.lineEvents.length, emitted: rig.emitted.length };
              transport.latest().emit({ type: 'transport.frame', frame: { kind: 'noread', text: 'NoRead' } });
              transport.latest().emit({ type: 'transport.frame', frame: { kind: 'garbage', bytes: 9, reason: 'invalid UTF-8' } });
              expect(rig.lineEvents.slice(before.line)).to.deep.equal([{ type: 'NOREAD', text: 'NoRead', source: 's1', replyTo: rig.scanner }]);
              expect(rig.emitted.slice(before.emitted)).to.deep.equal([
                { type: 'scanner.noread', scannerId: 's1', text: 'NoRead' },
                { type: 'scanner.garbage', scannerId: 's1', bytes: 9, reason: 'invalid UTF-8' },
              ]);
            },
            backoff: () => {
              expect(rig.snapshot().value).to.equal('backoff');
              expect(live()).to.deep.equal([]);
              expect(lastState()).to.deep.include({ state: 'backoff' });
            },
            disconnected: () => {
              expect(rig.snapshot().value).to.equal('disconnected');
              expect(live()).to.deep.equal([]);
              expect(lastState()).to.deep.include({ state: 'disconnected' });
              // Time passing does not bring a stopped scanner back.
              const before = transport.connections.length;
              clock.increment(MAX_MS * 10);
              expect(transport.connections).to.have.length(before);
            },
          },
          events: {
            CONNECTED: () => {
              fromSocket({ type: 'transport.connected', peer: 'peer' });
            },
            PEER_LOST: () => {
              fromSocket({ type: 'transport.peerLost', reason: 'scanner closed the connection' });
            },
            FAILED: () => {
              fromSocket({ type: 'transport.failed', reason: 'ECONNRESET' });
            },
            BACKOFF_ELAPSES: () => {
              recreates(() => clock.increment(MAX_MS));
            },
            TEST: () => {
              recreates(() => rig.scanner.send({ type: 'TEST' }));
            },
            STOP: () => {
              rig.scanner.send({ type: 'STOP' });
            },
            START: () => {
              recreates(() => rig.scanner.send({ type: 'START' }));
            },
            TRIGGER: () => {
              rig.scanner.send({ type: 'TRIGGER' });
              expect(transport.latest().commands.at(-1)).to.deep.equal({ type: 'transport.trigger' });
            },
            DECIDED: () => {
              // The line's answer to a frame goes back to the reader as one line, accept or reject.
              const decided = (valid: boolean) => ({ type: 'scan.decided', requestId: null, decisions: [{ valid }] }) as unknown as ScanDecidedReply;
              rig.scanner.send(decided(true));
              rig.scanner.send(decided(false));
              expect(transport.latest().commands.slice(-2)).to.deep.equal([
                { type: 'transport.write', data: 'OK\r\n' },
                { type: 'transport.write', data: 'NG\r\n' },
              ]);
            },
            RESPONSE: () => {
              fromSocket({ type: 'transport.response', text: `reader-${transport.connections.length}` });
              expect(rig.snapshot().context).to.deep.include({ deviceName: `reader-${transport.connections.length}`, testPending: false });
            },
            LISTENING: () => {
              fromSocket({ type: 'transport.listening', port: 4000 + transport.connections.length });
              expect(rig.snapshot().context.listeningPort).to.equal(4000 + transport.connections.length);
            },
            REFUSED: () => {
              fromSocket({ type: 'transport.refused', peer: '10.0.0.9:5000', reason: 'a reader holds the port' });
              expect(rig.emitted.at(-1)).to.deep.equal({ type: 'scanner.refused', scannerId: 's1', peer: '10.0.0.9:5000', reason: 'a reader holds the port' });
            },
            LATE: () => {
              // Every transport already torn down speaks once more: nothing may change.
              const before = { value: rig.snapshot().value, context: rig.snapshot().context, connections: transport.connections.length, line: rig.lineEvents.length, emitted: rig.emitted.length };
              for (const dead of transport.connections.filter((c) => c.stopped)) {
                dead.emit({ type: 'transport.connected', peer: 'ghost' });
                dead.emit({ type: 'transport.frame', frame: { kind: 'code', text: 'late' } });
                dead.emit({ type: 'transport.response', text: 'ghost' });
                dead.emit({ type: 'transport.failed', reason: 'late close' });
              }
              expect({ value: rig.snapshot().value, context: rig.snapshot().context, connections: transport.connections.length, line: rig.lineEvents.length, emitted: rig.emitted.length }).to.deep.equal(before);
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
