/**
 * Batch accounting (the spec's "Партионный учёт"): the codes of a batch are loaded into a local
 * buffer; a VERIFY_LOCAL_BUFFER scanner (or POST /batch-accounting/verify) consumes each one once.
 * Codes are matched by their identification code (01 GTIN 21 serial), as bottles are.
 */
export interface BufferCode {
  code: string;
  identificationCode: string;
}

export type BufferRequest =
  /** codes null: the codes of the local batch with that identifier. */
  | { op: 'bufferLoad'; batchIdentifier: string; codes: BufferCode[] | null }
  | { op: 'bufferClear'; batchIdentifier: string }
  | { op: 'bufferVerify'; identificationCode: string; consumedBy: string | null };

export interface BufferCounts {
  loaded: number;
  consumed: number;
  remaining: number;
}

export interface BufferBatch extends BufferCounts {
  batchIdentifier: string;
  loadedAt: string;
}

export interface BufferLoadResult extends BufferBatch {
  /** Codes this load added (a repeated load adds only the missing ones and keeps consumption). */
  added: number;
}

export interface BufferVerifyResult {
  code: string;
  batchIdentifier: string;
  consumedAt: string;
  consumedBy: string | null;
  remaining: number;
}
