import { expect } from 'chai';
import { assign, not, setup, SimulatedClock } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { printerMachine, printerState, type PrintResult, type StatusReply } from '../../../machines/edge/printer.machine.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
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
  | { type: 'STATUS_PAUSED' }
  | { type: 'STATUS_CLEAR' }
  | { type: 'QUERY_STATUS' }
  | { type: 'GARBAGE' }
  | { type: 'BACKOFF_ELAPSES' }
  | { type: 'TEST' }
  | { type: 'STOP' }
  | { type: 'START' };

/** `queued`: a second print waits behind the one printing. */
const online = { FAILED: { target: 'backoff', actions: 'dropQueue' }, STOP: { target: 'disconnected', actions: 'dropQueue' }, TEST: { target: 'connecting', actions: 'dropQueue' } } as const;
// A transition with no target still needs an action, or xstate/graph does not offer the event.
const queryable = { QUERY_STATUS: { actions: 'stay' } } as const;
const linked = { ...online, ...queryable, GARBAGE: { actions: 'stay' } } as const;
const model = setup({
  types: { events: {} as ModelEvent, context: {} as { queued: boolean } },
  actions: { queue: assign({ queued: true }), dropQueue: assign({ queued: false }), stay: () => {} },
  guards: { queued: ({ context }) => context.queued },
}).createMachine({
  id: 'printerModel',
  context: { queued: false },
  initial: 'connecting',
  states: {
    disconnected: { on: { START: 'connecting', TEST: 'connecting', ...queryable } },
    connecting: { on: { CONNECTED: 'ready', ...linked } },
    ready: { on: { PRINT: 'printing', STATUS_FAULT: 'error', STATUS_PAUSED: 'error', ...linked } },
    printing: {
      on: {
        PRINT: { guard: not('queued'), actions: 'queue' },
        PRINTED: [{ guard: 'queued', target: 'printing', reenter: true, actions: 'dropQueue' }, { target: 'ready' }],
        PRINT_FAULT: { target: 'error', actions: 'dropQueue' },
        ...linked,
      },
    },
    error: { on: { STATUS_CLEAR: 'ready', PRINT: 'error', ...linked } },
    backoff: { on: { BACKOFF_ELAPSES: 'connecting', TEST: 'connecting', STOP: 'disconnected', ...queryable } },
  },
});

const serializeState = (s: { value: unknown; context: { queued: boolean } }) => JSON.stringify(s.value) + (s.context.queued ? '+queued' : '');
const EVENTS: ModelEvent[] = [
  'CONNECTED', 'FAILED', 'PRINT', 'PRINTED', 'PRINT_FAULT', 'STATUS_FAULT', 'STATUS_PAUSED', 'STATUS_CLEAR', 'QUERY_STATUS', 'GARBAGE', 'BACKOFF_ELAPSES', 'TEST', 'STOP', 'START',
].map((type) => ({ type }) as ModelEvent);
const testModel = createTestModel(model, { serializeState, events: EVENTS });
const MAX_MS = 80;

