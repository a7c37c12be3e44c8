import { expect } from 'chai';
import { setup, SimulatedClock } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { printerState, type PrintResult } from '../../../machines/edge/printer.machine.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { startPrinterRig } from '../../support/printer-fixtures.js';

/**
 * Model-based paths over a printer's lifecycle (connection, printing, faults), replayed against
 * the real machine with a fake driver and a simulated clock. State checks look at the coarse
 * state, the live drivers, and what a print would get there; event steps check what each event
 * did to the print in progress.
 */
type ModelEvent =
  | { type: 'CONNECTED' }
  | { type: 'FAILED' }
  | { type: 'PRINT' }
  | { type: 'PRINTED' }
  | { type: 'PRINT_FAULT' }
  | { type: 'STATUS_FAULT' }
  | { type: 'STATUS_CLEAR' }
  | { type: 'BACKOFF_ELAPSES' }
  | { type: 'TEST' }
  | { type: 'STOP' }
  | { type: 'START' };

const online = { FAILED: 'backoff', STOP: 'disconnected', TEST: 'connecting' } as const;
const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'printerModel',
  initial: 'connecting',
  states: {
    disconnected: { on: { START: 'connecting', TEST: 'connecting' } },
    connecting: { on: { CONNECTED: 'ready', ...online } },
    ready: { on: { PRINT: 'printing', STATUS_FAULT: 'error', ...online } },
    printing: { on: { PRINTED: 'ready', PRINT_FAULT: 'error', ...online } },
    error: { on: { STATUS_CLEAR: 'ready', PRINT: 'error', ...online } },
    backoff: { on: { BACKOFF_ELAPSES: 'connecting', TEST: 'connecting', STOP: 'disconnected' } },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const EVENTS: ModelEvent[] = ['CONNECTED', 'FAILED', 'PRINT', 'PRINTED', 'PRINT_FAULT', 'STATUS_FAULT', 'STATUS_CLEAR', 'BACKOFF_ELAPSES', 'TEST', 'STOP', 'START'].map(
  (type) => ({ type }) as ModelEvent,
);
const testModel = createTestModel(model, { serializeState, events: EVENTS });
const MAX_MS = 80;

describe('printer machine (model-based)', () => {
  const paths = coveringPaths(testModel, serializeState);

  it('covers every state and transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state as { value: unknown })));
    expect([...reached].sort()).to.deep.equal(['"backoff"', '"connecting"', '"disconnected"', '"error"', '"printing"', '"ready"']);
    const walked = new Set(paths.flatMap((p) => p.steps.map((s, i) => `${i === 0 ? '' : serializeState(p.steps[i - 1]!.state as { value: unknown })}|${(s.event as { type: string }).type}`)));
    for (const transition of modelTransitions(testModel)) expect(walked.has(transition) || transition.startsWith('"connecting"|'), transition).to.equal(true);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const clock = new SimulatedClock();
      const rig = startPrinterRig({ backoff: { baseMs: 20, maxMs: MAX_MS } }, { clock });
      const live = () => rig.driver.drivers.filter((d) => !d.stopped);
      const flush = () => new Promise((resolve) => setImmediate(resolve));
      /** The print in progress and its answer once it came. */
      let inFlight: { result: PrintResult | null } | null = null;
      const startPrint = () => {
        const slot = { result: null as PrintResult | null };
        void rig.print('CODE').then((r) => (slot.result = r));
        return slot;
      };
      const currentJobId = () => rig.snapshot().context.current!.job.jobId;
      const expectFinished = async (reason: string | true) => {
        await flush();
        expect(inFlight?.result, 'the print in progress was answered').to.not.equal(null);
        if (reason === true) expect(inFlight!.result!.ok).to.equal(true);
        else expect(inFlight!.result).to.deep.include({ ok: false, reason });
        inFlight = null;
      };
      /** A print asked for here is refused at once, with `reason`. */
      const probeRefusal = async (reason: string) => {
        const probe = startPrint();
        await flush();
        expect(probe.result).to.deep.include({ ok: false, reason });
      };
      try {
        await path.test({
          states: {
            disconnected: async () => {
              expect(printerState(rig.snapshot())).to.equal('disconnected');
              expect(live()).to.deep.equal([]);
              await probeRefusal('offline');
              clock.increment(MAX_MS * 10);
              expect(live(), 'a stopped printer stays stopped').to.deep.equal([]);
            },
            connecting: async () => {
              expect(printerState(rig.snapshot())).to.equal('connecting');
              expect(live()).to.deep.equal([rig.driver.latest()]);
              await probeRefusal('offline');
            },
            ready: () => {
              expect(printerState(rig.snapshot())).to.equal('ready');
              expect(live()).to.have.length(1);
              expect(rig.snapshot().context.current).to.equal(null);
            },
            printing: async () => {
              expect(printerState(rig.snapshot())).to.equal('printing');
              await flush();
              expect(inFlight?.result, 'not answered before confirmation').to.equal(null);
            },
            error: async () => {
              expect(printerState(rig.snapshot())).to.equal('error');
              expect(rig.snapshot().context.fault).to.not.equal(null);
              await probeRefusal('fault');
            },
            backoff: async () => {
              expect(printerState(rig.snapshot())).to.equal('backoff');
              expect(live()).to.deep.equal([]);
              await probeRefusal('offline');
            },
          },
          events: {
            CONNECTED: () => rig.driver.latest().emit({ type: 'driver.connected', peer: 'peer' }),
            FAILED: async () => {
              rig.driver.latest().emit({ type: 'driver.failed', reason: 'ECONNRESET' });
              if (inFlight) await expectFinished('offline');
            },
            PRINT: async () => {
              if (printerState(rig.snapshot()) === 'error') return probeRefusal('fault');
              inFlight = startPrint();
              await flush();
            },
            PRINTED: async () => {
              rig.driver.latest().emit({ type: 'driver.printed', jobId: currentJobId() });
              await expectFinished(true);
            },
            PRINT_FAULT: async () => {
              rig.driver.latest().emit({ type: 'driver.printFailed', jobId: currentJobId(), reason: 'head open', fault: 'jam' });
              await expectFinished('fault');
            },
            STATUS_FAULT: () => rig.driver.latest().emit({ type: 'driver.status', status: { fault: 'ink_out', detail: 'ribbon out' } }),
            STATUS_CLEAR: () => rig.driver.latest().emit({ type: 'driver.status', status: { fault: null, detail: null } }),
            BACKOFF_ELAPSES: () => {
              const before = rig.driver.drivers.length;
              clock.increment(MAX_MS);
              expect(rig.driver.drivers).to.have.length(before + 1);
            },
            TEST: async () => {
              const before = rig.driver.drivers.length;
              rig.actor.send({ type: 'TEST' });
              expect(rig.driver.drivers).to.have.length(before + 1);
              if (inFlight) await expectFinished('offline');
            },
            STOP: async () => {
              rig.actor.send({ type: 'STOP' });
              if (inFlight) await expectFinished('offline');
            },
            START: () => rig.actor.send({ type: 'START' }),
          },
        });
        expect(rig.errors).to.deep.equal([]);
      } finally {
        rig.stop();
      }
    });
  }
});
