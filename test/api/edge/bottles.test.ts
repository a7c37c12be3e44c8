import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { bottleCounts, codes, createBatch, createBottles, gtinOf, printable, SPEC_EXAMPLE_CODE } from '../../support/edge-fixtures.js';
import { checkCode } from '../../../src/domain/codes/index.js';

const BOTTLES = '/api/v1/bottles';
const BOTTLE_FIELDS = [
  'batchId',
  'createdAt',
  'exciseDutyNumber',
  'gtin',
  'id',
  'identifier',
  'isPreprint',
  'party',
  'productId',
  'productionLineId',
  'status',
  'updatedAt',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('edge API: /api/v1/bottles', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  const post = (body: unknown) => t.request('POST', BOTTLES, { token: t.tokens.operator, body });
  const setStatus = (id: string, status: unknown, token = t.tokens.manager) => t.request('PATCH', `${BOTTLES}/${id}/status`, { token, body: { status } });
  const getBottle = async (id: string) => expectData(await t.request('GET', `${BOTTLES}/${encodeURIComponent(id)}`, { token: t.tokens.operator }));

  describe('authentication', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: BOTTLES },
      { method: 'POST', path: BOTTLES, body: { bottles: [{ identifier: SPEC_EXAMPLE_CODE }] } },
      { method: 'GET', path: `${BOTTLES}/count` },
      { method: 'GET', path: `${BOTTLES}/unknown-bottle` },
      { method: 'PATCH', path: `${BOTTLES}/unknown-bottle/status`, role: 'MANAGER', body: { status: 4 } },
    ]);
  });

  describe('POST (create)', () => {
    it('201 with {created, bottles:[{id, identifier}], rejected:[]} and the bottles are stored', async () => {
      const [a, b] = codes(2);
      const data = expectData(await post({ bottles: [{ identifier: a }, { identifier: b }] }), 201);
      expect(data.created).to.equal(2);
      expect(data.rejected).to.deep.equal([]);
      expect(data.bottles.map((x: { identifier: string }) => x.identifier)).to.deep.equal([a, b]);
      for (const bottle of data.bottles) {
        expect(Object.keys(bottle).sort()).to.deep.equal(['id', 'identifier']);
        const stored = await getBottle(bottle.id);
        expect(stored.identifier).to.equal(bottle.identifier);
      }
      expect(new Set(data.bottles.map((x: { id: string }) => x.id)).size).to.equal(2);
    });

    it('stores the spec fields, with the line defaults and the per-item overrides', async () => {
      const [plain, custom] = codes(2);
      const data = expectData(
        await post({
          bottles: [
            { identifier: plain },
            { identifier: custom, gtin: gtinOf(custom!), productionLineId: 'line-007', productId: 'product-42', party: 'PARTY-9', isPreprint: true },
          ],
          deviceId: 'device-xyz',
        }),
        201,
      );
      const first = await getBottle(data.bottles[0].id);
      expect(Object.keys(first).sort()).to.deep.equal(BOTTLE_FIELDS);
      const check = checkCode(plain, 'milk');
      if (!check.valid) throw new Error('generated code must be valid');
      expect(first).to.include({ identifier: plain, gtin: check.code.gtin, status: 0, productionLineId: 'line-001', batchId: null, isPreprint: false, productId: null, party: null });
      expect(first.exciseDutyNumber).to.equal(check.code.serial);
      expect(first.createdAt).to.match(ISO);
      expect(first.updatedAt).to.match(ISO);
      const second = await getBottle(data.bottles[1].id);
      expect(second).to.include({ productionLineId: 'line-007', productId: 'product-42', party: 'PARTY-9', isPreprint: true, status: 0 });
    });

    it('normalises printable GS substitutes: `<GS>` is stored as the real GS, and is the same code', async () => {
      const [code] = codes(1);
      const data = expectData(await post({ bottles: [{ identifier: printable(code!) }] }), 201);
      expect(data.bottles[0].identifier).to.equal(code);
      const again = await post({ bottles: [{ identifier: code }] });
      const error = expectError(again, 409, 'CONFLICT');
      expect(error.details.rejected[0].existingBottleId).to.equal(data.bottles[0].id);
    });

    it('mixed valid and invalid: 201 with the created ones and each invalid one in `rejected` with its reason', async () => {
      const [good1, good2] = codes(2);
      const data = expectData(await post({ bottles: [{ identifier: good1 }, { identifier: SPEC_EXAMPLE_CODE }, { identifier: good2 }, { identifier: 'not a code' }] }), 201);
      expect(data.created).to.equal(2);
      expect(data.bottles.map((b: { identifier: string }) => b.identifier)).to.deep.equal([good1, good2]);
      expect(data.rejected).to.have.length(2);
      expect(data.rejected[0]).to.include({ index: 1, identifier: SPEC_EXAMPLE_CODE, duplicate: false, existingBottleId: null });
      expect(data.rejected[0].reason).to.match(/GTIN check digit/i);
      expect(data.rejected[1]).to.include({ index: 3, identifier: 'not a code', duplicate: false, existingBottleId: null });
      expect(data.rejected[1].reason).to.be.a('string').and.not.empty;
    });

    it('rejects an item whose given GTIN does not match its code', async () => {
      const [good, mismatched] = codes(2);
      const data = expectData(await post({ bottles: [{ identifier: good }, { identifier: mismatched, gtin: '04600000000017' }] }), 201);
      expect(data.created).to.equal(1);
      expect(data.rejected).to.have.length(1);
      expect(data.rejected[0]).to.include({ index: 1, duplicate: false });
      expect(data.rejected[0].reason).to.match(/GTIN/);
    });

    it('all duplicates: 409 CONFLICT with details.rejected naming the existing bottles, nothing stored', async () => {
      const created = await createBottles(t, 2);
      const before = await bottleCounts(t);
      const error = expectError(await post({ bottles: created.map((b) => ({ identifier: b.identifier })) }), 409, 'CONFLICT');
      expect(error.details.rejected).to.have.length(2);
      error.details.rejected.forEach((r: any, index: number) => {
        expect(r).to.include({ index, identifier: created[index]!.identifier, duplicate: true, existingBottleId: created[index]!.id });
        expect(r.reason).to.match(/duplicate/i);
      });
      expect((await bottleCounts(t)).count).to.equal(before.count);
    });

    it('duplicates mixed with new codes: 201, the new ones created, the duplicates rejected with the existing id', async () => {
      const [existing] = await createBottles(t, 1);
      const [fresh] = codes(1);
      const data = expectData(await post({ bottles: [{ identifier: existing!.identifier }, { identifier: fresh }] }), 201);
      expect(data.created).to.equal(1);
      expect(data.bottles[0].identifier).to.equal(fresh);
      expect(data.rejected).to.deep.equal([{ index: 0, identifier: existing!.identifier, reason: data.rejected[0].reason, duplicate: true, existingBottleId: existing!.id }]);
    });

    it('the same code twice in one request: the first is created, the second is its duplicate', async () => {
      const [code] = codes(1);
      const data = expectData(await post({ bottles: [{ identifier: code }, { identifier: code }] }), 201);
      expect(data.created).to.equal(1);
      expect(data.rejected).to.have.length(1);
      expect(data.rejected[0]).to.include({ index: 1, duplicate: true, existingBottleId: data.bottles[0].id });
    });

    it('only invalid codes (no duplicate): no 201 and no 409; every item rejected', async () => {
      const before = await bottleCounts(t);
      const data = expectData(await post({ bottles: [{ identifier: SPEC_EXAMPLE_CODE }] }), 200);
      expect(data).to.deep.include({ created: 0, bottles: [] });
      expect(data.rejected).to.have.length(1);
      expect((await bottleCounts(t)).count).to.equal(before.count);
    });

    it('400 VALIDATION_ERROR naming the field for bad bodies', async () => {
      const [code] = codes(1);
      const cases: Array<[unknown, string]> = [
        [{}, 'bottles'],
        [{ bottles: [] }, 'bottles'],
        [{ bottles: 'x' }, 'bottles'],
        [{ bottles: [code] }, 'bottles.0'],
        [{ bottles: [{}] }, 'bottles.0.identifier'],
        [{ bottles: [{ identifier: 42 }] }, 'bottles.0.identifier'],
        [{ bottles: [{ identifier: '' }] }, 'bottles.0.identifier'],
        [{ bottles: [{ identifier: 'x'.repeat(513) }] }, 'bottles.0.identifier'],
        [{ bottles: [{ identifier: code, gtin: '123' }] }, 'bottles.0.gtin'],
        [{ bottles: [{ identifier: code, isPreprint: 'yes' }] }, 'bottles.0.isPreprint'],
        [{ bottles: [{ identifier: code, color: 'green' }] }, 'bottles.0.color'],
        [{ bottles: [{ identifier: code }], extra: true }, 'extra'],
        [{ bottles: [{ identifier: code }], deviceId: 7 }, 'deviceId'],
        [{ bottles: Array.from({ length: 1001 }, () => ({ identifier: 'x' })) }, 'bottles'],
      ];
      for (const [body, field] of cases) expectValidationError(await post(body), field);
      // None of these stored the valid code.
      expect(expectData(await post({ bottles: [{ identifier: code }] }), 201).created).to.equal(1);
    });

    it('400 for malformed JSON and for a non-object body', async () => {
      expectValidationError(await t.request('POST', BOTTLES, { token: t.tokens.operator, rawBody: '{"bottles":[' }));
      expectValidationError(await t.request('POST', BOTTLES, { token: t.tokens.operator, rawBody: '[]' }));
      expectValidationError(await t.request('POST', BOTTLES, { token: t.tokens.operator }), 'bottles');
    });

    it('accepts 1,000 items in one request', async () => {
      const data = expectData(await post({ bottles: codes(1000).map((identifier) => ({ identifier })) }), 201);
      expect(data.created).to.equal(1000);
      expect(data.rejected).to.deep.equal([]);
    });
  });

  describe('GET (list)', () => {
    it('lists stored bottles with the spec fields, newest first, 100 by default', async () => {
      await createBottles(t, 101);
      const list = expectData(await t.request('GET', BOTTLES, { token: t.tokens.operator }));
      expect(list).to.be.an('array').with.length(100);
      expect(Object.keys(list[0]).sort()).to.deep.equal(BOTTLE_FIELDS);
      const ids = list.map((b: { id: string }) => b.id);
      expect(ids).to.deep.equal([...ids].sort().reverse());
      const [newest] = await createBottles(t, 1);
      expect(expectData(await t.request('GET', `${BOTTLES}?limit=1`, { token: t.tokens.operator }))[0].id).to.equal(newest!.id);
    });

    it('limit caps the number of results', async () => {
      expect(expectData(await t.request('GET', `${BOTTLES}?limit=3`, { token: t.tokens.operator }))).to.have.length(3);
    });

    it('status filters by status', async () => {
      const [a] = await createBottles(t, 1);
      expectData(await setStatus(a!.id, 4));
      const rejected = expectData(await t.request('GET', `${BOTTLES}?status=4&limit=1000`, { token: t.tokens.operator }));
      expect(rejected.map((b: { id: string }) => b.id)).to.include(a!.id);
      expect(rejected.every((b: { status: number }) => b.status === 4)).to.equal(true);
      const created = expectData(await t.request('GET', `${BOTTLES}?status=0&limit=1000`, { token: t.tokens.operator }));
      expect(created.map((b: { id: string }) => b.id)).to.not.include(a!.id);
      expect(created.every((b: { status: number }) => b.status === 0)).to.equal(true);
    });

    it('lineId filters by production line', async () => {
      const mine = await createBottles(t, 2, { productionLineId: 'line-filter' });
      const list = expectData(await t.request('GET', `${BOTTLES}?lineId=line-filter`, { token: t.tokens.operator }));
      expect(list.map((b: { id: string }) => b.id).sort()).to.deep.equal(mine.map((b) => b.id).sort());
      expect(expectData(await t.request('GET', `${BOTTLES}?lineId=no-such-line`, { token: t.tokens.operator }))).to.deep.equal([]);
      const combined = expectData(await t.request('GET', `${BOTTLES}?lineId=line-filter&status=0&limit=1`, { token: t.tokens.operator }));
      expect(combined).to.have.length(1);
      expect(combined[0].productionLineId).to.equal('line-filter');
    });

    it('400 naming the parameter for bad query values', async () => {
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=-5', 'limit'],
        ['limit=1.5', 'limit'],
        ['limit=1001', 'limit'],
        ['limit=1&limit=2', 'limit'],
        ['status=9', 'status'],
        ['status=-1', 'status'],
        ['status=abc', 'status'],
        ['status=', 'status'],
        ['status=%20', 'status'],
        ['status=0x1', 'status'],
        ['status=1.0', 'status'],
        ['status=0&status=4', 'status'],
        ['lineId=' + 'l'.repeat(65), 'lineId'],
      ]) {
        expectValidationError(await t.request('GET', `${BOTTLES}?${query}`, { token: t.tokens.operator }), field);
      }
    });
  });

  describe('GET /count', () => {
    it('answers {count, byStatus} with every status, and counts new bottles', async () => {
      const before = await bottleCounts(t);
      expect(Object.keys(before.byStatus).sort()).to.deep.equal(['0', '1', '2', '3', '4', '5']);
      expect(before.count).to.equal(Object.values(before.byStatus).reduce((a, b) => a + b, 0));
      await createBottles(t, 3);
      const after = await bottleCounts(t);
      expect(after.count).to.equal(before.count + 3);
      expect(after.byStatus['0']).to.equal(before.byStatus['0']! + 3);
    });

    it('?status= narrows the count to one status', async () => {
      const all = await bottleCounts(t);
      for (const status of [0, 4]) {
        const data = expectData(await t.request('GET', `${BOTTLES}/count?status=${status}`, { token: t.tokens.operator }));
        expect(data).to.deep.equal({ count: all.byStatus[String(status)], byStatus: { [String(status)]: all.byStatus[String(status)] }, status });
      }
    });

    it('follows status changes', async () => {
      const [a] = await createBottles(t, 1);
      const before = await bottleCounts(t);
      expectData(await setStatus(a!.id, 5));
      const after = await bottleCounts(t);
      expect(after.count).to.equal(before.count);
      expect(after.byStatus['0']).to.equal(before.byStatus['0']! - 1);
      expect(after.byStatus['5']).to.equal(before.byStatus['5']! + 1);
    });

    it('400 for status=9, status=abc and an empty status (not a silent count of Created)', async () => {
      for (const status of ['9', 'abc', '', '-0']) {
        expectValidationError(await t.request('GET', `${BOTTLES}/count?status=${status}`, { token: t.tokens.operator }), 'status');
      }
    });
  });

  describe('GET /:id', () => {
    it('answers the bottle', async () => {
      const [a] = await createBottles(t, 1);
      const bottle = await getBottle(a!.id);
      expect(bottle).to.include({ id: a!.id, identifier: a!.identifier, status: 0 });
    });

    it('404 NOT_FOUND for an unknown id', async () => {
      expectError(await t.request('GET', `${BOTTLES}/01ZZZZZZZZZZZZZZZZZZZZZZZZ`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectError(await t.request('GET', `${BOTTLES}/${encodeURIComponent("x' OR '1'='1")}`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
    });

    it('400 for an id longer than 64 characters', async () => {
      expectValidationError(await t.request('GET', `${BOTTLES}/${'x'.repeat(65)}`, { token: t.tokens.operator }), 'id');
    });
  });

  describe('PATCH /:id/status', () => {
    it('legal moves 0→4→0→5, each answered with the updated bottle and stored', async () => {
      const [a] = await createBottles(t, 1);
      for (const status of [4, 0, 5]) {
        const bottle = expectData(await setStatus(a!.id, status));
        expect(bottle).to.include({ id: a!.id, status });
        expect((await getBottle(a!.id)).status).to.equal(status);
      }
    });

    it('updates updatedAt, not createdAt', async () => {
      const [a] = await createBottles(t, 1);
      const before = await getBottle(a!.id);
      const after = expectData(await setStatus(a!.id, 4));
      expect(after.createdAt).to.equal(before.createdAt);
      expect(after.updatedAt >= before.updatedAt).to.equal(true);
    });

    it('setting the current status again is a harmless no-op', async () => {
      const [a] = await createBottles(t, 1);
      expect(expectData(await setStatus(a!.id, 0)).status).to.equal(0);
    });

    it('409 CONFLICT for an illegal move (Deleted is final)', async () => {
      const [a] = await createBottles(t, 1);
      expectData(await setStatus(a!.id, 5));
      for (const status of [0, 4]) {
        expectError(await setStatus(a!.id, status), 409, 'CONFLICT');
        expect((await getBottle(a!.id)).status).to.equal(5);
      }
    });

    it('409 CONFLICT for the system-owned statuses 1, 2, 3', async () => {
      const [a] = await createBottles(t, 1);
      for (const status of [1, 2, 3]) {
        const error = expectError(await setStatus(a!.id, status), 409, 'CONFLICT');
        expect(error.message).to.be.a('string').and.not.empty;
      }
      expect((await getBottle(a!.id)).status).to.equal(0);
    });

    it('taking a bottle out of its batch (1→0) frees its place in the batch', async () => {
      const [a, b] = await createBottles(t, 2);
      const { batch } = await createBatch(t, [a!.id, b!.id], { batchSize: 10 });
      expect((await getBottle(a!.id)).status).to.equal(1);
      const bottle = expectData(await setStatus(a!.id, 0));
      expect(bottle).to.include({ status: 0, batchId: null });
      const detail = expectData(await t.request('GET', `/api/v1/batches/${batch.id}`, { token: t.tokens.operator }));
      expect(detail.batch.bottleCount).to.equal(1);
      expect(detail.bottles.map((x: { id: string }) => x.id)).to.deep.equal([b!.id]);
    });

    it('409 for a bottle of a complete batch (a sealed batch stays sealed)', async () => {
      const [a] = await createBottles(t, 1);
      await createBatch(t, [a!.id], { batchSize: 1 });
      expectError(await setStatus(a!.id, 4), 409, 'CONFLICT');
      expect((await getBottle(a!.id)).status).to.equal(1);
    });

    it('404 NOT_FOUND for an unknown bottle', async () => {
      expectError(await setStatus('01ZZZZZZZZZZZZZZZZZZZZZZZZ', 4), 404, 'NOT_FOUND');
    });

    it('400 VALIDATION_ERROR naming status for 9, -1, 4.5, "4", null, a missing or an extra field', async () => {
      const [a] = await createBottles(t, 1);
      for (const status of [9, -1, 4.5, '4', null, undefined]) {
        expectValidationError(await setStatus(a!.id, status), 'status');
      }
      expectValidationError(await t.request('PATCH', `${BOTTLES}/${a!.id}/status`, { token: t.tokens.manager, body: { status: 4, reason: 'x' } }), 'reason');
      expectValidationError(await t.request('PATCH', `${BOTTLES}/${a!.id}/status`, { token: t.tokens.manager, rawBody: '{"status":' }));
      expect((await getBottle(a!.id)).status).to.equal(0);
    });

    it('ADMIN may change statuses too', async () => {
      const [a] = await createBottles(t, 1);
      expect(expectData(await setStatus(a!.id, 4, t.tokens.admin)).status).to.equal(4);
    });
  });
});
