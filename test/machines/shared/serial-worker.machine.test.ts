import { expect } from 'chai';
import { createActor, type EventObject, fromPromise } from 'xstate';
import { serialWorkerMachine, type WorkOutcome, type WorkReply } from '../../../machines/shared/serial-worker.machine.js';
import { DomainError } from '../../../src/domain/domain-error.js';
import { startRecorder } from '../../support/scan-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

interface Call {
  request: string;
  resolve(outcome: WorkOutcome): void;
  reject(error: unknown): void;
}

/** An execute whose every call waits until the test settles it. */
function startWorker() {
  const calls: Call[] = [];
  const execute = fromPromise<WorkOutcome, string>(
    ({ input }) =>
      new Promise<WorkOutcome>((resolve, reject) => {
        calls.push({ request: input, resolve, reject });
      }),
  );
  const actor = createActor(serialWorkerMachine.provide({ actors: { execute } }));
  const emitted: EventObject[] = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  const replies = startRecorder<WorkReply>();
  const work = (request: string, requestId?: string) =>
    actor.send({ type: 'work', request, replyTo: replies.ref, ...(requestId !== undefined ? { requestId } : {}) });
  return { actor, calls, emitted, errors, replies, work };
}

describe('serial worker machine', () => {
  let w: ReturnType<typeof startWorker>;
  afterEach(() => {
    expect(w.errors).to.deep.equal([]);
    w.actor.stop();
    w.replies.stop();
  });

  it('runs requests one at a time, in arrival order, answering each with its requestId', async () => {
    w = startWorker();
    w.work('a', 'r-a');
    w.work('b', 'r-b');
    w.work('c', 'r-c');
    expect(w.calls.map((c) => c.request)).to.deep.equal(['a']);
    expect(w.actor.getSnapshot().context.queue).to.have.length(3);

    w.calls[0]!.resolve({ ok: true, result: 'A' });
    await waitFor(() => w.calls.length === 2, 1000, 'the second request to start');
    expect(w.calls[1]!.request).to.equal('b');
    expect(w.replies.events).to.deep.equal([{ type: 'work.done', requestId: 'r-a', ok: true, result: 'A' }]);

    // A request arriving while one runs waits its turn behind those already queued.
    w.work('d', 'r-d');
    w.calls[1]!.resolve({ ok: true, result: 'B' });
    await waitFor(() => w.calls.length === 3, 1000, 'the third request to start');
    w.calls[2]!.resolve({ ok: true, result: 'C' });
    await waitFor(() => w.calls.length === 4, 1000, 'the fourth request to start');
    w.calls[3]!.resolve({ ok: true, result: 'D' });
    await waitFor(() => w.replies.events.length === 4, 1000, 'four replies');

    expect(w.calls.map((c) => c.request)).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(w.replies.events.map((r) => [r.requestId, r.ok && r.result])).to.deep.equal([
      ['r-a', 'A'],
      ['r-b', 'B'],
      ['r-c', 'C'],
      ['r-d', 'D'],
    ]);
    expect(w.actor.getSnapshot().value).to.equal('idle');
    expect(w.actor.getSnapshot().context).to.deep.include({ queue: [], processed: 4, failed: 0 });
  });

  it('answers a DomainError as a refusal with its kind, and goes on with the next request', async () => {
    w = startWorker();
    w.work('a', 'r-a');
    w.work('b', 'r-b');
    w.calls[0]!.reject(new DomainError('CONFLICT', 'Batch B-2030-000001 is complete', { batchId: 'x' }));
    await waitFor(() => w.replies.events.length === 1, 1000, 'the refusal');
    expect(w.replies.events[0]).to.deep.equal({
      type: 'work.done',
      requestId: 'r-a',
      ok: false,
      error: { kind: 'CONFLICT', message: 'Batch B-2030-000001 is complete', details: { batchId: 'x' } },
    });
    await waitFor(() => w.calls.length === 2, 1000, 'the next request to start');
    w.calls[1]!.resolve({ ok: true, result: 'B' });
    await waitFor(() => w.replies.events.length === 2, 1000, 'the second reply');
    expect(w.actor.getSnapshot().context).to.deep.include({ processed: 2, failed: 1 });
  });

  it('answers a crash (storage gone) as UNAVAILABLE and stays alive', async () => {
    w = startWorker();
    w.work('a', 'r-a');
    w.calls[0]!.reject(new Error('SQLITE_IOERR: disk I/O error'));
    await waitFor(() => w.replies.events.length === 1, 1000, 'the reply');
    const reply = w.replies.events[0]!;
    expect(reply.ok).to.equal(false);
    if (reply.ok) return;
    expect(reply.error.kind).to.equal('UNAVAILABLE');
    expect(reply.error.message).to.include('SQLITE_IOERR');
    expect(w.actor.getSnapshot().status).to.equal('active');
    expect(w.actor.getSnapshot().value).to.equal('idle');
  });

  it('publishes the events of a request only once it has succeeded', async () => {
    w = startWorker();
    w.work('a');
    w.work('b');
    w.work('c');
    expect(w.emitted).to.deep.equal([]);
    w.calls[0]!.resolve({ ok: true, result: 1, events: [{ type: 'batch.changed', n: 1 } as EventObject, { type: 'batch.changed', n: 2 } as EventObject] });
    await waitFor(() => w.calls.length === 2, 1000, 'the second request to start');
    expect(w.emitted).to.deep.equal([
      { type: 'batch.changed', n: 1 },
      { type: 'batch.changed', n: 2 },
    ]);
    // A refusal that carries events (whatever it prepared) publishes none of them.
    w.calls[1]!.resolve({ ok: false, error: { kind: 'CONFLICT', message: 'no' }, events: [{ type: 'batch.changed', n: 3 } as EventObject] });
    await waitFor(() => w.calls.length === 3, 1000, 'the third request to start');
    w.calls[2]!.reject(new DomainError('NOT_FOUND', 'gone'));
    await waitFor(() => w.actor.getSnapshot().context.processed === 3, 1000, 'all processed');
    expect(w.emitted).to.have.length(2);
  });

  it('processes a request sent without replyTo, answering no one', async () => {
    w = startWorker();
    w.actor.send({ type: 'work', request: 'silent' });
    w.calls[0]!.resolve({ ok: true, result: null });
    await waitFor(() => w.actor.getSnapshot().context.processed === 1, 1000, 'processed');
    expect(w.replies.events).to.deep.equal([]);
  });

  it('answers a refusal without error details with a generic INVALID one', async () => {
    w = startWorker();
    w.work('a', 'r-a');
    w.calls[0]!.resolve({ ok: false });
    await waitFor(() => w.replies.events.length === 1, 1000, 'the reply');
    expect(w.replies.events[0]).to.deep.equal({ type: 'work.done', requestId: 'r-a', ok: false, error: { kind: 'INVALID', message: 'Refused' } });
  });
});
