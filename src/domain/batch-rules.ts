import { BOTTLE_STATUS_NAMES, BottleStatus, canTransition, MANUAL_TARGETS } from './bottle-status.js';
import { DomainError } from './domain-error.js';

/**
 * The rules for batches and manual bottle statuses, as pure functions over what the store read:
 * each answers the refusal (a DomainError the store throws, rolling its transaction back) or null.
 * The SQL store (adapters/store/aggregation-store.ts) only reads, asks here, and persists.
 */

/** A batch as the rules see it. */
export interface BatchFacts {
  identifier: string;
  status: 'in_progress' | 'complete' | string;
  batchSize: number | null;
  bottleCount: number;
}

/** A bottle as the rules see it. */
export interface BottleFacts {
  id: string;
  batchId: string | null;
  status: number;
}

/** A new batch cannot be smaller than the bottles it starts with. */
export function createBatchRefusal(batchSize: number | null, bottles: number): DomainError | null {
  if (batchSize !== null && bottles > batchSize) return new DomainError('CONFLICT', `Batch size ${batchSize} is smaller than the ${bottles} bottles given`);
  return null;
}

/** Why these bottles cannot join the batch before any is looked up (complete, or no room), or null. */
export function addBottlesBatchRefusal(batch: BatchFacts, requested: number): DomainError | null {
  if (batch.status === 'complete') return new DomainError('CONFLICT', `Batch ${batch.identifier} is complete`);
  if (batch.batchSize !== null && batch.bottleCount + requested > batch.batchSize) {
    return new DomainError('CONFLICT', `Batch ${batch.identifier} has room for ${batch.batchSize - batch.bottleCount} more bottles`, {
      batchSize: batch.batchSize,
      bottleCount: batch.bottleCount,
    });
  }
  return null;
}

/** Why the bottles found cannot join batch `batchId` (missing, in another batch, in a status that cannot), or null. */
export function addBottlesRefusal(batchId: string, requested: readonly string[], found: readonly BottleFacts[]): DomainError | null {
  const ids = new Set(found.map((bottle) => bottle.id));
  const missing = requested.filter((id) => !ids.has(id));
  if (missing.length > 0) return new DomainError('NOT_FOUND', 'Bottles not found', { bottleIds: missing });
  const elsewhere = found.filter((b) => b.batchId !== null && b.batchId !== batchId).map((b) => ({ bottleId: b.id, batchId: b.batchId }));
  if (elsewhere.length > 0) return new DomainError('CONFLICT', 'Bottles already belong to another batch', { bottles: elsewhere });
  const ineligible = found
    .filter((b) => b.batchId === null && !canTransition(b.status as BottleStatus, BottleStatus.IN_BATCH))
    .map((b) => ({ bottleId: b.id, status: BOTTLE_STATUS_NAMES[b.status as BottleStatus] }));
  if (ineligible.length > 0) return new DomainError('CONFLICT', 'Bottles in this status cannot join a batch', { bottles: ineligible });
  return null;
}

/** The batch's count after `added` bottles joined, and whether that fills it (it is then complete). */
export function afterAdding(batch: Pick<BatchFacts, 'batchSize' | 'bottleCount'>, added: number): { bottleCount: number; full: boolean } {
  const bottleCount = batch.bottleCount + added;
  return { bottleCount, full: batch.batchSize !== null && bottleCount >= batch.batchSize };
}

/** A partial batch may be closed by hand unless it is complete already or empty. */
export function closeBatchRefusal(batch: BatchFacts): DomainError | null {
  if (batch.status === 'complete') return new DomainError('CONFLICT', `Batch ${batch.identifier} is already complete`);
  if (batch.bottleCount === 0) return new DomainError('CONFLICT', `Batch ${batch.identifier} is empty: there is nothing to close`);
  return null;
}

/** Why a bottle's status cannot be set by hand from `from` to `to` (an unchanged status is always fine), or null. */
export function manualStatusRefusal(from: BottleStatus, to: BottleStatus): DomainError | null {
  if (from === to) return null;
  if (!MANUAL_TARGETS.includes(to)) {
    return new DomainError('CONFLICT', `Status ${BOTTLE_STATUS_NAMES[to]} is set by ${to === BottleStatus.IN_BATCH ? 'adding the bottle to a batch' : 'the sync queue'}, not by hand`);
  }
  if (!canTransition(from, to)) return new DomainError('CONFLICT', `Illegal status change ${BOTTLE_STATUS_NAMES[from]} → ${BOTTLE_STATUS_NAMES[to]}`, { from, to });
  return null;
}

/** A bottle leaving its batch by hand: a complete batch stays sealed. */
export function leaveBatchRefusal(batch: Pick<BatchFacts, 'identifier' | 'status'>): DomainError | null {
  return batch.status === 'complete' ? new DomainError('CONFLICT', `Bottle belongs to complete batch ${batch.identifier}`) : null;
}
