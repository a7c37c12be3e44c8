import { expect } from 'chai';
import { GS } from '../../../src/domain/codes/index.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes, createBatch, createBottles, printable, SPEC_EXAMPLE_CODE } from '../../support/edge-fixtures.js';

/** What an operator needs during a shift: find a bottle by its code, page through lists, close a partial box. */
describe('edge API: lookups, cursor paging and closing a batch by hand', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  describe('GET /api/v1/bottles/by-code', () => {
    it('finds a bottle by its marking code URL-encoded, with a raw GS, %1D or the printable substitute', async () => {
      const [bottle] = await createBottles(t, 1);
      const code = bottle!.identifier;
      expect(code).to.include(GS);
      for (const form of [code, printable(code)]) {
        const found = expectData(await t.request('GET', `/api/v1/bottles/by-code?code=${encodeURIComponent(form)}`, { token: t.tokens.operator }));
        expect(found.id).to.equal(bottle!.id);
      }
    });

    it('404 for a valid code never stored; 400 for an invalid code, a missing code or unknown parameters', async () => {
      expectError(await t.request('GET', `/api/v1/bottles/by-code?code=${encodeURIComponent(codes(1)[0]!)}`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('GET', '/api/v1/bottles/by-code?code=hello', { token: t.tokens.operator }), 'code');
      // The code is refused with the validator's stable reason code next to its English text.
      const refused = await t.request('GET', `/api/v1/bottles/by-code?code=${encodeURIComponent(SPEC_EXAMPLE_CODE)}`, { token: t.tokens.operator });
      expect(refused.status).to.equal(400);
      expect((refused.body as { error: { details: unknown } }).error.details).to.deep.include({ reason: 'GTIN check digit mismatch', reasonCode: 'CHECK_DIGIT', reasonParams: { field: 'GTIN' } });
      expectValidationError(await t.request('GET', '/api/v1/bottles/by-code', { token: t.tokens.operator }));
      expectValidationError(await t.request('GET', `/api/v1/bottles/by-code?code=x&id=1`, { token: t.tokens.operator }));
    });
  });

  describe('cursor paging', () => {
    it('bottles: pages newest first through X-Next-Cursor, no bottle twice, none skipped while new ones arrive', async () => {
      await createBottles(t, 7);
      const all = expectData(await t.request('GET', '/api/v1/bottles?limit=1000', { token: t.tokens.operator })).map((b: { id: string }) => b.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let first = true;
      do {
        const res = await t.request('GET', `/api/v1/bottles?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: t.tokens.operator });
        seen.push(...expectData(res).map((b: { id: string }) => b.id));
        cursor = res.headers.get('x-next-cursor');
        if (first) await createBottles(t, 2); // arrive at the head: not in this walk
        first = false;
      } while (cursor);
      expect(seen).to.deep.equal(all);
    });

    it('batches: nextCursor in the body; scans: X-Next-Cursor', async () => {
      for (let i = 0; i < 3; i++) await createBatch(t);
      const one = expectData(await t.request('GET', '/api/v1/batches?limit=2', { token: t.tokens.operator }));
      expect(one.batches).to.have.length(2);
      const two = expectData(await t.request('GET', `/api/v1/batches?limit=2&cursor=${one.nextCursor}`, { token: t.tokens.operator }));
      expect(two.batches[0].id < one.batches[1].id).to.equal(true);

      const res = await t.request('GET', '/api/v1/scanner/recent?limit=2', { token: t.tokens.operator });
      const next = res.headers.get('x-next-cursor');
      expect(next).to.be.a('string');
      const page2 = expectData(await t.request('GET', `/api/v1/scanner/recent?limit=2&cursor=${next}`, { token: t.tokens.operator }));
      expect(page2).to.have.length(2);
      expect(page2[0].bottleId).to.not.equal(expectData(res)[1].bottleId);
    });

    it('unknown parameters (offset, page) and a bad or foreign cursor are 400, never silently ignored', async () => {
      const eventsCursor = Buffer.from(JSON.stringify(['events', 5])).toString('base64url');
      for (const path of [
        '/api/v1/bottles?offset=10',
        '/api/v1/bottles?page=2',
        '/api/v1/bottles?cursor=nonsense',
        `/api/v1/bottles?cursor=${eventsCursor}`,
        '/api/v1/batches?offset=10',
        '/api/v1/batches?cursor=nonsense',
        '/api/v1/scanner/recent?page=2',
        `/api/v1/scanner/recent?cursor=${eventsCursor}`,
        '/api/v1/bottles/count?foo=1',
      ]) {
        expectValidationError(await t.request('GET', path, { token: t.tokens.operator }));
      }
    });
  });

  it('GET /scanner/recent shows the reason text the live answer gave, duplicates included', async () => {
    const [code] = codes(1);
    await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } });
    const live = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
    expect(live.message).to.equal('Duplicate code');
    const [latest] = expectData(await t.request('GET', '/api/v1/scanner/recent?limit=1', { token: t.tokens.operator }));
    expect(latest).to.include({ outcome: 'duplicate', message: live.message });
  });

  describe('POST /api/v1/batches/{id}/close', () => {
    it('closes a partial batch: complete with what it holds, announced, journaled with who', async () => {
      const bottles = await createBottles(t, 3);
      const { batch } = await createBatch(t, bottles.map((b) => b.id), { batchSize: 10 });
      const closed = expectData(await t.request('POST', `/api/v1/batches/${batch.id}/close`, { token: t.tokens.operator }));
      expect(closed.batch).to.include({ id: batch.id, status: 'complete' });
      expect(closed.bottleCount).to.equal(3);
      await t.edge.system.journal.flush();
      const [entry] = expectData(await t.request('GET', '/api/v1/events?source=aggregation&limit=1', { token: t.tokens.operator })).events;
      expect(entry).to.include({ messageKey: 'line.batch_closed', user: 'operator' });
      expect(entry.params).to.deep.equal({ batch: batch.identifier, count: 3 });
      // Closed: no more bottles, and closing again is a conflict.
      expectError(await t.request('POST', `/api/v1/batches/${batch.id}/close`, { token: t.tokens.operator }), 409, 'CONFLICT');
      const [extra] = await createBottles(t, 1);
      expectError(await t.request('POST', `/api/v1/batches/${batch.id}/bottles`, { token: t.tokens.operator, body: { bottles: [extra!.id] } }), 409, 'CONFLICT');
    });

    it('an empty batch is a conflict, an unknown one 404, a body with fields 400', async () => {
      const { batch } = await createBatch(t);
      expectError(await t.request('POST', `/api/v1/batches/${batch.id}/close`, { token: t.tokens.operator }), 409, 'CONFLICT');
      expectError(await t.request('POST', '/api/v1/batches/no-such-batch/close', { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('POST', `/api/v1/batches/${batch.id}/close`, { token: t.tokens.operator, body: { force: true } }));
    });
  });

  describe('auth', () => {
    itRequiresAuth(
      () => t,
      [
        { method: 'GET', path: '/api/v1/bottles/by-code?code=x' },
        { method: 'POST', path: '/api/v1/batches/x/close' },
      ],
    );
  });
});
