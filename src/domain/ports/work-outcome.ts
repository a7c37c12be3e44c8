import type { EventObject } from 'xstate';
import type { DomainFailure } from '../domain-error.js';

/** The serial worker port: what an executor (adapters/store, adapters/cloud) resolves a piece of work to. */

/** What `execute` resolves to: the answer, and domain events to emit once it is committed. */
export interface WorkOutcome<TResult = unknown> {
  ok: boolean;
  result?: TResult;
  error?: DomainFailure;
  events?: EventObject[];
}
