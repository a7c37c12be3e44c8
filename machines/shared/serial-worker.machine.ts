import { type AnyActorRef, type EventObject, assign, enqueueActions, fromPromise, setup } from 'xstate';
import { type DomainFailure, failureOf } from '../../src/domain/domain-error.js';

/**
 * Runs requests one at a time, in arrival order, through a supplied `execute` actor, and answers
 * each requester. Used where writes must not interleave (batch aggregation, bottle statuses):
 * the queue lives here, the transaction lives in the adapter that provides `execute`.
 */

export interface WorkRequest<TRequest = unknown> {
  type: 'work';
  request: TRequest;
  replyTo?: AnyActorRef;
  requestId?: string;
}

export type WorkReply<TResult = unknown> =
  | { type: 'work.done'; requestId: string | null; ok: true; result: TResult }
  | { type: 'work.done'; requestId: string | null; ok: false; error: DomainFailure };

import type { WorkOutcome } from '../../src/domain/ports/work-outcome.js';
export type { WorkOutcome } from '../../src/domain/ports/work-outcome.js';

interface Queued {
  request: unknown;
  replyTo: AnyActorRef | null;
  requestId: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the provider decides the request shape
const executePlaceholder = fromPromise<WorkOutcome<any>, any>(async () => {
  throw new Error('serial worker: execute not provided');
});

export const serialWorkerMachine = setup({
  types: {
    context: {} as { queue: Queued[]; processed: number; failed: number },
    events: {} as WorkRequest | { type: 'never' },
    emitted: {} as EventObject,
  },
  actors: { execute: executePlaceholder },
  actions: {
    enqueue: assign({
      queue: ({ context, event }) => {
        if (event.type !== 'work') return context.queue;
        return [...context.queue, { request: event.request, replyTo: event.replyTo ?? null, requestId: event.requestId ?? null }];
      },
    }),
    answer: enqueueActions(({ context, enqueue }, outcome: WorkOutcome) => {
      const head = context.queue[0]!;
      if (head.replyTo) {
        const reply: WorkReply = outcome.ok
          ? { type: 'work.done', requestId: head.requestId, ok: true, result: outcome.result }
          : { type: 'work.done', requestId: head.requestId, ok: false, error: outcome.error ?? { kind: 'INVALID', message: 'Refused' } };
        enqueue.sendTo(head.replyTo, reply);
      }
      // Events announce committed changes: a refusal changed nothing, whatever it carries.
      if (outcome.ok) for (const event of outcome.events ?? []) enqueue.emit(event);
      enqueue.assign({
        queue: context.queue.slice(1),
        processed: context.processed + 1,
        failed: context.failed + (outcome.ok ? 0 : 1),
      });
    }),
  },
  guards: { hasWork: ({ context }) => context.queue.length > 0 },
}).createMachine({
  id: 'serialWorker',
  context: { queue: [], processed: 0, failed: 0 },
  initial: 'idle',
  on: { work: { actions: 'enqueue' } },
  states: {
    idle: {
      always: { guard: 'hasWork', target: 'working' },
    },
    working: {
      invoke: {
        src: 'execute',
        input: ({ context }: { context: { queue: Queued[] } }) => context.queue[0]!.request,
        onDone: { target: 'idle', actions: { type: 'answer', params: ({ event }) => event.output } },
        // A refusal (DomainError) or a crash (database gone) answers this request; the worker lives on.
        onError: {
          target: 'idle',
          actions: { type: 'answer', params: ({ event }) => ({ ok: false, error: failureOf(event.error) }) },
        },
      },
    },
  },
});
