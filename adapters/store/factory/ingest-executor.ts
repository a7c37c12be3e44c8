import { fromPromise } from 'xstate';
import type { WorkOutcome } from '../../../src/domain/ports/work-outcome.js';
import type { SyncItem, SyncItemResult } from '../../cloud/cloud-types.js';
import type { SyncIngestStore } from './sync-ingest-store.js';

export interface IngestRequest {
  deviceId: string;
  lineId: string | null;
  items: SyncItem[];
}

export interface IngestSummary {
  results: SyncItemResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Sync batches from edges, one transaction each, in arrival order. The answer is given only after
 * the commit (the edge deletes its outbox rows on it); what was new is announced for the
 * dashboard, and wakes the forwarder when it has something to send.
 */
export function createIngestExecutor(store: SyncIngestStore, options: { forward: () => boolean; timeZone: string }) {
  return fromPromise<WorkOutcome<IngestSummary>, IngestRequest>(async ({ input }) => {
    const results = await store.ingest({ ...input, forward: options.forward(), timeZone: options.timeZone });
    const kindOf = new Map(input.items.map((item) => [item.id, item.kind]));
    const newByKind: Record<string, number> = {};
    let accepted = 0;
    let duplicates = 0;
    for (const result of results) {
      if (result.status === 'accepted') {
        accepted++;
        const kind = kindOf.get(result.id) ?? 'unknown';
        newByKind[kind] = (newByKind[kind] ?? 0) + 1;
      } else if (result.status === 'duplicate') duplicates++;
    }
    const rejected = results.length - accepted - duplicates;
    return {
      ok: true,
      result: { results, accepted, duplicates, rejected },
      events: [{ type: 'sync.ingested', deviceId: input.deviceId, lineId: input.lineId, accepted, duplicates, rejected, newByKind }],
    };
  });
}
