import { expect } from 'chai';
import { createUpsSimulator, type FakeUpsd, startFakeUpsd, type UpsSimulator } from '../../../adapters/ups/ups-simulator.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { waitFor } from '../../support/wait-for.js';

const SIMULATED = { enabled: true, driver: 'simulated', simulateEndpoint: true, pollIntervalMs: 100, resumeHoldOffMs: 200 };

describe('UPS API', function () {
  this.timeout(30_000);

  describe('not configured', () => {
    let t: TestEdge;
    before(async () => {
      t = await startTestEdge();
    });
    after(async () => t?.stop());

    it('answers 503 SERVICE_UNAVAILABLE on every route, saying why', async () => {
      const status = expectError(await t.request('GET', '/api/v1/ups/status', { token: t.tokens.operator }), 503, 'SERVICE_UNAVAILABLE');
      expect(status.message).to.match(/ups\.enabled is false/);
      expectError(await t.request('POST', '/api/v1/ups/test', { token: t.tokens.manager }), 503, 'SERVICE_UNAVAILABLE');
      expectError(await t.request('POST', '/api/v1/ups/simulate', { token: t.tokens.admin, body: { onBattery: true, batteryPercent: 50 } }), 503, 'SERVICE_UNAVAILABLE');
    });

    it('still authenticates first', async () => {
      expectError(await t.request('GET', '/api/v1/ups/status'), 401, 'UNAUTHORIZED');
      expectError(await t.request('POST', '/api/v1/ups/test', { token: t.tokens.operator }), 403, 'FORBIDDEN');
    });
  });

  describe('simulated UPS with the simulate endpoint', () => {
    let t: TestEdge;
    before(async () => {
      t = await startTestEdge({ ups: SIMULATED });
      await waitFor(async () => (await t.request('GET', '/api/v1/ups/status', { token: t.tokens.operator })).body?.data?.connection === 'connected', 5000, 'UPS connected');
    });
    after(async () => t?.stop());

    itRequiresAuth(() => t, [
      { method: 'GET', path: '/api/v1/ups/status' },
      { method: 'POST', path: '/api/v1/ups/test', role: 'MANAGER' },
      { method: 'POST', path: '/api/v1/ups/simulate', role: 'ADMIN', body: { onBattery: false, batteryPercent: 100 } },
    ]);

    it('GET /status: connection, reading and policy', async () => {
      const data = expectData(await t.request('GET', '/api/v1/ups/status', { token: t.tokens.operator }));
      expect(data).to.deep.include({ driver: 'simulated', host: null, port: null, upsName: 'ups', connection: 'connected', lastError: null, lowBatteryPercent: 20, resumeHoldOffMs: 200, simulateEndpoint: true });
      expect(data.reading).to.deep.include({ status: 'OL', online: true, onBattery: false, batteryPercent: 100 });
      expect(data.reading.at).to.match(/^\d{4}-\d\d-\d\dT/);
      expect(data.policy).to.deep.include({ state: 'online', reason: null, resumeAt: null, shutdownRequests: 0 });
    });

    it('POST /test reconnects and reads', async () => {
      const data = expectData(await t.request('POST', '/api/v1/ups/test', { token: t.tokens.manager }));
      expect(data).to.deep.include({ ok: true, outcome: 'read', error: null });
      expect(data.status.connection).to.equal('connected');
    });

    it('POST /simulate drives the UPS and answers with the state the policy acted on; back on line resumes', async () => {
      const data = expectData(await t.request('POST', '/api/v1/ups/simulate', { token: t.tokens.admin, body: { onBattery: true, batteryPercent: 55 } }));
      expect(data.reading).to.deep.include({ status: 'OB DISCHRG', onBattery: true, batteryPercent: 55 });
      await waitFor(async () => expectData(await t.request('GET', '/api/v1/ups/status', { token: t.tokens.operator })).policy.state === 'onBattery', 5000, 'policy onBattery');
      const line = expectData(await t.request('GET', '/api/v1/scanner/status', { token: t.tokens.operator }));
      expect(JSON.stringify(line)).to.include('on battery');

      expectData(await t.request('POST', '/api/v1/ups/simulate', { token: t.tokens.admin, body: { onBattery: false, batteryPercent: 56 } }));
      await waitFor(async () => expectData(await t.request('GET', '/api/v1/ups/status', { token: t.tokens.operator })).policy.state === 'online', 5000, 'policy online again');
    });

    it('POST /simulate offline: the connection fails and backs off; online again reconnects', async () => {
      const off = expectData(await t.request('POST', '/api/v1/ups/simulate', { token: t.tokens.admin, body: { onBattery: false, batteryPercent: 100, offline: true } }));
      expect(off.connection).to.be.oneOf(['backoff', 'connecting']);
      expect(off.lastError).to.equal('simulated UPS is offline');
      const test = expectData(await t.request('POST', '/api/v1/ups/test', { token: t.tokens.manager }));
      expect(test).to.deep.include({ ok: false, outcome: 'failed', error: 'simulated UPS is offline' });
      const on = expectData(await t.request('POST', '/api/v1/ups/simulate', { token: t.tokens.admin, body: { onBattery: false, batteryPercent: 100 } }));
      expect(on.connection).to.equal('connected');
    });

    it('POST /simulate validates its body', async () => {
      const post = (body: unknown) => t.request('POST', '/api/v1/ups/simulate', { token: t.tokens.admin, body });
      expectValidationError(await post({ onBattery: true }), 'batteryPercent');
      expectValidationError(await post({ onBattery: true, batteryPercent: 101 }), 'batteryPercent');
      expectValidationError(await post({ onBattery: true, batteryPercent: 12.5 }), 'batteryPercent');
      expectValidationError(await post({ onBattery: 'yes', batteryPercent: 10 }), 'onBattery');
      expectValidationError(await post({ onBattery: true, batteryPercent: 10, voltage: 230 }), 'voltage');
    });
  });

  describe('simulate endpoint off', () => {
    let t: TestEdge;
    before(async () => {
      t = await startTestEdge({ ups: { ...SIMULATED, simulateEndpoint: false } });
    });
    after(async () => t?.stop());

    it('POST /simulate is 404 NOT_FOUND with the reason, for the ADMIN too', async () => {
      const error = expectError(await t.request('POST', '/api/v1/ups/simulate', { token: t.tokens.admin, body: { onBattery: true, batteryPercent: 5 } }), 404, 'NOT_FOUND');
      expect(error.message).to.match(/simulation is off.*simulateEndpoint/);
    });
  });

  describe('NUT driver against the fake upsd', () => {
    let t: TestEdge;
    let simulator: UpsSimulator;
    let upsd: FakeUpsd;
    before(async () => {
      simulator = createUpsSimulator({ batteryPercent: 97 });
      upsd = await startFakeUpsd({ simulator, upsName: 'cabinet', users: { edge: 'top-secret-pw' } });
      t = await startTestEdge({
        ups: { enabled: true, driver: 'nut', port: upsd.port, upsName: 'cabinet', username: 'edge', password: 'top-secret-pw', pollIntervalMs: 100, timeoutMs: 300, backoff: { baseMs: 20, maxMs: 100 } },
      });
      await waitFor(async () => (await t.request('GET', '/api/v1/ups/status', { token: t.tokens.operator })).body?.data?.connection === 'connected', 5000, 'UPS connected');
    });
    after(async () => {
      await t?.stop();
      await upsd?.close();
    });

    it('GET /status shows where the UPS is and what it says, never the password', async () => {
      const res = await t.request('GET', '/api/v1/ups/status', { token: t.tokens.operator });
      const data = expectData(res);
      expect(data).to.deep.include({ driver: 'nut', host: '127.0.0.1', port: upsd.port, upsName: 'cabinet', connection: 'connected', simulateEndpoint: false });
      expect(data.peer).to.match(/127\.0\.0\.1:\d+/);
      expect(data.reading).to.deep.include({ status: 'OL CHRG', batteryPercent: 97, runtimeSeconds: 1800 });
      expect(JSON.stringify(res.body)).to.not.include('top-secret-pw');
      const actors = await t.request('GET', '/api/v1/debug/actors', { token: t.tokens.admin });
      expect(actors.status).to.equal(200);
      expect(JSON.stringify(actors.body), 'not in any actor context either').to.not.include('top-secret-pw');
    });

    it('POST /test: ok against a healthy upsd, failed (with the reason) against one talking garbage', async () => {
      expect(expectData(await t.request('POST', '/api/v1/ups/test', { token: t.tokens.manager }))).to.deep.include({ ok: true, outcome: 'read' });
      upsd.behave({ garbage: 'HELLO?' });
      const bad = expectData(await t.request('POST', '/api/v1/ups/test', { token: t.tokens.manager }));
      expect(bad).to.deep.include({ ok: false, outcome: 'failed' });
      expect(bad.error).to.match(/unexpected answer/);
      upsd.behave({});
      await waitFor(async () => expectData(await t.request('GET', '/api/v1/ups/status', { token: t.tokens.operator })).connection === 'connected', 5000, 'reconnected after backoff');
    });

    it('POST /simulate is 404 with the NUT driver', async () => {
      expectError(await t.request('POST', '/api/v1/ups/simulate', { token: t.tokens.admin, body: { onBattery: true, batteryPercent: 5 } }), 404, 'NOT_FOUND');
    });
  });
});
