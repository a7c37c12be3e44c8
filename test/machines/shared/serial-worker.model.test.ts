import { expect } from 'chai';
import { assign, createActor, type EventObject, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { serialWorkerMachine, type WorkOutcome, type WorkReply } from '../../../machines/shared/serial-worker.machine.js';
import { DomainError, failureOf } from '../../../src/domain/domain-error.js';
import { controlledPromise, flush } from '../../support/controlled-promise.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { startRecorder } from '../../support/scan-fixtures.js';

/**
 * Model-based paths over the serial worker: requests arrive (WORK), and the one running ends as
 * committed (DONE), refused by the domain (REFUSED) or crashed (CRASH: the database went away).
 * The model knows only whether one runs and how many wait behind it (at most two here: more
 * repeats what two show). The handlers keep the order requests must run in, the replies and the
 * emitted events so far, and every state checks the worker against them: one at a time, in
 * arrival order, every requester answered once, events only for what was committed.
 */
type ModelEvent = { type: 'WORK' } | { type: 'DONE' } | { type: 'REFUSED' } | { type: 'CRASH' };

const MAX_WAITING = 2;
const finish = [{ guard: 'waits', target: 'working', reenter: true, actions: 'next' }, { target: 'idle' }] as const;
const model = setup({
  types: { context: {} as { waiting: number }, events: {} as ModelEvent },
  actions: { queue: assign({ waiting: ({ context }) => context.waiting + 1 }), next: assign({ waiting: ({ context }) => context.waiting - 1 }) },
  guards: { waits: ({ context }) => context.waiting > 0, room: ({ context }) => context.waiting < MAX_WAITING },
}).createMachine({
  id: 'serialWorkerModel',
  context: { waiting: 0 },
  initial: 'idle',
  states: {
    idle: { on: { WORK: 'working' } },
    working: { on: { WORK: { guard: 'room', actions: 'queue' }, DONE: [...finish], REFUSED: [...finish], CRASH: [...finish] } },
  },
});

const serializeState = (s: { value: unknown; context: { waiting: number } }) => `${JSON.stringify(s.value)}+${s.context.waiting}`;
const testModel = createTestModel(model, { serializeState, events: [{ type: 'WORK' }, { type: 'DONE' }, { type: 'REFUSED' }, { type: 'CRASH' }] });

describe('serial worker machine (model-based)', () => {
  const coverage = trackCoverage(serialWorkerMachine);
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"idle"+0', '"working"+0', '"working"+1', '"working"+2']);
    const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? '"idle"+0' : serializeState(p.steps[i - 1]!.state)}|${step.event.type}`)));
    expect(modelTransitions(testModel).filter((edge) => !covered.has(edge))).to.deep.equal([]);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const execute = controlledPromise<WorkOutcome, string>();
      const actor = createActor(serialWorkerMachine.provide({ actors: { execute: execute.logic } }), { inspect: coverage.inspect });
      const emitted: EventObject[] = [];
      const errors: unknown[] = [];
      actor.on('*', (event) => emitted.push(event));
      actor.subscribe({ error: (error) => errors.push(error) });
      actor.start();
      const replies = startRecorder<WorkReply>();
      // What the worker must have done so far.
      let n = 0;
      const queue: Array<{ request: string; answered: boolean }> = [];
      const expectedReplies: WorkReply[] = [];
      const expectedEvents: EventObject[] = [];
      let processed = 0;
      let failed = 0;
      /** Ends the running request with `settle`; its requester (if it asked for a reply) gets `reply`. */
      const end = async (settle: (call: ReturnType<typeof execute.open>) => void, reply: (requestId: string) => WorkReply | null) => {
        const head = queue.shift()!;
        const call = execute.open();
        expect(call.input).to.equal(head.request);
        settle(call);
        await flush();
        const expected = reply(`r-${head.request}`);
        if (head.answered && expected) expectedReplies.push(expected);
        processed++;
      };
      const check = (state: string) => {
        expect(errors).to.deep.equal([]);
        expect(actor.getSnapshot().value).to.equal(state);
        expect(actor.getSnapshot().context).to.deep.include({ processed, failed });
        expect(actor.getSnapshot().context.queue.map((q) => q.request)).to.deep.equal(queue.map((q) => q.request));
        // One at a time: exactly the head runs, nothing else was started.
        expect(execute.waiting().map((c) => c.input)).to.deep.equal(queue.slice(0, 1).map((q) => q.request));
        expect(execute.calls.map((c) => c.input)).to.deep.equal([...Array(processed).keys()].map((i) => `req-${i + 1}`).concat(queue.slice(0, 1).map((q) => q.request)));
        expect(replies.events).to.deep.equal(expectedReplies);
        expect(emitted).to.deep.equal(expectedEvents);
      };
      try {
        await path.test({
          states: {
            idle: () => check('idle'),
            working: () => check('working'),
          },
          events: {
            WORK: async () => {
              n++;
              const request = `req-${n}`;
              // Every third requester does not wait for an answer (fire and forget).
              const answered = n % 3 !== 0;
              actor.send({ type: 'work', request, requestId: `r-${request}`, ...(answered ? { replyTo: replies.ref } : {}) });
              queue.push({ request, answered });
              await flush();
            },
            DONE: async () => {
              const event = { type: 'thing.committed', n: processed + 1 };
              await end(
                (call) => call.resolve({ ok: true, result: `result-${processed + 1}`, events: [event] }),
                (requestId) => ({ type: 'work.done', requestId, ok: true, result: `result-${processed + 1}` }),
              );
              expectedEvents.push(event);
            },
            REFUSED: async () => {
              // A refusal changed nothing: the events it carries are not announced.
              const error = { kind: 'CONFLICT' as const, message: 'already in a batch' };
              await end(
                (call) => call.resolve({ ok: false, error, events: [{ type: 'must.not.be.emitted' }] }),
                (requestId) => ({ type: 'work.done', requestId, ok: false, error }),
              );
              failed++;
            },
            CRASH: async () => {
              // A domain refusal thrown, or the database gone: answered, and the worker lives on.
              const error = processed % 2 ? new DomainError('NOT_FOUND', 'no such batch') : new Error('SQLITE_IOERR: disk I/O error');
              await end(
                (call) => call.reject(error),
                (requestId) => ({ type: 'work.done', requestId, ok: false, error: failureOf(error) }),
              );
              failed++;
            },
          },
        });
        expect(actor.getSnapshot().status).to.equal('active');
      } finally {
        actor.stop();
        replies.stop();
      }
    });
  }

  itCoversTheWholeMachine(coverage);
});
