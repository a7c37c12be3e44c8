import { expect } from 'chai';
import { BottleStatus } from '../../src/domain/bottle-status.js';
import { packageRefusal, statusRoleRefusal, verifyRefusal } from '../../src/domain/role-rules.js';

describe('scanner role rules (pure: the SQL store only persists what they allow)', () => {
  it('REMOVE / REJECTION: a unit already there is a duplicate with the matching reason', () => {
    expect(statusRoleRefusal({ id: 'b1', status: BottleStatus.CREATED }, BottleStatus.DELETED)).to.equal(null);
    expect(statusRoleRefusal({ id: 'b1', status: BottleStatus.DELETED }, BottleStatus.DELETED)).to.include({ outcome: 'duplicate', bottleId: 'b1', reasonCode: 'ALREADY_REMOVED' });
    expect(statusRoleRefusal({ id: 'b1', status: BottleStatus.REJECTED }, BottleStatus.REJECTED)).to.include({ outcome: 'duplicate', reasonCode: 'ALREADY_REJECTED' });
  });

  it('VERIFY_LOCAL_BUFFER: refused when not in the buffer, a duplicate once consumed', () => {
    expect(verifyRefusal(null, null)).to.include({ outcome: 'refused', reasonCode: 'NOT_IN_BUFFER' });
    expect(verifyRefusal({ batchIdentifier: 'L-1', consumedAt: null, consumedBy: null }, 'b1')).to.equal(null);
    const consumed = verifyRefusal({ batchIdentifier: 'L-1', consumedAt: '2026-12-07T10:00:00.000Z', consumedBy: 'scanner-2' }, 'b1');
    expect(consumed).to.include({ outcome: 'duplicate', bottleId: 'b1', reasonCode: 'ALREADY_CONSUMED_BY' });
  });

  it('PACKAGE: free units go ahead; in the open batch a duplicate; in another batch refused, naming it (read only then)', async () => {
    const reads: string[] = [];
    const other = async (id: string) => {
      reads.push(id);
      return 'B-2026-000007';
    };
    const open = { id: 'batch-1', identifier: 'B-2026-000001' };
    expect(await packageRefusal({ id: 'b1', batchId: null }, open, other)).to.equal(null);
    expect(await packageRefusal({ id: 'b1', batchId: 'batch-1' }, open, other)).to.include({ outcome: 'duplicate', reasonCode: 'ALREADY_IN_BATCH' });
    expect(reads).to.deep.equal([]);
    const refused = await packageRefusal({ id: 'b1', batchId: 'batch-7' }, null, other);
    expect(refused).to.include({ outcome: 'refused', reasonCode: 'PACKED_IN_OTHER_BATCH' });
    expect(refused!.reasonParams).to.deep.equal({ batch: 'B-2026-000007' });
    expect(reads).to.deep.equal(['batch-7']);
  });
});
