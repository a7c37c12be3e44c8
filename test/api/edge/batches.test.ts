import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { createBatch, createBottles } from '../../support/edge-fixtures.js';

const BATCHES = '/api/v1/batches';
const IDENTIFIER = /^B-(\d{4})-(\d{6})$/;
const UNKNOWN_ID = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';

const sequenceOf = (identifier: string): number => Number(IDENTIFIER.exec(identifier)![2]);

describe('edge API: /api/v1/batches', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  const post = (body: unknown) => t.request('POST', BATCHES, { token: t.tokens.operator, body });
  const add = (batchId: string, bottles: unknown) => t.request('POST', `${BATCHES}/${batchId}/bottles`, { token: t.tokens.operator, body: { bottles } });
  const getBatch = async (id: string) => expectData(await t.request('GET', `${BATCHES}/${id}`, { token: t.tokens.operator }));
  const getBottle = async (id: string) => expectData(await t.request('GET', `/api/v1/bottles/${id}`, { token: t.tokens.operator }));
  const list = async (query = '') => expectData(await t.request('GET', `${BATCHES}${query}`, { token: t.tokens.operator }));

  describe('authentication', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: BATCHES },
      { method: 'POST', path: BATCHES, body: { batch: { name: 'auth' } } },
      { method: 'GET', path: `${BATCHES}/${UNKNOWN_ID}` },
      { method: 'POST', path: `${BATCHES}/${UNKNOWN_ID}/bottles`, body: { bottles: ['x'] } },
    ]);
  });

  describe('POST (create)', () => {
    it('201 {batch, bottleCount}: identifier B-YYYY-NNNNNN, in_progress, the bottles moved to In Batch (1)', async () => {
      const bottles = await createBottles(t, 3);
      const data = expectData(await post({ batch: { name: 'Batch 1234', deviceId: 'device-001' }, bottles: bottles.map((b) => b.id) }), 201);
      expect(data.bottleCount).to.equal(3);
      expect(data.batch).to.include({ name: 'Batch 1234', status: 'in_progress', bottleCount: 3, deviceId: 'device-001' });
      expect(data.batch.id).to.be.a('string').and.not.empty;
      const match = IDENTIFIER.exec(data.batch.identifier);
      expect(match, data.batch.identifier).to.not.equal(null);
      expect(Number(match![1])).to.equal(new Date().getUTCFullYear());
      for (const b of bottles) expect(await getBottle(b.id)).to.include({ status: 1, batchId: data.batch.id });
    });

    it('identifiers come from a sequence: each new batch is the previous one + 1', async () => {
      const first = await createBatch(t);
      const second = await createBatch(t);
      const third = await createBatch(t);
      expect(sequenceOf(second.batch.identifier)).to.equal(sequenceOf(first.batch.identifier) + 1);
      expect(sequenceOf(third.batch.identifier)).to.equal(sequenceOf(second.batch.identifier) + 1);
      expect(new Set([first.batch.id, second.batch.id, third.batch.id]).size).to.equal(3);
    });

    it('without batchSize takes line.batchSize (50) and the line device; batchSize null means no limit', async () => {
      const plain = await createBatch(t);
      expect(plain.batch).to.include({ batchSize: 50, deviceId: 'edge-001', bottleCount: 0, status: 'in_progress' });
      expect(plain.bottleCount).to.equal(0);
      const unlimited = await createBatch(t, [], { batchSize: null });
      expect(unlimited.batch.batchSize).to.equal(null);
      const many = await createBottles(t, 60);
      expect(expectData(await add(unlimited.batch.id, many.map((b) => b.id))).bottleCount).to.equal(60);
    });

    it('a batch created full is complete at once', async () => {
      const bottles = await createBottles(t, 2);
      const data = await createBatch(t, bottles.map((b) => b.id), { batchSize: 2 });
      expect(data.batch).to.include({ status: 'complete', bottleCount: 2, batchSize: 2 });
    });

    it('counts a bottle listed twice once', async () => {
      const [a] = await createBottles(t, 1);
      expect((await createBatch(t, [a!.id, a!.id])).bottleCount).to.equal(1);
    });

    it('404 NOT_FOUND for an unknown bottle, naming it, and creates no batch', async () => {
      const [a] = await createBottles(t, 1);
      const before = (await list()).total;
      const error = expectError(await post({ batch: { name: 'x' }, bottles: [a!.id, UNKNOWN_ID] }), 404, 'NOT_FOUND');
      expect(error.details.bottleIds).to.deep.equal([UNKNOWN_ID]);
      expect((await list()).total).to.equal(before);
      expect((await getBottle(a!.id)).status).to.equal(0);
    });

    it('409 CONFLICT for a bottle already in another batch; it stays where it was', async () => {
      const [a, b] = await createBottles(t, 2);
      const first = await createBatch(t, [a!.id]);
      expectError(await post({ batch: { name: 'second' }, bottles: [b!.id, a!.id] }), 409, 'CONFLICT');
      expect((await getBottle(a!.id)).batchId).to.equal(first.batch.id);
      expect(await getBottle(b!.id)).to.include({ status: 0, batchId: null });
    });

    it('409 for a rejected or deleted bottle', async () => {
      const [rejected, deleted] = await createBottles(t, 2);
      expectData(await t.request('PATCH', `/api/v1/bottles/${rejected!.id}/status`, { token: t.tokens.manager, body: { status: 4 } }));
      expectData(await t.request('PATCH', `/api/v1/bottles/${deleted!.id}/status`, { token: t.tokens.manager, body: { status: 5 } }));
      expectError(await post({ batch: { name: 'x' }, bottles: [rejected!.id] }), 409, 'CONFLICT');
      expectError(await post({ batch: { name: 'x' }, bottles: [deleted!.id] }), 409, 'CONFLICT');
    });

    it('409 when given more bottles than its batchSize', async () => {
      const bottles = await createBottles(t, 3);
      expectError(await post({ batch: { name: 'x', batchSize: 2 }, bottles: bottles.map((b) => b.id) }), 409, 'CONFLICT');
      for (const b of bottles) expect((await getBottle(b.id)).status).to.equal(0);
    });

    it('400 VALIDATION_ERROR naming the field for bad bodies', async () => {
      const cases: Array<[unknown, string]> = [
        [{}, 'batch'],
        [{ batch: 'x' }, 'batch'],
        [{ batch: {} }, 'batch.name'],
        [{ batch: { name: '' } }, 'batch.name'],
        [{ batch: { name: 12 } }, 'batch.name'],
        [{ batch: { name: 'n'.repeat(129) } }, 'batch.name'],
        [{ batch: { name: 'x', batchSize: 0 } }, 'batch.batchSize'],
        [{ batch: { name: 'x', batchSize: 1.5 } }, 'batch.batchSize'],
        [{ batch: { name: 'x', batchSize: '10' } }, 'batch.batchSize'],
        [{ batch: { name: 'x', deviceId: '' } }, 'batch.deviceId'],
        [{ batch: { name: 'x', color: 'red' } }, 'batch.color'],
        [{ batch: { name: 'x' }, bottles: 'b1' }, 'bottles'],
        [{ batch: { name: 'x' }, bottles: [1] }, 'bottles.0'],
        [{ batch: { name: 'x' }, bottles: [''] }, 'bottles.0'],
        [{ batch: { name: 'x' }, extra: 1 }, 'extra'],
      ];
      const before = (await list()).total;
      for (const [body, field] of cases) expectValidationError(await post(body), field);
      expectValidationError(await t.request('POST', BATCHES, { token: t.tokens.operator, rawBody: '{"batch":{"name":"x"' }));
      expect((await list()).total).to.equal(before);
    });
  });

  describe('GET (list)', () => {
    it('{batches, total}, newest first', async () => {
      const a = await createBatch(t);
      const b = await createBatch(t);
      const data = await list();
      expect(Object.keys(data).sort()).to.deep.equal(['batches', 'nextCursor', 'total']);
      expect(data.total).to.be.at.least(2);
      expect(data.batches[0].id).to.equal(b.batch.id);
      expect(data.batches[1].id).to.equal(a.batch.id);
      expect(data.batches[0]).to.include.keys('id', 'identifier', 'name', 'status', 'bottleCount', 'createdAt');
    });

    it('limit caps the list but total counts every match', async () => {
      await createBatch(t);
      await createBatch(t);
      const data = await list('?limit=1');
      expect(data.batches).to.have.length(1);
      expect(data.total).to.be.at.least(2);
      expect(data.total).to.equal((await list('?limit=1000')).batches.length);
    });

    it('deviceId filters by device', async () => {
      const mine = await createBatch(t, [], { deviceId: 'device-filter' });
      const data = await list('?deviceId=device-filter');
      expect(data).to.deep.equal({ batches: [mine.batch], total: 1, nextCursor: null });
      expect(await list('?deviceId=no-such-device')).to.deep.equal({ batches: [], total: 0, nextCursor: null });
    });

    it('sentStatus filters by sent status (new batches are pending)', async () => {
      const fresh = await createBatch(t);
      const pending = await list('?sentStatus=pending&limit=1000');
      expect(pending.batches.map((b: { id: string }) => b.id)).to.include(fresh.batch.id);
      expect(pending.batches.every((b: { sentStatus: string }) => b.sentStatus === 'pending')).to.equal(true);
      expect(await list('?sentStatus=synced')).to.deep.equal({ batches: [], total: 0, nextCursor: null });
    });

    it('400 naming the parameter for bad query values', async () => {
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=1001', 'limit'],
        ['sentStatus=bogus', 'sentStatus'],
        ['deviceId=', 'deviceId'],
      ]) {
        expectValidationError(await t.request('GET', `${BATCHES}?${query}`, { token: t.tokens.operator }), field);
      }
    });
  });

  describe('GET /:id', () => {
    it('{batch, bottles} with the spec fields and the batch bottles', async () => {
      const bottles = await createBottles(t, 2);
      const created = await createBatch(t, bottles.map((b) => b.id), { batchSize: 5, deviceId: 'device-001' });
      const data = await getBatch(created.batch.id);
      expect(data.batch).to.include({ id: created.batch.id, identifier: created.batch.identifier, name: 'Test batch', status: 'in_progress', batchSize: 5, deviceId: 'device-001', bottleCount: 2 });
      expect(data.batch.createdAt).to.be.a('string');
      expect(data.bottles.map((b: { id: string }) => b.id).sort()).to.deep.equal(bottles.map((b) => b.id).sort());
      for (const bottle of data.bottles) {
        expect(bottle.identifier).to.equal(bottles.find((b) => b.id === bottle.id)!.identifier);
      }
    });

    it('404 NOT_FOUND for an unknown batch; 400 for an over-long id', async () => {
      expectError(await t.request('GET', `${BATCHES}/${UNKNOWN_ID}`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('GET', `${BATCHES}/${'b'.repeat(65)}`, { token: t.tokens.operator }), 'id');
    });
  });

  describe('POST /:id/bottles', () => {
    it('adds bottles: they move to In Batch (1) with the batchId; answers {batch, bottleCount}', async () => {
      const { batch } = await createBatch(t, [], { batchSize: 10 });
      const bottles = await createBottles(t, 3);
      const data = expectData(await add(batch.id, bottles.map((b) => b.id)));
      expect(data.bottleCount).to.equal(3);
      expect(data.batch).to.include({ id: batch.id, bottleCount: 3, status: 'in_progress' });
      for (const b of bottles) expect(await getBottle(b.id)).to.include({ status: 1, batchId: batch.id });
      const more = await createBottles(t, 2);
      expect(expectData(await add(batch.id, more.map((b) => b.id))).bottleCount).to.equal(5);
      expect((await getBatch(batch.id)).bottles).to.have.length(5);
    });

    it('adding a bottle that is already in this batch changes nothing', async () => {
      const [a] = await createBottles(t, 1);
      const { batch } = await createBatch(t, [a!.id], { batchSize: 10 });
      expect(expectData(await add(batch.id, [a!.id])).bottleCount).to.equal(1);
    });

    it('becomes complete when full, then takes no more (409)', async () => {
      const { batch } = await createBatch(t, [], { batchSize: 2 });
      const [a, b, c] = await createBottles(t, 3);
      expect(expectData(await add(batch.id, [a!.id])).batch.status).to.equal('in_progress');
      const full = expectData(await add(batch.id, [b!.id]));
      expect(full.batch).to.include({ status: 'complete', bottleCount: 2 });
      expect((await getBatch(batch.id)).batch.status).to.equal('complete');
      expectError(await add(batch.id, [c!.id]), 409, 'CONFLICT');
      expect(await getBottle(c!.id)).to.include({ status: 0, batchId: null });
    });

    it('409 when the bottles do not fit in the room left; nothing is added', async () => {
      const { batch } = await createBatch(t, [], { batchSize: 2 });
      const bottles = await createBottles(t, 3);
      const error = expectError(await add(batch.id, bottles.map((b) => b.id)), 409, 'CONFLICT');
      expect(error.details).to.include({ batchSize: 2, bottleCount: 0 });
      expect((await getBatch(batch.id)).bottles).to.deep.equal([]);
    });

    it('409 CONFLICT for a bottle already in another batch', async () => {
      const [a] = await createBottles(t, 1);
      const first = await createBatch(t, [a!.id]);
      const second = await createBatch(t);
      const error = expectError(await add(second.batch.id, [a!.id]), 409, 'CONFLICT');
      expect(error.details.bottles).to.deep.equal([{ bottleId: a!.id, batchId: first.batch.id }]);
      expect((await getBottle(a!.id)).batchId).to.equal(first.batch.id);
    });

    it('404 NOT_FOUND for an unknown bottle; the known ones of the request are not added', async () => {
      const { batch } = await createBatch(t);
      const [a] = await createBottles(t, 1);
      const error = expectError(await add(batch.id, [a!.id, UNKNOWN_ID]), 404, 'NOT_FOUND');
      expect(error.details.bottleIds).to.deep.equal([UNKNOWN_ID]);
      expect(await getBottle(a!.id)).to.include({ status: 0, batchId: null });
    });

    it('404 NOT_FOUND for an unknown batch', async () => {
      const [a] = await createBottles(t, 1);
      expectError(await add(UNKNOWN_ID, [a!.id]), 404, 'NOT_FOUND');
      expect((await getBottle(a!.id)).status).to.equal(0);
    });

    it('400 naming the field for bad bodies', async () => {
      const { batch } = await createBatch(t);
      const path = `${BATCHES}/${batch.id}/bottles`;
      expectValidationError(await add(batch.id, []), 'bottles');
      expectValidationError(await add(batch.id, 'x'), 'bottles');
      expectValidationError(await add(batch.id, [42]), 'bottles.0');
      expectValidationError(await t.request('POST', path, { token: t.tokens.operator, body: {} }), 'bottles');
      expectValidationError(await t.request('POST', path, { token: t.tokens.operator, body: { bottles: ['a'], force: true } }), 'force');
      expectValidationError(await t.request('POST', path, { token: t.tokens.operator, rawBody: '{"bottles":["a"' }));
    });
  });
});
