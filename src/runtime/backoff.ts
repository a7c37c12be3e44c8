/** Retry delays are a pure rule the machines use too: src/domain/backoff.ts. */
export { type BackoffPolicy, backoffDelay } from '../domain/backoff.js';
