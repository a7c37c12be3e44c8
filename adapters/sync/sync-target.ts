import type { SyncItem, SyncItemResult } from '../cloud/cloud-types.js';

/**
 * Where the outbox drains to: OKTO Cloud directly, or the factory server. Implementations throw
 * an error with `kind` ('unreachable', 'timeout', 'server', 'unauthorized', …) when the whole
 * batch failed, and answer per item otherwise.
 */
export interface SyncTarget {
  readonly name: string;
  send(items: SyncItem[]): Promise<SyncItemResult[]>;
}
