import { expect } from 'chai';
import { initialTransition, setup, transition } from 'xstate';
import { createTestModel } from 'xstate/graph';
import {
  type CommandMachineContext,
  type CommandMachineEvent,
  type CommandSnapshot,
  commandMachine,
  deadlineOf,
  newCommand,
  restoreCommand,
  statusOf,
} from '../../../machines/factory/command.machine.js';
import type { CommandStatus } from '../../../src/domain/device-commands.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';

const T0 = 1_700_000_000_000;
const EXPIRES_IN = 1_000_000;
const TIMEOUT = 500_000;
/** Past every deadline of the story (each step advances the clock by 100 ms). */
const LATE = T0 + 10_000_000;

const start = (input: Partial<{ timeoutMs: number; expiresAt: number | null }> = {}) =>
  initialTransition(commandMachine, { commandId: 'cmd-1', timeoutMs: TIMEOUT, expiresAt: T0 + EXPIRES_IN, ...input })[0];
/** Every step of the tests in this file counts towards the machine's coverage (checked by the model-based block). */
const coverage = trackCoverage(commandMachine);
const step = (s: CommandSnapshot, event: CommandMachineEvent) => {
  const next = transition(commandMachine, s, event)[0];
  coverage.step(s, event, next);
  return next;
};
const run = (s: CommandSnapshot, ...events: CommandMachineEvent[]) => events.reduce(step, s);

/**
 * Model: what the device, the channel and the clock can do to one command, with the status each
 * leads to. An event a state does not take is a self-loop: the machine must ignore it (same
 * snapshot). SEND_LATE / DEADLINE_DUE happen past every deadline; DEADLINE_EARLY before them.
 */
type ModelEvent = { type: 'SEND' | 'SEND_LATE' | 'DISCONNECT' | 'ACK' | 'PROGRESS' | 'RESULT_OK' | 'RESULT_FAIL' | 'RESULT_EXPIRED' | 'RESULT_TIMED_OUT' | 'DEADLINE_EARLY' | 'DEADLINE_DUE' | 'CANCEL' };
const EVENTS = ['SEND', 'SEND_LATE', 'DISCONNECT', 'ACK', 'PROGRESS', 'RESULT_OK', 'RESULT_FAIL', 'RESULT_EXPIRED', 'RESULT_TIMED_OUT', 'DEADLINE_EARLY', 'DEADLINE_DUE', 'CANCEL'] as const;
const results = { RESULT_OK: 'SUCCEEDED', RESULT_FAIL: 'FAILED', RESULT_EXPIRED: 'EXPIRED', RESULT_TIMED_OUT: 'TIMED_OUT' } as const;
const self = (state: string) => Object.fromEntries(EVENTS.map((e) => [e, state]));