describe('printer machine (model-based)', () => {
  const paths = coveringPaths(testModel, serializeState);
  const coverage = trackCoverage(printerMachine);

  it('covers every state and transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state as never)));
    expect([...reached].sort()).to.deep.equal(['"backoff"', '"connecting"', '"disconnected"', '"error"', '"printing"', '"printing"+queued', '"ready"']);
    const walked = new Set(paths.flatMap((p) => p.steps.map((s, i) => `${i === 0 ? '' : serializeState(p.steps[i - 1]!.state as never)}|${(s.event as { type: string }).type}`)));
    for (const transition of modelTransitions(testModel)) expect(walked.has(transition) || transition.startsWith('"connecting"|'), transition).to.equal(true);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const clock = new SimulatedClock();
      const rig = startPrinterRig({ backoff: { baseMs: 20, maxMs: MAX_MS } }, { clock });
      coverage.observe(rig.actor);
      const live = () => rig.driver.drivers.filter((d) => !d.stopped);
      const flush = () => new Promise((resolve) => setImmediate(resolve));
      /** The prints asked for and not yet answered, oldest first, each with its answer once it came. */
      let pending: Array<{ result: PrintResult | null }> = [];
      const startPrint = () => {
        const slot = { result: null as PrintResult | null };
        void rig.print('CODE').then((r) => (slot.result = r));
        return slot;
      };
      const currentJobId = () => rig.snapshot().context.current!.job.jobId;
      /** The oldest `count` pending prints were answered (ok when `reason` is true). */
      const expectFinished = async (reason: string | true, count = pending.length) => {
        await flush();
        for (const slot of pending.slice(0, count)) {
          expect(slot.result, 'the print was answered').to.not.equal(null);
          if (reason === true) expect(slot.result!.ok).to.equal(true);
          else expect(slot.result).to.deep.include({ ok: false, reason });
        }
        for (const slot of pending.slice(count)) expect(slot.result, 'a queued print waits').to.equal(null);
        pending = pending.slice(count);
      };
      const faultNow = () => rig.snapshot().context.fault;
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
              for (const slot of pending) expect(slot.result, 'not answered before confirmation').to.equal(null);
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
              await expectFinished('offline');
            },
            PRINT: async () => {
              if (printerState(rig.snapshot()) === 'error') return probeRefusal('fault');
              const wasPrinting = printerState(rig.snapshot()) === 'printing';
              const jobsSent = rig.driver.latest().commands.filter((c) => c.type === 'driver.print').length;
              pending.push(startPrint());
              await flush();
              // Behind a print in progress it only queues: the driver gets it after the confirmation.
              expect(rig.driver.latest().commands.filter((c) => c.type === 'driver.print')).to.have.length(jobsSent + (wasPrinting ? 0 : 1));
            },
            PRINTED: async () => {
              rig.driver.latest().emit({ type: 'driver.printed', jobId: currentJobId() });
              await expectFinished(true, 1);
            },
            PRINT_FAULT: async () => {
              // The failed print answers with the fault; one queued behind it is refused by `error`.
              rig.driver.latest().emit({ type: 'driver.printFailed', jobId: currentJobId(), reason: 'head open', fault: 'jam' });
              await expectFinished('fault');
              expect(rig.snapshot().matches({ link: { connected: { error: 'jam' } } })).to.equal(true);
            },
            STATUS_FAULT: () => {
              rig.driver.latest().emit({ type: 'driver.status', status: { fault: 'ink_out', detail: 'ribbon out' } });
              expect(rig.snapshot().matches({ link: { connected: { error: 'ink_out' } } })).to.equal(true);
            },
            STATUS_PAUSED: () => {
              rig.driver.latest().emit({ type: 'driver.status', status: { fault: 'paused', detail: 'paused at the panel' } });
              expect(rig.snapshot().matches({ link: { connected: { error: 'paused' } } })).to.equal(true);
            },
            STATUS_CLEAR: () => rig.driver.latest().emit({ type: 'driver.status', status: { fault: null, detail: null } }),
            QUERY_STATUS: async () => {
              const state = printerState(rig.snapshot());
              const answer = rig.queryStatus();
              if (state === 'ready' || state === 'printing' || state === 'error') {
                // Connected: the driver is asked, and its report (the same fault, or none) is the answer.
                expect(rig.driver.latest().commands.at(-1)).to.deep.equal({ type: 'driver.queryStatus' });
                const fault = faultNow();
                rig.driver.latest().emit({ type: 'driver.status', status: { fault: fault?.kind ?? null, detail: fault?.detail ?? null } });
              }
              const reply: StatusReply = await answer;
              expect(reply.state).to.equal(state);
              expect(printerState(rig.snapshot())).to.equal(state);
            },
            GARBAGE: () => {
              const before = rig.snapshot();
              rig.driver.latest().emit({ type: 'driver.garbage', bytes: 7, reason: 'no frame' });
              expect(rig.snapshot().context.garbage).to.equal(before.context.garbage + 1);
              expect(rig.snapshot().value).to.deep.equal(before.value);
              expect(rig.emitted.at(-1)).to.deep.equal({ type: 'printer.garbage', printerId: 'p1', bytes: 7, reason: 'no frame' });
            },
            BACKOFF_ELAPSES: () => {
              const before = rig.driver.drivers.length;
              clock.increment(MAX_MS);
              expect(rig.driver.drivers).to.have.length(before + 1);
            },
            TEST: async () => {
              const before = rig.driver.drivers.length;
              rig.actor.send({ type: 'TEST' });
              expect(rig.driver.drivers).to.have.length(before + 1);
              await expectFinished('offline');
            },
            STOP: async () => {
              rig.actor.send({ type: 'STOP' });
              await expectFinished('offline');
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

  itCoversTheWholeMachine(coverage);
});
