import type { AnyActorRef, EventObject } from 'xstate';
import type { WorkReply } from '../../machines/shared/serial-worker.machine.js';
import type { DomainFailure } from '../../src/domain/domain-error.js';
import { ask, AskTargetStoppedError, AskTimeoutError } from '../../src/runtime/ask.js';
import { ApiError } from './errors.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/** Asks an actor from a route; an actor that does not answer in time is a 503, never a hang. */
export async function askActor<TReply>(target: AnyActorRef, build: (replyTo: AnyActorRef) => EventObject, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TReply> {
  try {
    return await ask<TReply>(target, build, { timeoutMs });
  } catch (error) {
    if (error instanceof AskTimeoutError) throw new ApiError('SERVICE_UNAVAILABLE', 'The service did not answer in time; retry');
    // A supervised actor between a crash and its restart: the caller may retry shortly.
    if (error instanceof AskTargetStoppedError) throw new ApiError('SERVICE_UNAVAILABLE', 'The service is restarting; retry');
    throw error;
  }
}

export function apiErrorOf(failure: DomainFailure): ApiError {
  const code = ({ NOT_FOUND: 'NOT_FOUND', CONFLICT: 'CONFLICT', INVALID: 'VALIDATION_ERROR', UNAVAILABLE: 'SERVICE_UNAVAILABLE' } as const)[failure.kind];
  return new ApiError(code, failure.message, failure.details);
}

/** Sends a request to a serial worker actor and returns its result, or throws its refusal as an ApiError. */
export async function doWork<TResult>(worker: AnyActorRef, request: unknown): Promise<TResult> {
  const reply = await askActor<WorkReply<TResult>>(worker, (replyTo) => ({ type: 'work', request, replyTo }));
  if (!reply.ok) throw apiErrorOf(reply.error);
  return reply.result;
}
