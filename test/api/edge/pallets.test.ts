import { expect } from 'chai';
import type { ScanDecidedReply, ScanDecision } from '../../../machines/edge/scan-line.machine.js';
import { isValidSscc } from '../../../src/domain/codes/index.js';
import { ask } from '../../../src/runtime/ask.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { createBatch, createBottles } from '../../support/edge-fixtures.js';

const UNKNOWN_ID = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';

/** Issue 14: pallets on the API, closing a partial pallet, and unpacking (disaggregating) a box. */
describe('edge API: /api/v1/pallets and POST /api/v1/batches/{id}/unpack', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge({ line: { batchSize: 2, palletSize: 3 }, aggregation: { sscc: { companyPrefix: '4600840', extensionDigit: 1 } } });
  });
  after(async () => {
    await t?.stop();
  });

  const op = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.tokens.operator, ...(body !== undefined ? { body } : {}) });
  async function box(): Promise<any> {
    const bottles = await createBottles(t, 2);
    return (await createBatch(t, bottles.map((b) => b.id))).batch;
  }
  async function boxScan(code: string): Promise<ScanDecision> {
    const reply = await ask<ScanDecidedReply>(t.edge.system.scanLine(), (replyTo) => ({ type: 'SCAN', code, source: 'box-1', role: 'BOX', replyTo }));
    return reply.decisions[0]!;
  }

  describe('authentication', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: '/api/v1/pallets' },
      { method: 'GET', path: `/api/v1/pallets/${UNKNOWN_ID}` },
      { method: 'POST', path: `/api/v1/pallets/${UNKNOWN_ID}/close`, body: {} },
      { method: 'POST', path: `/api/v1/batches/${UNKNOWN_ID}/unpack`, body: {} },
    ]);
  });

  describe('POST /api/v1/batches/{id}/unpack', () => {
    it('the units leave the box (Created, no batch); the box stays with its identifier and SSCC, open, and is repacked', async () => {
      const packed = await box();
      expect(packed.status).to.equal('complete');
      expect(isValidSscc(packed.sscc)).to.equal(true);
      const { bottles } = expectData(await op('GET', `/api/v1/batches/${packed.id}`));

      const data = expectData(await op('POST', `/api/v1/batches/${packed.id}/unpack`, {}));
      expect(data.unpacked).to.equal(2);
      expect(data.batch).to.include({ id: packed.id, identifier: packed.identifier, sscc: packed.sscc, status: 'in_progress', bottleCount: 0, completedAt: null });
      for (const b of bottles) expect(expectData(await op('GET', `/api/v1/bottles/${b.id}`))).to.include({ status: 0, batchId: null });

      const repacked = expectData(await op('POST', `/api/v1/batches/${packed.id}/bottles`, { bottles: bottles.map((b: { id: string }) => b.id) }));
      expect(repacked.batch).to.include({ status: 'complete', bottleCount: 2, sscc: packed.sscc });
    });

    it('409 for an empty box, 404 for an unknown one, 400 for bad bodies', async () => {
      const empty = (await createBatch(t, [])).batch;
      expectError(await op('POST', `/api/v1/batches/${empty.id}/unpack`, {}), 409, 'CONFLICT');
      expectError(await op('POST', `/api/v1/batches/${UNKNOWN_ID}/unpack`, {}), 404, 'NOT_FOUND');
      expectValidationError(await op('POST', `/api/v1/batches/${empty.id}/unpack`, { force: true }));
      const malformed = await t.request('POST', `/api/v1/batches/${empty.id}/unpack`, { token: t.tokens.operator, rawBody: '{not json', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.success).to.equal(false);
    });
  });

  describe('pallets', () => {
    it('BOX scans of SSCC labels stack boxes; the pallet has its own SSCC; a box on a pallet cannot be unpacked; a partial pallet closes by hand', async () => {
      const first = await box();
      const second = await box();
      expect(await boxScan(`]C100${first.sscc}`)).to.include({ outcome: 'accepted' });
      expect(await boxScan(`00${second.sscc}`)).to.include({ outcome: 'accepted' });

      const { pallets } = expectData(await op('GET', '/api/v1/pallets'));
      const pallet = pallets[0];
      expect(pallet).to.include({ status: 'in_progress', batchCount: 2, palletSize: 3 });
      expect(pallet.identifier).to.match(/^P-\d{4}-\d{6}$/);
      expect(isValidSscc(pallet.sscc)).to.equal(true);
      expect(pallet.sscc).to.not.equal(first.sscc);

      const detail = expectData(await op('GET', `/api/v1/pallets/${pallet.id}`));
      expect(detail.batches.map((b: { sscc: string }) => b.sscc)).to.have.members([first.sscc, second.sscc]);

      const onPallet = expectError(await op('POST', `/api/v1/batches/${first.id}/unpack`, {}), 409, 'CONFLICT');
      expect(onPallet.message).to.include(pallet.identifier);

      const closed = expectData(await op('POST', `/api/v1/pallets/${pallet.id}/close`, {}));
      expect(closed.pallet).to.include({ id: pallet.id, status: 'complete', batchCount: 2, sscc: pallet.sscc });
      expectError(await op('POST', `/api/v1/pallets/${pallet.id}/close`, {}), 409, 'CONFLICT');
    });

    it('a BOX scan of a label that is no SSCC of this line is refused with the reason', async () => {
      expect(await boxScan('00100000000000000001')).to.include({ outcome: 'refused', reasonCode: 'SSCC_CHECK_DIGIT' });
      expect(await boxScan('00100000000000000007')).to.include({ outcome: 'refused', reasonCode: 'UNKNOWN_SSCC' });
    });

    it('404 for an unknown pallet; 400 for bad input', async () => {
      expectError(await op('GET', `/api/v1/pallets/${UNKNOWN_ID}`), 404, 'NOT_FOUND');
      expectError(await op('POST', `/api/v1/pallets/${UNKNOWN_ID}/close`, {}), 404, 'NOT_FOUND');
      expectValidationError(await op('GET', '/api/v1/pallets?limit=0'));
      expectValidationError(await op('GET', '/api/v1/pallets?sort=x'));
      expectValidationError(await op('POST', `/api/v1/pallets/${UNKNOWN_ID}/close`, { now: 1 }));
      expectValidationError(await op('GET', `/api/v1/pallets/${'x'.repeat(65)}`));
    });
  });
});
