import { expect } from 'chai';
import { RECENT_CAPACITY, SyncLedger, isKnownSyncKind } from '../../src/cloud-sim/sync-ledger.js';
import { bottleItems, milkCodes } from './sim-harness.js';

describe('SyncLedger', () => {
  const source = { deviceId: 'device-001', industry: 'milk' as const };

  it('remembers the kind of each stored id and which item reported each code', () => {
    const ledger = new SyncLedger();
    const codes = milkCodes(2);
    ledger.receive([...bottleItems(codes), { id: 'b', kind: 'batch.created', payload: {} }], source);
    expect(ledger.has('item-0')).to.equal(true);
    expect(ledger.has('nope')).to.equal(false);
    expect(ledger.kindOf('b')).to.equal('batch.created');
    expect(ledger.itemForCode(codes[1]!.slice(0, 24))).to.equal('item-1');
  });

  it(`keeps full payloads of the last ${RECENT_CAPACITY} items only, newest first`, () => {
    const ledger = new SyncLedger();
    const n = RECENT_CAPACITY + 250;
    ledger.receive(Array.from({ length: n }, (_, i) => ({ id: `b-${i}`, kind: 'batch.created', payload: { i } })), source);
    const recent = ledger.recentItems({ limit: RECENT_CAPACITY + 10 });
    expect(recent).to.have.length(RECENT_CAPACITY);
    expect(recent[0]!.payload).to.deep.equal({ i: n - 1 });
    expect(recent[RECENT_CAPACITY - 1]!.payload).to.deep.equal({ i: n - RECENT_CAPACITY });
    expect(ledger.stats().itemsStored).to.equal(n);
  });

  it('knows the fixed kinds and any pallet.* kind', () => {
    for (const kind of ['bottle.created', 'bottle.status', 'batch.created', 'batch.bottles_added', 'pallet.created', 'pallet.anything_new']) {
      expect(isKnownSyncKind(kind), kind).to.equal(true);
    }
    for (const kind of ['bottle', 'pallet.', 'pallet.X', 'batch.deleted', '']) expect(isKnownSyncKind(kind), kind).to.equal(false);
  });
});
