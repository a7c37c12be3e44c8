import { expect } from 'chai';
import { createOrderStore } from '../../../adapters/store/order-store.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import { DomainError } from '../../../src/domain/domain-error.js';
import { nextId } from '../../../src/domain/ids.js';
import { reasons, reasonText } from '../../../src/domain/codes/reasons.js';
import type { OrderDraft } from '../../../src/domain/orders.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { invalidCode, validCode } from '../../support/scan-fixtures.js';

const draft = (over: Partial<OrderDraft> = {}): OrderDraft => ({
  number: 'PO-1',
  productId: 'milk-1l',
  productName: 'Milk 1 l',
  gtins: ['04607001234562'],
  lot: 'L-01',
  productionDate: '2026-12-07',
  expiryDate: '2026-12-21',
  plannedQuantity: 10,
  fields: { vetCertificate: 'VET-42' },
  ...over,
});

async function refusedBy(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('order store (adapters/store/order-store.ts, migration 0006)', () => {
  let store: TestEdgeDb;
  const orders = () => createOrderStore(store.db.writer, store.db.reader);
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    await store.close();
  });

  it('creates, reads back and lists orders with filters; a number is unique', async () => {
    const a = await orders().create('line-1', draft(), 'operator');
    const b = await orders().create('line-1', draft({ number: 'PO-2', gtins: ['10614141000415'], lot: 'L-02' }), null);
    expect(a).to.deep.include({ number: 'PO-1', status: 'planned', lineId: 'line-1', gtins: ['04607001234562'], fields: { vetCertificate: 'VET-42' }, createdBy: 'operator' });
    expect(await orders().get(a.id)).to.deep.equal(a);
    expect((await orders().list({ limit: 10 })).orders.map((o) => o.id)).to.deep.equal([b.id, a.id]);
    expect((await orders().list({ limit: 10, gtin: '10614141000415' })).orders.map((o) => o.id)).to.deep.equal([b.id]);
    expect((await orders().list({ limit: 10, lot: 'L-01' })).total).to.equal(1);
    expect((await orders().list({ limit: 1 })).total).to.equal(2);
    expect((await orders().list({ limit: 10, beforeId: b.id })).orders.map((o) => o.id)).to.deep.equal([a.id]);
    expect((await refusedBy(orders().create('line-1', draft(), null))).kind).to.equal('CONFLICT');
  });

  it('transitions by the domain rules; one active order per line; survives a reopen', async () => {
    const a = await orders().create('line-1', draft(), null);
    const b = await orders().create('line-1', draft({ number: 'PO-2' }), null);
    expect((await orders().transition(a.id, 'start')).status).to.equal('active');
    expect((await refusedBy(orders().transition(b.id, 'start'))).kind).to.equal('CONFLICT');
    expect((await refusedBy(orders().transition('ord-nope', 'start'))).kind).to.equal('NOT_FOUND');
    expect((await orders().active('line-1'))!.id).to.equal(a.id);
    await store.reopen();
    expect((await orders().active('line-1'))!.id).to.equal(a.id);
    expect((await orders().transition(a.id, 'stop')).status).to.equal('stopped');
    expect(await orders().active('line-1')).to.equal(null);
    expect((await orders().transition(b.id, 'start')).startedAt).to.be.a('string');
    expect((await orders().transition(a.id, 'close')).status).to.equal('closed');
    expect((await refusedBy(orders().transition(a.id, 'start'))).kind).to.equal('CONFLICT');
  });

  it('summary: produced are the order\'s units still good; rejected by reason (scans not accepted, units rejected later)', async () => {
    const order = await orders().create('line-1', draft(), null);
    const withOrder = (item: ReturnType<typeof scanItem>) => ({ ...item, orderId: order.id, ...(item.bottle ? { bottle: { ...item.bottle, orderId: order.id } } : {}) });
    const wrong = { ...withOrder(scanItem(validCode(9))), outcome: 'refused' as const, bottle: null, reason: reasonText(reasons.wrongProduct('00000000000000')), reasonCode: 'WRONG_PRODUCT' as const, reasonParams: { gtin: '00000000000000' } };
    const results = await writeScanGroup(store.db.writer, [withOrder(scanItem(validCode(1))), withOrder(scanItem(validCode(2))), withOrder(scanItem(validCode(1))), withOrder(scanItem(invalidCode(3))), wrong], nextId, new Date().toISOString());
    expect(results.map((r) => r.outcome)).to.deep.equal(['accepted', 'accepted', 'duplicate', 'invalid', 'refused']);
    await store.db.writer('bottles').where({ id: results[1]!.bottleId }).update({ status: 4 });
    const summary = await orders().summary(order);
    expect(summary.planned).to.equal(10);
    expect(summary.produced).to.equal(1);
    expect(summary.remaining).to.equal(9);
    expect(summary.rejected.byReason).to.have.property('DUPLICATE', 1);
    expect(summary.rejected.byReason).to.have.property('WRONG_PRODUCT', 1);
    expect(summary.rejected.byReason).to.have.property('REJECTED_AFTER_ACCEPT', 1);
    expect(summary.rejected.total).to.equal(4);
  });
});

describe('writeScanGroup: orders and the reject-all safe state', () => {
  let store: TestEdgeDb;
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    await store.close();
  });

  it('records the order on the bottle and the scan', async () => {
    const item = scanItem(validCode(1));
    const [result] = await writeScanGroup(store.db.writer, [{ ...item, orderId: 'ord-1', bottle: { ...item.bottle!, orderId: 'ord-1' } }], nextId, new Date().toISOString());
    expect((await store.db.reader('bottles').where({ id: result!.bottleId }).first()).order_id).to.equal('ord-1');
    expect((await store.db.reader('scans').first()).order_id).to.equal('ord-1');
  });

  it('a unit under the safe state is stored Rejected, refused with its reason, counted, and has no bottle.created row', async () => {
    const item = scanItem(validCode(1));
    const why = reasons.rejectedBySafeState();
    const safe = { ...item, reason: reasonText(why), reasonCode: why.code, reasonParams: why.params, bottle: { ...item.bottle!, rejectedBySafeState: true } };
    const good = scanItem(validCode(2));
    const results = await writeScanGroup(store.db.writer, [safe, good, safe], nextId, new Date().toISOString());
    expect(results.map((r) => r.outcome)).to.deep.equal(['refused', 'accepted', 'duplicate']);
    expect((await store.db.reader('bottles').where({ id: results[0]!.bottleId }).first()).status).to.equal(4);
    const outbox = await store.db.reader('outbox');
    expect(outbox.map((o) => o.ref_id)).to.deep.equal([results[1]!.bottleId]);
    const counts = Object.fromEntries((await store.db.reader('bottle_status_counts')).map((c: { status: number; count: number }) => [c.status, c.count]));
    expect(counts).to.deep.include({ 0: 1, 4: 1 });
    const scans = await store.db.reader('scans').orderBy('id');
    expect(scans.map((s: { outcome: string }) => s.outcome)).to.deep.equal(['refused', 'accepted', 'duplicate']);
    expect(scans[0].reason_code).to.equal('REJECTED_BY_SAFE_STATE');
    expect(scans[0].bottle_id).to.equal(results[0]!.bottleId);
    expect(scans[2].reason_code).to.equal(null);
  });
});
