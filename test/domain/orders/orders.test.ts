import { expect } from 'chai';
import {
  changeoverCheck,
  gtinFromPlcValue,
  gtinLock,
  isCalendarDate,
  isValidGtin14,
  lockOf,
  orderProblems,
  orderTransition,
  summarise,
  type OrderDraft,
} from '../../../src/domain/orders.js';
import { reasons } from '../../../src/domain/codes/reasons.js';

// Independent vectors: check digits worked out by hand (weights 3,1,3,… from the right).
const draft = (over: Partial<OrderDraft> = {}): OrderDraft => ({
  number: 'PO-1',
  productId: null,
  productName: null,
  gtins: ['04607001234562'],
  lot: 'L-01',
  productionDate: '2026-12-07',
  expiryDate: '2026-12-21',
  plannedQuantity: 1000,
  fields: {},
  ...over,
});

describe('production orders: domain rules (src/domain/orders.ts)', () => {
  it('GTIN-14 check digits: known good and bad vectors', () => {
    // 460700123456 + check 2 (sum 38 → 2), worked by hand.
    expect(isValidGtin14('04607001234562')).to.equal(true);
    expect(isValidGtin14('04607001234568')).to.equal(false);
    expect(isValidGtin14('00000000000000')).to.equal(true);
    expect(isValidGtin14('10614141000415')).to.equal(true); // GS1 General Specifications example (indicator 1)
    expect(isValidGtin14('4607001234562')).to.equal(false); // 13 digits
    expect(isValidGtin14('0460700123456A')).to.equal(false);
  });

  it('calendar dates: no 31 February, leap years right', () => {
    expect(isCalendarDate('2028-02-29')).to.equal(true);
    expect(isCalendarDate('2026-02-29')).to.equal(false);
    expect(isCalendarDate('2026-02-31')).to.equal(false);
    expect(isCalendarDate('2026-13-01')).to.equal(false);
    expect(isCalendarDate('26-12-07')).to.equal(false);
  });

  it('validation: a good draft has no problems; each rule names its field', () => {
    expect(orderProblems(draft())).to.deep.equal([]);
    expect(orderProblems(draft({ gtins: [] })).map((p) => p.field)).to.deep.equal(['gtins']);
    expect(orderProblems(draft({ gtins: ['04607001234568'] })).map((p) => p.field)).to.deep.equal(['gtins.0']);
    expect(orderProblems(draft({ gtins: ['04607001234562', '04607001234562'] })).map((p) => p.field)).to.deep.equal(['gtins']);
    expect(orderProblems(draft({ expiryDate: '2026-12-07' })).map((p) => p.field)).to.deep.equal(['expiryDate']);
    expect(orderProblems(draft({ expiryDate: '2026-12-01' }))[0]!.reason).to.match(/after the production date/);
    expect(orderProblems(draft({ productionDate: '2026-02-30' })).map((p) => p.field)).to.deep.equal(['productionDate']);
    expect(orderProblems(draft({ plannedQuantity: 0 })).map((p) => p.field)).to.deep.equal(['plannedQuantity']);
  });

  it('transitions: planned → active ⇄ stopped → closed; one active order per line', () => {
    expect(orderTransition('planned', 'start', 'o1', null)).to.deep.equal({ ok: true, to: 'active' });
    expect(orderTransition('stopped', 'start', 'o1', null)).to.deep.equal({ ok: true, to: 'active' });
    expect(orderTransition('planned', 'start', 'o1', 'o2').ok).to.equal(false);
    expect(orderTransition('active', 'stop', 'o1', 'o1')).to.deep.equal({ ok: true, to: 'stopped' });
    expect(orderTransition('planned', 'stop', 'o1', null).ok).to.equal(false);
    expect(orderTransition('active', 'close', 'o1', 'o1')).to.deep.equal({ ok: true, to: 'closed' });
    expect(orderTransition('planned', 'close', 'o1', null)).to.deep.equal({ ok: true, to: 'closed' });
    for (const action of ['start', 'stop', 'close'] as const) expect(orderTransition('closed', action, 'o1', null).ok, action).to.equal(false);
    expect(orderTransition('active', 'start', 'o1', 'o1').ok).to.equal(false);
  });

  it('GTIN lock: the order\'s GTINs pass, others are "wrong product"; without an order the policy decides', () => {
    const lock = lockOf({ id: 'o1', gtins: ['04607001234562', '10614141000415'] });
    expect(gtinLock(lock, '04607001234562', 'refuse')).to.deep.equal({ ok: true, orderId: 'o1' });
    expect(gtinLock(lock, '10614141000415', 'accept')).to.deep.equal({ ok: true, orderId: 'o1' });
    expect(gtinLock(lock, '00000000000000', 'accept')).to.deep.equal({ ok: false, reason: reasons.wrongProduct('00000000000000') });
    expect(gtinLock(null, '00000000000000', 'accept')).to.deep.equal({ ok: true, orderId: null });
    expect(gtinLock(null, '00000000000000', 'refuse')).to.deep.equal({ ok: false, reason: reasons.noActiveOrder() });
  });

  it('changeover check and PLC values', () => {
    const lock = lockOf({ id: 'o1', gtins: ['04607001234562'] });
    expect(changeoverCheck(lock, '04607001234562')).to.equal('matches');
    expect(changeoverCheck(lock, '10614141000415')).to.equal('not_in_order');
    expect(changeoverCheck(null, '10614141000415')).to.equal('no_order');
    expect(changeoverCheck(lock, '00000000000000')).to.equal('none');
    expect(gtinFromPlcValue(4607001234562)).to.equal('04607001234562');
    expect(gtinFromPlcValue('4607001234562')).to.equal('04607001234562');
    expect(gtinFromPlcValue(10614141000415n)).to.equal('10614141000415');
    expect(gtinFromPlcValue(-1)).to.equal(null);
    expect(gtinFromPlcValue('abc')).to.equal(null);
    expect(gtinFromPlcValue(true)).to.equal(null);
  });

  it('summary: remaining never negative; rejected totals by reason', () => {
    expect(summarise(10, 4, { WRONG_PRODUCT: 2, DUPLICATE: 1 })).to.deep.equal({ planned: 10, produced: 4, rejected: { total: 3, byReason: { WRONG_PRODUCT: 2, DUPLICATE: 1 } }, remaining: 6 });
    expect(summarise(2, 5, {}).remaining).to.equal(0);
  });
});
