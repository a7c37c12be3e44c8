import type { Knex } from 'knex';
import { fromPromise } from 'xstate';
import type { WorkOutcome } from '../../src/domain/ports/work-outcome.js';
import type { AggregationRequest } from '../../src/domain/aggregation.js';
import { clearBuffer, loadBuffer, verifyInBuffer } from './batch-buffer-store.js';
import { addBottles, closeBatch, createBatch, setBottleStatus, unpackBatch } from './batch-writes.js';
import { executeRoleScan } from './role-scan-store.js';
import { closePallet } from './pallet-store.js';
import { NO_AGGREGATION_SETTINGS, type AggregationSettings } from '../../src/domain/sscc.js';

/**
 * The bottle ledger actor's `execute`: each request is one transaction that checks the rules
 * against committed data, writes the change, its status counters and its outbox rows together.
 */
export function createAggregationExecutor(db: Knex, now: () => Date = () => new Date(), settings: () => AggregationSettings = () => NO_AGGREGATION_SETTINGS) {
  return fromPromise<WorkOutcome, AggregationRequest>(async ({ input }) => {
    const at = now().toISOString();
    const agg = settings();
    return db.transaction(async (trx) => {
      switch (input.op) {
        case 'createBatch':
          return createBatch(trx, input, at, now().getUTCFullYear(), agg);
        case 'addBottles':
          return addBottles(trx, input.batchId, input.bottleIds, at, []);
        case 'closeBatch':
          return closeBatch(trx, input.batchId, input.closedBy, at);
        case 'unpackBatch':
          return unpackBatch(trx, input.batchId, input.unpackedBy, at);
        case 'closePallet':
          return closePallet(trx, input.palletId, input.closedBy, at);
        case 'setBottleStatus':
          return setBottleStatus(trx, input.bottleId, input.status, at, input.audit);
        // Scanner roles and the batch-accounting buffer: serialised with the rest (role-scan-store.ts).
        case 'roleScan':
          return executeRoleScan(trx, input, at, now().getUTCFullYear(), agg);
        case 'bufferLoad':
          return { ok: true, result: await loadBuffer(trx, input.batchIdentifier, input.codes, at) };
        case 'bufferClear':
          return { ok: true, result: await clearBuffer(trx, input.batchIdentifier) };
        case 'bufferVerify':
          return { ok: true, result: await verifyInBuffer(trx, input.identificationCode, input.consumedBy, at) };
      }
    });
  });
}
