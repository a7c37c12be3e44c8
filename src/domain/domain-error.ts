/**
 * A refusal by the domain (not a crash): an unknown id, an illegal transition, a conflict.
 * Plain data so it can travel inside actor replies; the HTTP layer maps `kind` to a status.
 */
/** UNAVAILABLE: the request was fine but storage or a peer failed; the caller may retry. */
export type DomainErrorKind = 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'UNAVAILABLE';

export interface DomainFailure {
  kind: DomainErrorKind;
  message: string;
  details?: unknown;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toFailure(): DomainFailure {
    return this.details === undefined ? { kind: this.kind, message: this.message } : { kind: this.kind, message: this.message, details: this.details };
  }
}

export function failureOf(error: unknown): DomainFailure {
  if (error instanceof DomainError) return error.toFailure();
  return { kind: 'UNAVAILABLE', message: `Failed: ${error instanceof Error ? error.message : String(error)}` };
}
