import { expect } from 'chai';
import { DEMO_SEED } from '../../../src/cloud-sim/seed.js';
import type { CloudSim } from '../../../src/cloud-sim/server.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import {
  directCloudOverrides,
  getData,
  provisionThroughApi,
  type RestartableEdge,
  simAdmin,
  startRestartableEdge,
  startSim,
  waitForEmptyQueue,
} from '../../support/direct-cloud.js';
import { codes } from '../../support/edge-fixtures.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { waitFor } from '../../support/wait-for.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const COMPANY = { id: 'company-001', name: 'Demo Factory LLC', industry: 'milk', timeZone: 'Europe/Moscow' };

describe('edge API: connection, cloud and sync (against the cloud simulator)', function () {
  this.timeout(60_000);
  let sim: CloudSim;
  let t: TestEdge;

  before(async () => {
    sim = await startSim();
  });
  after(async () => {
    await sim?.close();
  });

  const as = (role: 'operator' | 'manager' | 'admin') => ({ token: t.tokens[role] });
  const setMode = (body: unknown, edge = t) => edge.request('PUT', '/api/v1/connection/mode', { token: edge.tokens.admin, body });
  const scan = async (list: string[], edge = t) => {
    for (const code of list) expect(expectData(await edge.request('POST', '/api/v1/scanner/scan', { token: edge.tokens.operator, body: { code } })).outcome).to.equal('accepted');
  };

  describe('authentication and roles', () => {
    // One edge for the whole matrix (about 70 requests, none of which changes what the next one sees).
    let shared: TestEdge;
    before(async () => {
      shared = await startTestEdge(directCloudOverrides(sim));
    });
    after(async () => {
      await shared?.stop();
    });
    itRequiresAuth(() => shared, [
      { method: 'GET', path: '/api/v1/connection/mode' },
      { method: 'PUT', path: '/api/v1/connection/mode', role: 'ADMIN', body: {} },
      { method: 'GET', path: '/api/v1/connection/status' },
      { method: 'GET', path: '/api/v1/cloud/lines' },
      { method: 'GET', path: '/api/v1/cloud/codes' },
      { method: 'GET', path: '/api/v1/cloud/company' },
      { method: 'POST', path: '/api/v1/cloud/sync' },
      { method: 'GET', path: '/api/v1/sync/status' },
      { method: 'GET', path: '/api/v1/sync/parked' },
    ]);
  });

  describe('behaviour (a fresh edge per test)', () => {
    beforeEach(async () => {
      await simAdmin(sim, '/reset');
      t = await startTestEdge(directCloudOverrides(sim));
    });
    afterEach(async () => {
      sim.faults.clear();
      await t.stop();
    });

    describe('connection mode', () => {
      it('is DIRECT_CLOUD by default', async () => {
        expect(expectData(await t.request('GET', '/api/v1/connection/mode', as('operator')))).to.deep.equal({ mode: 'DIRECT_CLOUD' });
      });

      it('switches to VIA_LOCAL_SERVER and back', async () => {
        expect(expectData(await setMode({ mode: 'VIA_LOCAL_SERVER' }))).to.deep.equal({ mode: 'VIA_LOCAL_SERVER' });
        expect(expectData(await t.request('GET', '/api/v1/connection/mode', as('operator')))).to.deep.equal({ mode: 'VIA_LOCAL_SERVER' });
        expect(expectData(await setMode({ mode: 'DIRECT_CLOUD' }))).to.deep.equal({ mode: 'DIRECT_CLOUD' });
        expect(expectData(await t.request('GET', '/api/v1/connection/mode', as('operator')))).to.deep.equal({ mode: 'DIRECT_CLOUD' });
      });

      it('refuses bad input with 400 and keeps the mode', async () => {
        expectValidationError(await t.request('PUT', '/api/v1/connection/mode', { ...as('admin'), rawBody: '{"mode":' }));
        expectValidationError(await setMode({}), 'mode');
        expectValidationError(await setMode({ mode: 'CLOUD' }), 'mode');
        expectValidationError(await setMode({ mode: 'direct_cloud' }), 'mode');
        expectValidationError(await setMode({ mode: 1 }), 'mode');
        expectValidationError(await setMode({ mode: 'DIRECT_CLOUD', url: 'http://x' }), 'url');
        expectValidationError(await setMode(['VIA_LOCAL_SERVER']));
        expect(expectData(await t.request('GET', '/api/v1/connection/mode', as('operator')))).to.deep.equal({ mode: 'DIRECT_CLOUD' });
      });

      describe('persistence', () => {
        let edge: RestartableEdge;
        afterEach(async () => {
          await edge?.dispose();
        });

        it('VIA_LOCAL_SERVER survives a restart, and the status then says the target is not configured', async () => {
          edge = await startRestartableEdge(sim);
          await provisionThroughApi(edge.t);
          expectData(await setMode({ mode: 'VIA_LOCAL_SERVER' }, edge.t));
          const restarted = await edge.restart();
          expect(expectData(await restarted.request('GET', '/api/v1/connection/mode', { token: restarted.tokens.operator }))).to.deep.equal({ mode: 'VIA_LOCAL_SERVER' });
          // Still provisioned, but nothing goes to the cloud in this mode.
          await waitFor(async () => (await getData(restarted, '/api/v1/provision/status')).status === 'PROVISIONED', 10_000, 'PROVISIONED after restart');
          const status = await getData(restarted, '/api/v1/connection/status');
          expect(status).to.include({ mode: 'VIA_LOCAL_SERVER', connected: false });
          expect(status.target.ready).to.equal(false);
          expect(status.target.reason).to.match(/not configured/);
          await scan(codes(2), restarted);
          const trigger = expectError(await restarted.request('POST', '/api/v1/cloud/sync', { token: restarted.tokens.operator }), 409, 'CONFLICT');
          expect(trigger.message).to.match(/not configured/);
          expect((await getData(restarted, '/api/v1/sync/status')).queueSize).to.equal(2);

          // Back to DIRECT_CLOUD: the queue finds its target and drains.
          expectData(await setMode({ mode: 'DIRECT_CLOUD' }, restarted));
          await waitForEmptyQueue(restarted);
          await waitFor(async () => (await getData(restarted, '/api/v1/connection/status')).connected === true, 10_000, 'connected');
        });
      });
    });

    describe('connection status', () => {
      it('before provisioning: DIRECT_CLOUD, not connected, the reason given', async () => {
        const status = await getData(t, '/api/v1/connection/status');
        expect(status).to.deep.equal({
          mode: 'DIRECT_CLOUD',
          modeReason: null,
          connected: false,
          lastSync: null,
          queueSize: 0,
          target: { ready: false, reason: 'Not provisioned: sign in and activate a device (DIRECT_CLOUD mode)', lastError: null },
        });
      });

      it('once provisioned and synced: connected, with the last sync time and the queue size', async () => {
        await provisionThroughApi(t);
        await scan(codes(3));
        await waitForEmptyQueue(t);
        const status = await waitFor(async () => {
          const s = await getData(t, '/api/v1/connection/status');
          return s.connected ? s : null;
        }, 10_000, 'connected');
        expect(status).to.include({ mode: 'DIRECT_CLOUD', connected: true, queueSize: 0 });
        expect(status.lastSync).to.match(ISO);
        expect(status.target).to.deep.equal({ ready: true, reason: null, lastError: null });
      });
    });

    describe('cloud reference data', () => {
      it('before provisioning: 409 with a clear message, never an empty list', async () => {
        for (const what of ['lines', 'codes', 'company']) {
          const error = expectError(await t.request('GET', `/api/v1/cloud/${what}`, as('operator')), 409, 'CONFLICT');
          expect(error.message).to.equal('This edge is not provisioned: sign in and activate a device first (POST /api/v1/provision/signin)');
        }
      });

      it('once provisioned: lines, codes and company from the cloud, with where they came from', async () => {
        await provisionThroughApi(t);
        const lines = await t.request('GET', '/api/v1/cloud/lines', as('operator'));
        expect(expectData(lines)).to.deep.equal(DEMO_SEED.lines);
        expect(lines.body.meta).to.include({ source: 'cloud', ageSeconds: 0 });
        expect(lines.body.meta.fetchedAt).to.match(ISO);

        const codesRes = expectData(await t.request('GET', '/api/v1/cloud/codes', as('operator')));
        expect(codesRes).to.deep.equal(DEMO_SEED.products.map((p) => ({ gtin: p.gtin, productId: p.id, name: p.name, issued: p.codesIssued, reported: 0 })));
        expect(expectData(await t.request('GET', '/api/v1/cloud/company', as('operator')))).to.deep.equal(COMPANY);
      });

      it('while the cloud is down: the cached copy with its age; 503 for what was never fetched', async () => {
        await provisionThroughApi(t);
        expectData(await t.request('GET', '/api/v1/cloud/company', as('operator')));
        sim.faults.set({ mode: 'refuse' });
        const cached = await t.request('GET', '/api/v1/cloud/company', as('operator'));
        expect(expectData(cached)).to.deep.equal(COMPANY);
        expect(cached.body.meta.source).to.equal('cache');
        expect(cached.body.meta.ageSeconds).to.be.a('number').at.least(0);
        expect(cached.body.meta.error).to.match(/OKTO Cloud unreachable/);
        const error = expectError(await t.request('GET', '/api/v1/cloud/lines', as('operator')), 503, 'SERVICE_UNAVAILABLE');
        expect(error.message).to.match(/nothing cached yet$/);
      });
    });

    describe('sync', () => {
      it('POST /cloud/sync before provisioning: 409 with the reason', async () => {
        const error = expectError(await t.request('POST', '/api/v1/cloud/sync', as('operator')), 409, 'CONFLICT');
        expect(error.message).to.equal('Not provisioned: sign in and activate a device (DIRECT_CLOUD mode)');
        expect(error.details).to.deep.equal({ state: 'offline' });
      });

      it('POST /cloud/sync once provisioned: 202, and the queue drains', async () => {
        await scan(codes(4));
        await provisionThroughApi(t);
        const res = await t.request('POST', '/api/v1/cloud/sync', as('operator'));
        const data = expectData(res, 202);
        expect(data.triggered).to.equal(true);
        expect(data.queueSize).to.be.a('number').within(0, 4);
        await waitForEmptyQueue(t);
      });

      it('GET /sync/status has the spec\'s shape, counting what waits and what went', async () => {
        const empty = await getData(t, '/api/v1/sync/status');
        expect(empty).to.include({ queueSize: 0, oldestItem: null, lastSync: null, syncErrors: 0 });
        expect(Object.keys(empty)).to.include.members(['queueSize', 'oldestItem', 'lastSync', 'syncErrors']);

        await scan(codes(3));
        const waiting = await getData(t, '/api/v1/sync/status');
        expect(waiting.queueSize).to.equal(3);
        expect(waiting.oldestItem).to.match(ISO);
        expect(waiting.state).to.equal('offline');

        await provisionThroughApi(t);
        await waitForEmptyQueue(t);
        // The rows leave the outbox in the drain's transaction; the queue actor counts them when it
        // hears the drain's result, a moment later.
        const done = await waitFor(async () => {
          const status = await getData(t, '/api/v1/sync/status');
          return status.synced === 3 ? status : null;
        }, 10_000, 'the synced count');
        expect(done).to.include({ queueSize: 0, oldestItem: null, syncErrors: 0, parked: 0, synced: 3, lastError: null });
        expect(done.lastSync).to.match(ISO);
      });

      it('counts failed attempts in syncErrors while the cloud answers 503', async () => {
        await provisionThroughApi(t);
        await simAdmin(sim, '/faults', { mode: 'error503', paths: ['/device/sync'] });
        await scan(codes(2));
        const failing = await waitFor(async () => {
          const s = await getData(t, '/api/v1/sync/status');
          return s.syncErrors >= 2 ? s : null;
        }, 10_000, 'two failed attempts');
        expect(failing.queueSize).to.equal(2);
        expect(failing.lastError).to.match(/HTTP 503/);
        await simAdmin(sim, '/faults', { mode: 'none' });
        await waitForEmptyQueue(t);
      });

      it('GET /sync/parked is empty when nothing was refused', async () => {
        expect(await getData(t, '/api/v1/sync/parked')).to.deep.equal([]);
      });

      it('no status ever carries a token', async () => {
        await provisionThroughApi(t);
        await scan(codes(2));
        await waitForEmptyQueue(t);
        const context = t.edge.system.provisioning().getSnapshot().context as { userToken: string; deviceToken: string };
        for (const path of ['/api/v1/connection/status', '/api/v1/connection/mode', '/api/v1/sync/status', '/api/v1/sync/parked', '/api/v1/provision/status', '/api/v1/provision/device']) {
          const body = JSON.stringify((await t.request('GET', path, as('operator'))).body);
          expect(body, path).to.not.include(context.deviceToken);
          expect(body, path).to.not.include(context.userToken);
          expect(body.toLowerCase(), path).to.not.include('token');
        }
      });
    });
  });
});
