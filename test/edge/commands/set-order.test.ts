import { expect } from 'chai';
import { generateCode } from '../../../src/domain/codes/index.js';
import { seededRng } from '../../../src/line-sim/frame-source.js';
import { scan, useCommandEdge } from '../../support/command-edge.js';

const GTIN = '04607001234562';
const OTHER = '10614141000415';
const order = (over: Record<string, unknown> = {}) => ({
  number: 'PO-F-1',
  gtins: [GTIN],
  lot: 'L-F-1',
  productionDate: '2026-12-07',
  expiryDate: '2027-01-07',
  plannedQuantity: 500,
  fields: { vetCertificate: 'VET-77' },
  ...over,
});

/** set_order: the factory sends a production order through the command pipeline (docs/EDGE.md "Production orders"). */
describe('edge commands: set_order', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();

  it('creates the order and starts it: the GTIN lock is in force; a resent command finds the same order', async () => {
    const edge = await fx.start();
    const first = await fx.factory.result(fx.factory.sendCommand('set_order', { order: order(), start: true }));
    expect(first.ok, JSON.stringify(first)).to.equal(true);
    expect(first.result).to.deep.include({ number: 'PO-F-1', status: 'active', created: true });
    const orderId = (first.result as { orderId: string }).orderId;

    expect((await scan(edge.t, generateCode('milk', { gtin: GTIN, rng: seededRng(1) }))).outcome).to.equal('accepted');
    expect(await scan(edge.t, generateCode('milk', { gtin: OTHER, rng: seededRng(2) }))).to.deep.include({ outcome: 'refused' });

    const again = await fx.factory.result(fx.factory.sendCommand('set_order', { order: order(), start: true }));
    expect(again.result).to.deep.include({ orderId, status: 'active', created: false });
    const read = await edge.t.request('GET', `/api/v1/orders/${orderId}`, { token: edge.t.tokens.operator });
    expect(read.body.data).to.deep.include({ createdBy: 'factory', fields: { vetCertificate: 'VET-77' } });
  });

  it('fails with a code the factory can act on: an invalid order, a second active order', async () => {
    await fx.start();
    const bad = await fx.factory.result(fx.factory.sendCommand('set_order', { order: order({ number: 'PO-F-2', gtins: ['04607001234568'] }), start: false }));
    expect(bad.ok).to.equal(false);
    expect(bad.error?.code).to.equal('INVALID_ORDER');
    expect((await fx.factory.result(fx.factory.sendCommand('set_order', { order: order({ number: 'PO-F-3' }), start: true }))).ok).to.equal(true);
    const second = await fx.factory.result(fx.factory.sendCommand('set_order', { order: order({ number: 'PO-F-4' }), start: true }));
    expect(second.ok).to.equal(false);
    expect(second.error?.code).to.equal('CONFLICT');
  });
});
