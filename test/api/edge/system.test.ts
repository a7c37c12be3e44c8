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

    it('answers its version and no reasons while everything is fine; live and ready answer 200', async () => {
      const data = expectData(await t.request('GET', '/health'));
      expect(data.reasons).to.deep.equal([]);
      expect(data.version).to.be.a('string').and.not.equal('');
      expect(expectData(await t.request('GET', '/health/live')).status).to.equal('ok');
      expect(expectData(await t.request('GET', '/health/ready'))).to.deep.equal({ ready: true, reasons: [] });
    });

    it('is degraded while the line is paused (still ready), ok again once resumed', async () => {
      expectData(await t.request('POST', '/api/v1/line/pause', { token: t.tokens.operator, body: { reason: 'changeover' } }));
      const paused = expectData(await t.request('GET', '/health'));
      expect(paused.status).to.equal('degraded');
      expect(paused.reasons).to.deep.equal([{ code: 'LINE_PAUSED', level: 'degraded', message: 'line paused: changeover' }]);
      expect((await t.request('GET', '/health/ready')).status).to.equal(200);
      expectData(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.operator, body: { reason: 'done' } }));
      expect(expectData(await t.request('GET', '/health')).status).to.equal('ok');
    });

    it('is down (503) and not ready while the database refuses writes', async () => {
      const writer = t.edge.system.db.writer;
      await writer.raw('PRAGMA query_only = ON');
      try {
        await new Promise((resolve) => setTimeout(resolve, 5100)); // past the probe's cache
        const res = await t.request('GET', '/health');
        expect(res.status).to.equal(503);
        expect(res.body.success).to.equal(true);
        expect(res.body.data.status).to.equal('down');
        expect(res.body.data.reasons.map((r: { code: string }) => r.code)).to.include('DATABASE_UNWRITABLE');
        expect((await t.request('GET', '/health/ready')).status).to.equal(503);
        expect((await t.request('GET', '/health/live')).status).to.equal(200);
      } finally {
        await writer.raw('PRAGMA query_only = OFF');
      }
      expect(expectData(await t.request('GET', '/health')).status).to.equal('ok');
    }).timeout(20_000);

    it('is down (503) once the scan line stops (draining for shutdown)', async () => {
      t.edge.system.scanLine().send({ type: 'DRAIN' });
      const res = await t.request('GET', '/health');
      expect(res.status).to.equal(503);
      expect(res.body.data.reasons).to.deep.include({ code: 'LINE_NOT_RUNNING', level: 'down', message: 'the scan line is drained' });
      t.edge.system.scanLine().send({ type: 'RESUME' });
      expect(expectData(await t.request('GET', '/health')).status).to.equal('ok');
    });
  });

  describe('GET /api/v1/debug/actors', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: '/api/v1/debug/actors', role: 'ADMIN' }]);

    it('lists the live actors with their state', async () => {
      const actors = expectData(await t.request('GET', '/api/v1/debug/actors', { token: t.tokens.admin }));
      expect(actors).to.be.an('array').that.is.not.empty;
      for (const actor of actors) expect(actor).to.include.keys('id', 'path', 'status', 'state');
      const bySystemId = new Map(actors.filter((a: { systemId?: string }) => a.systemId).map((a: { systemId: string }) => [a.systemId, a]));
      for (const systemId of ['root', 'scanLine', 'bottleLedger', 'scanner.mock-1']) {
        expect(bySystemId.has(systemId), systemId).to.equal(true);
        expect((bySystemId.get(systemId) as { status: string }).status).to.equal('active');
      }
      expect((bySystemId.get('scanLine') as { state: unknown }).state).to.equal('running');
      expect((bySystemId.get('root') as { path: string }).path).to.equal('root');
    });
  });
});
