import { expect } from 'chai';
import { MAX_SYNC_ITEMS } from '../../adapters/cloud/cloud-types.js';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import { REJECT_REASONS } from '../../src/cloud-sim/sync-ledger.js';
import { checkCode, generateCode } from '../../src/domain/codes/index.js';
import { bottleItems, milkCodes, provision, raw, seededRng, startTestSim } from './sim-harness.js';

describe('cloud simulator: POST /device/sync', () => {
  let sim: CloudSim;
  let deviceToken: string;
  beforeEach(async () => {
    sim = await startTestSim();
    ({ deviceToken } = await provision(sim));
  });
  afterEach(() => sim.close());

  const sync = (items: unknown, token = deviceToken) => raw(sim, 'POST', '/device/sync', { token, json: { items } });
  const stats = async () => (await raw(sim, 'GET', '/admin/stats')).body.data;

  it('stores a batch once: sending it again answers every item duplicate and changes no count', async () => {
    const items = bottleItems(milkCodes(50));
    const first = await sync(items);
    expect(first.status).to.equal(200);
    expect(first.body.data.results).to.deep.equal(items.map((i) => ({ id: i.id, status: 'accepted' })));
    const afterFirst = await stats();
    expect(afterFirst).to.deep.include({ itemsReceived: 50, itemsStored: 50, duplicatesAcknowledged: 0, rejected: 0, bottles: 50 });

    const second = await sync(items);
    expect(second.body.data.results).to.deep.equal(items.map((i) => ({ id: i.id, status: 'duplicate' })));
    const afterSecond = await stats();
    expect(afterSecond).to.deep.include({ itemsReceived: 100, itemsStored: 50, duplicatesAcknowledged: 50, rejected: 0, bottles: 50 });
    expect(afterSecond.byKind).to.deep.equal({ 'bottle.created': 50 });
  });

  it('answers a duplicate for an id repeated inside one request', async () => {
    const [item] = bottleItems(milkCodes(1));
    const res = await sync([item, item]);
    expect(res.body.data.results.map((r: { status: string }) => r.status)).to.deep.equal(['accepted', 'duplicate']);
    expect((await stats()).itemsStored).to.equal(1);
  });

  it('rejects an invalid code with the validator’s reason, and stores nothing for it', async () => {
    const good = generateCode('milk', { rng: seededRng(7) });
    const wrongDigit = good.slice(0, 15) + String((Number(good[15]) + 1) % 10) + good.slice(16);
    const waterCode = generateCode('water', { rng: seededRng(8) });
    const items = [
      { id: 'a', kind: 'bottle.created', payload: { identifier: wrongDigit } },
      { id: 'b', kind: 'bottle.created', payload: { identifier: waterCode } },
      { id: 'c', kind: 'bottle.created', payload: {} },
      { id: 'd', kind: 'bottle.created', payload: { identifier: good } },
    ];
    const { results } = (await sync(items)).body.data;
    const expectReason = (code: string) => {
      const check = checkCode(code, 'milk');
      if (check.valid) throw new Error('expected an invalid code');
      return check.reason;
    };
    expect(results).to.deep.equal([
      { id: 'a', status: 'rejected', reason: expectReason(wrongDigit) },
      { id: 'b', status: 'rejected', reason: expectReason(waterCode) },
      { id: 'c', status: 'rejected', reason: REJECT_REASONS.missingIdentifier },
      { id: 'd', status: 'accepted' },
    ]);
    expect(await stats()).to.deep.include({ itemsStored: 1, rejected: 3, bottles: 1 });
    // A rejected item was not stored: resending it is judged again, not acknowledged.
    expect((await sync([items[0]])).body.data.results[0].status).to.equal('rejected');
  });

  it('rejects the same identification code under a different item id, even with another crypto tail', async () => {
    const [code] = milkCodes(1);
    const sameCodeOtherTail = code!.slice(0, -4) + (code!.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await sync([{ id: 'first', kind: 'bottle.created', payload: { identifier: code } }]);
    const res = await sync([
      { id: 'second', kind: 'bottle.created', payload: { identifier: code } },
      { id: 'third', kind: 'bottle.created', payload: { identifier: sameCodeOtherTail } },
    ]);
    expect(res.body.data.results).to.deep.equal([
      { id: 'second', status: 'rejected', reason: REJECT_REASONS.codeAlreadyReported },
      { id: 'third', status: 'rejected', reason: REJECT_REASONS.codeAlreadyReported },
    ]);
    expect(await stats()).to.deep.include({ bottles: 1, itemsStored: 1 });
  });

  it('accepts status, batch and pallet items and rejects unknown kinds', async () => {
    const items = [
      { id: 's1', kind: 'bottle.status', payload: { identifier: 'x', status: 2 } },
      { id: 'b1', kind: 'batch.created', payload: { batchId: 'B-1' } },
      { id: 'b2', kind: 'batch.bottles_added', payload: { batchId: 'B-1', bottles: ['x'] } },
      { id: 'p1', kind: 'pallet.created', payload: { palletId: 'P-1' } },
      { id: 'p2', kind: 'pallet.closed', payload: { palletId: 'P-1' } },
      { id: 'u1', kind: 'bottle.exploded', payload: {} },
    ];
    const { results } = (await sync(items)).body.data;
    expect(results.map((r: { status: string }) => r.status)).to.deep.equal(['accepted', 'accepted', 'accepted', 'accepted', 'accepted', 'rejected']);
    expect(results[5].reason).to.equal(REJECT_REASONS.unknownKind('bottle.exploded'));
    expect((await stats()).byKind).to.deep.equal({ 'bottle.status': 1, 'batch.created': 1, 'batch.bottles_added': 1, 'pallet.created': 1, 'pallet.closed': 1 });
  });

  it('counts reported codes per product GTIN in /device/codes', async () => {
    const rng = seededRng(3);
    const codes = Array.from({ length: 3 }, () => generateCode('milk', { rng, gtin: '04607000000014' }));
    await sync(bottleItems(codes));
    const res = await raw(sim, 'GET', '/device/codes', { token: deviceToken });
    expect(res.body.data.map((c: { reported: number }) => c.reported)).to.deep.equal([3, 0]);
  });

  it('answers 400 in the envelope for a malformed body, never 500, and stores nothing', async () => {
    const [code] = milkCodes(1);
    const ok = { id: 'x', kind: 'bottle.created', payload: { identifier: code } };
    const bodies: unknown[] = [
      {},
      { items: [] },
      { items: 'nope' },
      { items: [{ ...ok, id: '' }] },
      { items: [{ kind: 'bottle.created', payload: {} }] },
      { items: [{ ...ok, payload: 'flat' }] },
      { items: [{ ...ok, payload: [1] }] },
      { items: [{ ...ok, extra: 1 }] },
      { items: [ok, null] },
      { items: [ok], more: true },
    ];
    for (const json of bodies) {
      const res = await raw(sim, 'POST', '/device/sync', { token: deviceToken, json });
      expect(res.status, JSON.stringify(json)).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_ERROR');
    }
    const broken = await raw(sim, 'POST', '/device/sync', { token: deviceToken, body: '{"items":[{"id":' });
    expect(broken.status).to.equal(400);
    expect(broken.body).to.deep.equal({ success: false, error: { code: 'VALIDATION_ERROR', message: 'Malformed request body' } });
    expect((await stats()).itemsReceived).to.equal(0);
  });

  it(`refuses more than ${MAX_SYNC_ITEMS} items with 400 and takes exactly ${MAX_SYNC_ITEMS}`, async () => {
    const items = Array.from({ length: MAX_SYNC_ITEMS + 1 }, (_, i) => ({ id: `b-${i}`, kind: 'batch.created', payload: {} }));
    const tooMany = await sync(items);
    expect(tooMany.status).to.equal(400);
    expect(tooMany.body.error.details.field).to.equal('items');
    const exact = await sync(items.slice(0, MAX_SYNC_ITEMS));
    expect(exact.status).to.equal(200);
    expect(exact.body.data.results).to.have.length(MAX_SYNC_ITEMS);
  });

  it('refuses a body over the size limit with 413 in the envelope', async () => {
    const res = await raw(sim, 'POST', '/device/sync', { token: deviceToken, body: JSON.stringify({ items: [{ id: 'x', kind: 'k', payload: { pad: 'x'.repeat(33 * 1024 * 1024) } }] }) });
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
  });
});
