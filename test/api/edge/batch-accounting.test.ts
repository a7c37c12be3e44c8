import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes, createBatch, createBottles } from '../../support/edge-fixtures.js';
import { invalidCode } from '../../support/scan-fixtures.js';

const BASE = '/api/v1/batch-accounting';

describe('edge API: /api/v1/batch-accounting', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  const load = (body: unknown) => t.request('POST', `${BASE}/buffer/load`, { token: t.tokens.manager, body });
  const verify = (body: unknown) => t.request('POST', `${BASE}/verify`, { token: t.tokens.operator, body });
  const buffer = async () => expectData(await t.request('GET', `${BASE}/buffer`, { token: t.tokens.operator }));
  const remove = (query: string) => t.request('DELETE', `${BASE}/buffer${query}`, { token: t.tokens.manager });

  describe('authentication: OPERATOR reads and verifies, MANAGER loads and deletes', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: `${BASE}/buffer` },
      { method: 'POST', path: `${BASE}/verify`, body: { code: 'x' } },
      { method: 'POST', path: `${BASE}/buffer/load`, role: 'MANAGER', body: { batchIdentifier: 'AUTH-1', codes: codes(1) } },
      { method: 'DELETE', path: `${BASE}/buffer?batch=NOT-LOADED`, role: 'MANAGER' },
    ]);
  });

  it('loads a local batch by identifier, verifies each code once, counts loaded/consumed/remaining, deletes', async () => {
    const bottles = await createBottles(t, 3);
    const { batch } = await createBatch(t, bottles.map((b) => b.id));
    const loaded = expectData(await load({ batchIdentifier: batch.identifier }), 201);
    expect(loaded).to.include({ batchIdentifier: batch.identifier, loaded: 3, consumed: 0, remaining: 3, added: 3 });
    expect(loaded.loadedAt).to.be.a('string');

    const ok = expectData(await verify({ code: bottles[0]!.identifier, consumedBy: 'station-2' }));
    expect(ok).to.include({ code: bottles[0]!.identifier, batchIdentifier: batch.identifier, consumedBy: 'station-2', remaining: 2 });
    const again = expectError(await verify({ code: bottles[0]!.identifier }), 409, 'CONFLICT');
    expect(again.message).to.match(/^Already consumed from batch/);
    expect(again.details).to.include({ batchIdentifier: batch.identifier, consumedBy: 'station-2' });

    const summary = await buffer();
    const entry = summary.batches.find((b: { batchIdentifier: string }) => b.batchIdentifier === batch.identifier);
    expect(entry).to.include({ loaded: 3, consumed: 1, remaining: 2 });
    expect(summary.loaded - summary.consumed).to.equal(summary.remaining);

    expect(expectData(await remove(`?batch=${batch.identifier}`))).to.deep.equal({ batchIdentifier: batch.identifier, removed: 3 });
    expectError(await verify({ code: bottles[1]!.identifier }), 404, 'NOT_FOUND');
    expectError(await remove(`?batch=${batch.identifier}`), 404, 'NOT_FOUND');
  });

  it('loads a batch made elsewhere from its codes; a repeat load adds nothing; codes of another loaded batch conflict', async () => {
    const list = codes(2);
    expect(expectData(await load({ batchIdentifier: 'SUPPLIER-42', codes: list }), 201)).to.include({ loaded: 2, added: 2 });
    expect(expectData(await load({ batchIdentifier: 'SUPPLIER-42', codes: list }), 201)).to.include({ loaded: 2, added: 0 });
    const conflict = expectError(await load({ batchIdentifier: 'SUPPLIER-43', codes: [list[0]] }), 409, 'CONFLICT');
    expect(conflict.details.codes[0]).to.include({ batchIdentifier: 'SUPPLIER-42' });
    expect(expectData(await verify({ code: list[1] }))).to.include({ batchIdentifier: 'SUPPLIER-42', consumedBy: null, remaining: 1 });
  });

  it('404 for a local batch that does not exist', async () => {
    expectError(await load({ batchIdentifier: 'B-2000-000001' }), 404, 'NOT_FOUND');
  });

  it('400 for bad input: missing or unknown fields, invalid codes, DELETE without ?batch', async () => {
    expectValidationError(await load({}), 'batchIdentifier');
    expectValidationError(await load({ batchIdentifier: 'X', extra: 1 }), 'extra');
    expectValidationError(await load({ batchIdentifier: 'X', codes: [] }), 'codes');
    expectValidationError(await load({ batchIdentifier: 'X', codes: [codes(1)[0], invalidCode(1)] }), 'codes.1');
    expectValidationError(await verify({}), 'code');
    expectValidationError(await verify({ code: invalidCode(2) }), 'code');
    expectValidationError(await verify({ code: codes(1)[0], consumedBy: '' }), 'consumedBy');
    expectValidationError(await remove(''), 'batch');
  });
});
