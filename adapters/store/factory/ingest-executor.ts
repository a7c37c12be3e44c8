import { fromPromise } from 'xstate';
import type { WorkOutcome } from '../../../machines/shared/serial-worker.machine.js';
import type { SyncItem, SyncItemResult } from '../../cloud/cloud-types.js';
import type { SyncIngestStore } from './sync-ingest-store.js';
import type { CrossLineDuplicate } from './unit-identity-index.js';

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
  /** New codes of this batch another device or line sent first (site-wide duplicates); usually empty. */
  crossLineDuplicates: CrossLineDuplicate[];
}

/** How many codes the dashboard alarm names (the full list is GET /api/v1/duplicates). */
const ALARM_CODES = 20;

/**
 * Sync batches from edges, one transaction each, in arrival order. The answer is given only after
 * the commit (the edge deletes its outbox rows on it); what was new is announced for the
 * dashboard, and wakes the forwarder when it has something to send. Site-wide duplicates raise an
 * alarm on /ws/dashboard (`unit_duplicates`), also only after the commit that recorded them.
 */
export function createIngestExecutor(store: SyncIngestStore, options: { forward: () => boolean; timeZone: string }) {
  return fromPromise<WorkOutcome<IngestSummary>, IngestRequest>(async ({ input }) => {
    const { results, crossLineDuplicates } = await store.ingestBatch({ ...input, forward: options.forward(), timeZone: options.timeZone });
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
    const events: Array<{ type: string; [key: string]: unknown }> = [
      { type: 'sync.ingested', deviceId: input.deviceId, lineId: input.lineId, accepted, duplicates, rejected, newByKind },
    ];
    if (crossLineDuplicates.length > 0) {
      const params = { count: crossLineDuplicates.length, device: input.deviceId, line: input.lineId ?? '—' };
      events.push({
        type: 'dashboard.push',
        message: {
          type: 'unit_duplicates',
          data: {
            deviceId: input.deviceId,
            lineId: input.lineId,
            count: crossLineDuplicates.length,
            codes: crossLineDuplicates.slice(0, ALARM_CODES),
            messageKey: 'sync.site_duplicates',
            params,
            at: crossLineDuplicates[0]!.seenAt,
          },
        },
      });
    }
    return { ok: true, result: { results, accepted, duplicates, rejected, crossLineDuplicates }, events };
  });
}