const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'commandModel',
  initial: 'QUEUED',
  states: {
    QUEUED: {
      on: { ...self('QUEUED'), ...results, SEND: 'SENT', SEND_LATE: 'EXPIRED', ACK: 'DELIVERED', PROGRESS: 'DELIVERED', DEADLINE_DUE: 'EXPIRED', CANCEL: 'CANCELED' },
    },
    SENT: { on: { ...self('SENT'), ...results, DISCONNECT: 'QUEUED', ACK: 'DELIVERED', PROGRESS: 'DELIVERED', DEADLINE_DUE: 'EXPIRED' } },
    DELIVERED: { on: { ...self('DELIVERED'), ...results, DEADLINE_DUE: 'TIMED_OUT' } },
    SUCCEEDED: { on: self('SUCCEEDED') },
    FAILED: { on: self('FAILED') },
    TIMED_OUT: { on: self('TIMED_OUT') },
    EXPIRED: { on: self('EXPIRED') },
    CANCELED: { on: self('CANCELED') },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const testModel = createTestModel(model, { serializeState, events: EVENTS.map((type) => ({ type })) });

describe('command machine (model-based)', () => {
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"CANCELED"', '"DELIVERED"', '"EXPIRED"', '"FAILED"', '"QUEUED"', '"SENT"', '"SUCCEEDED"', '"TIMED_OUT"'].sort());
    const covered = new Set(paths.flatMap((p) => p.steps.map((s, i) => `${i === 0 ? '"QUEUED"' : serializeState(p.steps[i - 1]!.state)}|${s.event.type}`)));
    const all = modelTransitions(testModel);
    expect(all.filter((edge) => !covered.has(edge))).to.deep.equal([]);
    expect(all.length).to.equal(8 * EVENTS.length);
  });

  for (const path of paths) {
    it(path.description, async () => {
      let s = start();
      let t = T0;
      // What the command must hold, tracked from the events the story sent.
      let sentAt: number | null = null;
      let deliveredAt: number | null = null;
      let stage: string | null = null;
      let stages = 0;
      let ended: { at: number; result: unknown; error: CommandMachineContext['error'] } | null = null;

      /** Sends the event; an event the model says is ignored must leave the very same snapshot. */
      const send = (event: CommandMachineEvent, changes: boolean | ((next: CommandSnapshot) => boolean)) => {
        const before = s;
        s = step(s, event);
        const changed = typeof changes === 'function' ? changes(s) : changes;
        if (!changed) expect(s, `${event.type} must be ignored in ${statusOf(before)}`).to.equal(before);
        return s !== before;
      };
      const live = () => ['QUEUED', 'SENT', 'DELIVERED'].includes(statusOf(s));
      const tick = () => (t += 100);
      const finish = (at: number, result: unknown, error: CommandMachineContext['error']) => {
        ended = { at, result, error };
      };

      const check = (status: CommandStatus) => {
        expect(statusOf(s)).to.equal(status);
        const c = s.context;
        expect(c).to.deep.include({ commandId: 'cmd-1', timeoutMs: TIMEOUT, expiresAt: T0 + EXPIRES_IN, sentAt, deliveredAt, stage });
        expect(s.status).to.equal(live() ? 'active' : 'done');
        if (live()) {
          expect(c.completedAt).to.equal(null);
          expect(c.error).to.equal(null);
        } else {
          expect({ at: c.completedAt, result: c.result, error: c.error }).to.deep.equal(ended);
        }
        expect(deadlineOf(s)).to.equal(status === 'DELIVERED' ? deliveredAt! + TIMEOUT : status === 'QUEUED' || status === 'SENT' ? T0 + EXPIRES_IN : null);
        // What a restarted service restores from the stored status and fields is the same command.
        const restored = restoreCommand(status, JSON.parse(JSON.stringify(c)) as CommandMachineContext);
        expect(restored.value).to.equal(s.value);
        expect(restored.context).to.deep.equal(c);
        expect(deadlineOf(restored)).to.equal(deadlineOf(s));
      };

      const deliver = (at: number) => {
        if (deliveredAt === null) deliveredAt = at;
      };

      await path.test({
        states: Object.fromEntries((['QUEUED', 'SENT', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED', 'CANCELED'] as const).map((st) => [st, () => check(st)])),
        events: {
          SEND: () => {
            const at = tick();
            if (send({ type: 'SEND', at }, statusOf(s) === 'QUEUED')) sentAt = at;
          },
          SEND_LATE: () => {
            if (send({ type: 'SEND', at: LATE }, statusOf(s) === 'QUEUED')) finish(LATE, null, { code: 'EXPIRED', message: `Not delivered before ${new Date(T0 + EXPIRES_IN).toISOString()}` });
          },
          DISCONNECT: () => {
            tick();
            send({ type: 'DEVICE_DISCONNECTED' }, statusOf(s) === 'SENT');
          },
          ACK: () => {
            const at = tick();
            if (send({ type: 'DELIVERED', at }, ['QUEUED', 'SENT'].includes(statusOf(s)))) deliver(at);
          },
          PROGRESS: () => {
            const at = tick();
            const next = `stage-${++stages}`;
            if (send({ type: 'PROGRESS', at, stage: next }, live())) {
              deliver(at);
              stage = next;
            }
          },
          RESULT_OK: () => {
            const at = tick();
            if (send({ type: 'RESULT', at, ok: true, result: { done: at } }, live())) {
              deliver(at);
              finish(at, { done: at }, null);
            }
          },
          RESULT_FAIL: () => {
            const at = tick();
            const error = { code: 'NOT_ENABLED', message: 'reboot is not enabled' };
            if (send({ type: 'RESULT', at, ok: false, error }, live())) {
              deliver(at);
              finish(at, null, error);
            }
          },
          RESULT_EXPIRED: () => {
            const at = tick();
            const error = { code: 'EXPIRED', message: 'past its expiresAt: not started' };
            if (send({ type: 'RESULT', at, ok: false, error }, live())) {
              deliver(at);
              finish(at, null, error);
            }
          },
          RESULT_TIMED_OUT: () => {
            const at = tick();
            const error = { code: 'TIMED_OUT', message: 'the command did not finish within 5000 ms' };
            if (send({ type: 'RESULT', at, ok: false, error }, live())) {
              deliver(at);
              finish(at, null, error);
            }
          },
          DEADLINE_EARLY: () => {
            send({ type: 'DEADLINE', now: tick() }, false);
          },
          DEADLINE_DUE: () => {
            const status = statusOf(s);
            if (!send({ type: 'DEADLINE', now: LATE }, live())) return;
            // Completed at the deadline itself, not when the timer fired.
            if (status === 'DELIVERED') finish(deliveredAt! + TIMEOUT, null, { code: 'TIMED_OUT', message: `No result within ${TIMEOUT} ms of delivery` });
            else finish(T0 + EXPIRES_IN, null, { code: 'EXPIRED', message: `Not delivered before ${new Date(T0 + EXPIRES_IN).toISOString()}` });
          },
          CANCEL: () => {
            const at = tick();
            if (send({ type: 'CANCEL', at }, statusOf(s) === 'QUEUED')) finish(at, null, { code: 'CANCELED', message: 'Canceled before it was sent' });
          },
        },
      });
    });
  }
  itCoversTheWholeMachine(coverage);
});

describe('command machine', () => {
  it('newCommand is the machine’s initial snapshot', () => {
    const s = newCommand({ commandId: 'cmd-1', timeoutMs: TIMEOUT, expiresAt: T0 + EXPIRES_IN });
    expect(s.value).to.equal(start().value);
    expect(s.context).to.deep.equal(start().context);
    expect(statusOf(step(s, { type: 'SEND', at: T0 + 1 }))).to.equal('SENT');
  });

  it('starts QUEUED with its expiry as the deadline; without expiresAt it has none and waits for ever', () => {
    expect(statusOf(start())).to.equal('QUEUED');
    expect(deadlineOf(start())).to.equal(T0 + EXPIRES_IN);
    const forever = start({ expiresAt: null });
    expect(deadlineOf(forever)).to.equal(null);
    expect(step(forever, { type: 'DEADLINE', now: LATE })).to.equal(forever);
    expect(statusOf(step(forever, { type: 'SEND', at: LATE }))).to.equal('SENT');
  });

  it('a deadline exactly at expiresAt expires it; one a millisecond before does not', () => {
    const s = start();
    expect(step(s, { type: 'DEADLINE', now: T0 + EXPIRES_IN - 1 })).to.equal(s);
    const expired = step(s, { type: 'DEADLINE', now: T0 + EXPIRES_IN });
    expect(statusOf(expired)).to.equal('EXPIRED');
    expect(expired.context.completedAt).to.equal(T0 + EXPIRES_IN);
  });

  it('is not sent past its expiry: SEND then expires it instead', () => {
    const s = step(start(), { type: 'SEND', at: T0 + EXPIRES_IN });
    expect(statusOf(s)).to.equal('EXPIRED');
    expect(s.context.sentAt).to.equal(null);
    expect(s.context.error?.code).to.equal('EXPIRED');
  });

  it('times out at delivery + timeoutMs, measured from the first ack (a second ack moves nothing)', () => {
    const s = run(start({ timeoutMs: 1_000 }), { type: 'SEND', at: T0 + 1 }, { type: 'DELIVERED', at: T0 + 10 }, { type: 'DELIVERED', at: T0 + 500 });
    expect(s.context.deliveredAt).to.equal(T0 + 10);
    expect(deadlineOf(s)).to.equal(T0 + 1_010);
    expect(step(s, { type: 'DEADLINE', now: T0 + 1_009 })).to.equal(s);
    // The expiry no longer applies once delivered: only the timeout does.
    const timedOut = step(s, { type: 'DEADLINE', now: T0 + EXPIRES_IN + 1 });
    expect(statusOf(timedOut)).to.equal('TIMED_OUT');
    expect(timedOut.context.completedAt).to.equal(T0 + 1_010);
  });

  it('a sent command goes back to QUEUED when the channel closes, and can be sent again', () => {
    const s = run(start(), { type: 'SEND', at: T0 + 1 }, { type: 'DEVICE_DISCONNECTED' });
    expect(statusOf(s)).to.equal('QUEUED');
    expect(step(s, { type: 'DEVICE_DISCONNECTED' })).to.equal(s);
    const again = step(s, { type: 'SEND', at: T0 + 50 });
    expect(statusOf(again)).to.equal('SENT');
    expect(again.context.sentAt).to.equal(T0 + 50);
  });

  it('a delivered command stays DELIVERED when the channel closes (the device keeps running it)', () => {
    const s = run(start(), { type: 'SEND', at: T0 + 1 }, { type: 'DELIVERED', at: T0 + 2 });
    expect(step(s, { type: 'DEVICE_DISCONNECTED' })).to.equal(s);
  });

  it('a result without an ack still counts as delivered; a failure without a reason gets one', () => {
    const ok = run(start(), { type: 'SEND', at: T0 + 1 }, { type: 'RESULT', at: T0 + 5, ok: true, result: { lines: ['a'] } });
    expect(statusOf(ok)).to.equal('SUCCEEDED');
    expect(ok.context).to.deep.include({ deliveredAt: T0 + 5, completedAt: T0 + 5, result: { lines: ['a'] }, error: null });
    const failed = run(start(), { type: 'SEND', at: T0 + 1 }, { type: 'RESULT', at: T0 + 5, ok: false });
    expect(statusOf(failed)).to.equal('FAILED');
    expect(failed.context.error).to.deep.equal({ code: 'FAILED', message: 'The device reported a failure without a reason' });
  });

  it('an edge that stopped a command at its own timeout (code TIMED_OUT) makes it TIMED_OUT, not FAILED', () => {
    const s = run(start(), { type: 'SEND', at: T0 + 1 }, { type: 'DELIVERED', at: T0 + 2 }, { type: 'RESULT', at: T0 + 5, ok: false, error: { code: 'TIMED_OUT', message: 'too slow' } });
    expect(statusOf(s)).to.equal('TIMED_OUT');
    expect(s.context.error).to.deep.equal({ code: 'TIMED_OUT', message: 'too slow' });
  });

  it('an edge refusing a command past its expiry (code EXPIRED) makes it EXPIRED, not FAILED', () => {
    const s = run(start(), { type: 'SEND', at: T0 + 1 }, { type: 'RESULT', at: T0 + 5, ok: false, error: { code: 'EXPIRED', message: 'too late' } });
    expect(statusOf(s)).to.equal('EXPIRED');
    expect(s.context.error).to.deep.equal({ code: 'EXPIRED', message: 'too late' });
  });

  it('a final command ignores everything, a second result included', () => {
    const done = run(start(), { type: 'SEND', at: T0 + 1 }, { type: 'RESULT', at: T0 + 5, ok: true });
    for (const event of [
      { type: 'RESULT', at: T0 + 6, ok: false },
      { type: 'DELIVERED', at: T0 + 7 },
      { type: 'DEADLINE', now: LATE },
      { type: 'CANCEL', at: T0 + 8 },
      { type: 'SEND', at: T0 + 9 },
    ] as CommandMachineEvent[]) {
      expect(step(done, event)).to.equal(done);
    }
  });

  it('only a QUEUED command can be canceled, with the reason given', () => {
    const canceled = step(start(), { type: 'CANCEL', at: T0 + 3, reason: 'The device was removed' });
    expect(statusOf(canceled)).to.equal('CANCELED');
    expect(canceled.context.error).to.deep.equal({ code: 'CANCELED', message: 'The device was removed' });
    const sent = step(start(), { type: 'SEND', at: T0 + 1 });
    expect(step(sent, { type: 'CANCEL', at: T0 + 3 })).to.equal(sent);
  });

  it('progress records the latest stage, before or after the ack', () => {
    const s = run(start(), { type: 'SEND', at: T0 + 1 }, { type: 'PROGRESS', at: T0 + 2, stage: 'downloading' }, { type: 'PROGRESS', at: T0 + 3, stage: 'verifying' });
    expect(statusOf(s)).to.equal('DELIVERED');
    expect(s.context).to.deep.include({ stage: 'verifying', deliveredAt: T0 + 2 });
  });

  it('continues from a restored snapshot exactly as from the live one', () => {
    const live = run(start({ timeoutMs: 2_000 }), { type: 'SEND', at: T0 + 1 }, { type: 'DELIVERED', at: T0 + 2 });
    const restored = restoreCommand('DELIVERED', JSON.parse(JSON.stringify(live.context)) as CommandMachineContext);
    const a = step(live, { type: 'DEADLINE', now: T0 + 5_000 });
    const b = step(restored, { type: 'DEADLINE', now: T0 + 5_000 });
    expect(statusOf(b)).to.equal('TIMED_OUT');
    expect(b.context).to.deep.equal(a.context);
  });
});
