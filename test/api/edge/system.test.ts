import { expect } from 'chai';
import { expectData, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';

describe('edge API: /health and /api/v1/debug/actors', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  describe('GET /health', () => {
    it('is public and answers the service state', async () => {
      const data = expectData(await t.request('GET', '/health'));
      expect(data).to.include({ status: 'ok', service: 'okto-edge', line: 'running', scannersConnected: 1, mockMode: true });
      expect(data.uptimeSeconds).to.be.a('number').and.at.least(0);
    });

    it('ignores any Authorization header, even a bad one', async () => {
      expect(expectData(await t.request('GET', '/health', { token: 'garbage' })).status).to.equal('ok');
      expect(expectData(await t.request('GET', '/health', { token: t.tokens.operator })).status).to.equal('ok');
    });

    it('ignores a query string', async () => {
      expect(expectData(await t.request('GET', '/health?verbose=1')).status).to.equal('ok');
    });
  });

  describe('GET /api/v1/debug/actors', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: '/api/v1/debug/actors', role: 'ADMIN' }]);

    it('lists the live actors with their state', async () => {
      const actors = expectData(await t.request('GET', '/api/v1/debug/actors', { token: t.tokens.admin }));
      expect(actors).to.be.an('array').that.is.not.empty;
      for (const actor of actors) expect(actor).to.include.keys('id', 'path', 'status', 'state');
      const bySystemId = new Map(actors.filter((a: { systemId?: string }) => a.systemId).map((a: { systemId: string }) => [a.systemId, a]));
      for (const systemId of ['root', 'scanLine', 'aggregation', 'scanner.mock-1']) {
        expect(bySystemId.has(systemId), systemId).to.equal(true);
        expect((bySystemId.get(systemId) as { status: string }).status).to.equal('active');
      }
      expect((bySystemId.get('scanLine') as { state: unknown }).state).to.equal('running');
      expect((bySystemId.get('root') as { path: string }).path).to.equal('root');
    });
  });
});
