import { expect } from 'chai';
import {
  addBottlesBatchRefusal,
  addBottlesRefusal,
  afterAdding,
  closeBatchRefusal,
  createBatchRefusal,
  leaveBatchRefusal,
  manualStatusRefusal,
} from '../../src/domain/batch-rules.js';
import { BottleStatus } from '../../src/domain/bottle-status.js';
import type { DomainError } from '../../src/domain/domain-error.js';

const failure = (error: DomainError | null) => error?.toFailure() ?? null;
const batch = (over: Partial<{ identifier: string; status: string; batchSize: number | null; bottleCount: number }> = {}) => ({
  identifier: 'B-2026-000001',
  status: 'in_progress',
  batchSize: 10,
  bottleCount: 8,
  ...over,
});

describe('batch rules (pure: the SQL store only persists what they allow)', () => {
  it('a new batch may not be smaller than the bottles it starts with', () => {
    expect(createBatchRefusal(2, 2)).to.equal(null);
    expect(createBatchRefusal(null, 500)).to.equal(null);
    expect(failure(createBatchRefusal(2, 3))).to.deep.equal({ kind: 'CONFLICT', message: 'Batch size 2 is smaller than the 3 bottles given' });
  });

  it('bottles join only an open batch with room for them', () => {
    expect(addBottlesBatchRefusal(batch(), 2)).to.equal(null);
    expect(failure(addBottlesBatchRefusal(batch({ status: 'complete' }), 1))).to.deep.equal({ kind: 'CONFLICT', message: 'Batch B-2026-000001 is complete' });
    expect(failure(addBottlesBatchRefusal(batch(), 3))).to.deep.equal({
      kind: 'CONFLICT',
      message: 'Batch B-2026-000001 has room for 2 more bottles',
      details: { batchSize: 10, bottleCount: 8 },
    });
    expect(addBottlesBatchRefusal(batch({ batchSize: null }), 1000)).to.equal(null);
  });

  it('each bottle must exist, be in no other batch, and be in a status that may join', () => {
    const created = { id: 'b1', batchId: null, status: BottleStatus.CREATED };
    expect(addBottlesRefusal('batch-1', ['b1'], [created])).to.equal(null);
    expect(addBottlesRefusal('batch-1', ['b1'], [{ ...created, batchId: 'batch-1' }])).to.equal(null);
    expect(failure(addBottlesRefusal('batch-1', ['b1', 'b2'], [created]))).to.deep.equal({ kind: 'NOT_FOUND', message: 'Bottles not found', details: { bottleIds: ['b2'] } });
    expect(failure(addBottlesRefusal('batch-1', ['b1'], [{ ...created, batchId: 'batch-2' }]))).to.deep.equal({
      kind: 'CONFLICT',
      message: 'Bottles already belong to another batch',
      details: { bottles: [{ bottleId: 'b1', batchId: 'batch-2' }] },
    });
    expect(failure(addBottlesRefusal('batch-1', ['b1'], [{ ...created, status: BottleStatus.DELETED }]))?.message).to.equal('Bottles in this status cannot join a batch');
  });

  it('a batch that reaches its size is full', () => {
    expect(afterAdding(batch(), 1)).to.deep.equal({ bottleCount: 9, full: false });
    expect(afterAdding(batch(), 2)).to.deep.equal({ bottleCount: 10, full: true });
    expect(afterAdding(batch({ batchSize: null }), 2)).to.deep.equal({ bottleCount: 10, full: false });
  });

  it('a batch is closed by hand only when open and not empty', () => {
    expect(closeBatchRefusal(batch())).to.equal(null);
    expect(failure(closeBatchRefusal(batch({ status: 'complete' })))?.message).to.equal('Batch B-2026-000001 is already complete');
    expect(failure(closeBatchRefusal(batch({ bottleCount: 0 })))?.message).to.equal('Batch B-2026-000001 is empty: there is nothing to close');
  });

  it('manual statuses: only the manual targets, only legal changes; a complete batch keeps its bottles', () => {
    expect(manualStatusRefusal(BottleStatus.CREATED, BottleStatus.CREATED)).to.equal(null);
    expect(manualStatusRefusal(BottleStatus.CREATED, BottleStatus.REJECTED)).to.equal(null);
    expect(failure(manualStatusRefusal(BottleStatus.CREATED, BottleStatus.IN_BATCH))?.message).to.match(/set by adding the bottle to a batch, not by hand/);
    expect(leaveBatchRefusal({ identifier: 'B-1', status: 'in_progress' })).to.equal(null);
    expect(failure(leaveBatchRefusal({ identifier: 'B-1', status: 'complete' }))?.message).to.equal('Bottle belongs to complete batch B-1');
  });
});
