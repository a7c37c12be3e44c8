import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { edgeSecret, expectData, expectError, expectValidationError } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { badDeviceTokens, deleteDevice, getDevice, heartbeat, overview, reissue, UNAUTHORIZED } from '../../support/factory-api-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describeOnBothDatabases('factory API: device tokens and POST /api/v1/devices/{id}/heartbeat', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db);
  });
  after(async () => {
    await t?.stop();
  });

  describe('POST /devices/{id}/token', () => {
    it('201 {deviceId, token, tokenId, expiresAt}, not cacheable; a device JWT (typ device, sub, jti); the device shows tokenIssued', async () => {
      expectData(await t.request('POST', '/api/v1/devices', { token: t.tokens.manager, body: { id: 'tok-1', name: 'x' } }), 201);
      const res = await t.request('POST', '/api/v1/devices/tok-1/token', { token: t.tokens.admin });
      const data = expectData(res, 201);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      expect(data).to.have.all.keys('deviceId', 'token', 'tokenId', 'expiresAt');
      expect(data.deviceId).to.equal('tok-1');
      expect(data.expiresAt).to.match(ISO);
      expect(Date.parse(data.expiresAt)).to.be.greaterThan(Date.now() + 300 * 24 * 3600_000);
      const claims = jwt.verify(data.token, edgeSecret(t)) as jwt.JwtPayload;
      expect(claims).to.include({ sub: 'tok-1', typ: 'device', jti: data.tokenId });
      const device = await getDevice(t, 'tok-1');
      expect(device.tokenIssued).to.equal(true);
      expect(JSON.stringify(device)).to.not.include(data.token);
    });

    it('404 for an unknown device; 400 for an invalid id; a body is ignored', async () => {
      expectError(await t.request('POST', '/api/v1/devices/nobody/token', { token: t.tokens.manager }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('POST', `/api/v1/devices/${'n'.repeat(80)}/token`, { token: t.tokens.manager }), 'id');
      await t.enrol('tok-body');
      expectData(await t.request('POST', '/api/v1/devices/tok-body/token', { token: t.tokens.manager, body: { anything: 1 } }), 201);
    });

    it("re-issuing revokes the previous token at once (401), the new one works; the old one stays revoked after a restart", async () => {
      const first = await t.enrol('tok-reissue');
      expectData(await heartbeat(t, 'tok-reissue', first));
      const second = await reissue(t, 'tok-reissue');
      expect(second).to.not.equal(first);
      expect(UNAUTHORIZED(await heartbeat(t, 'tok-reissue', first)).message).to.match(/revoked|removed/i);
      expectData(await heartbeat(t, 'tok-reissue', second));
      await t.restart();
      UNAUTHORIZED(await heartbeat(t, 'tok-reissue', first));
      expectData(await heartbeat(t, 'tok-reissue', second));
    });

    it("a deleted device's token is refused (401), also after the id is registered again", async () => {
      const token = await t.enrol('tok-deleted');
      await deleteDevice(t, 'tok-deleted');
      UNAUTHORIZED(await heartbeat(t, 'tok-deleted', token));
      UNAUTHORIZED(await t.request('POST', '/api/v1/sync', { token, body: { items: [{ id: 'x', kind: 'bottle.created', payload: {} }] } }));
      expectData(await t.request('POST', '/api/v1/devices', { token: t.tokens.manager, body: { id: 'tok-deleted', name: 'again' } }), 201);
      UNAUTHORIZED(await heartbeat(t, 'tok-deleted', token));
    });
  });

  describe('POST /devices/{id}/heartbeat', () => {
    it('200 {deviceId, status: online, receivedAt}; the device is online with its lastHeartbeat and what it reported', async () => {
      const token = await t.enrol('hb-1', { lineId: 'line-1' });
      expect((await getDevice(t, 'hb-1')).status).to.equal('offline');
      const status = { softwareVersion: '1.4.2', mode: 'VIA_LOCAL_SERVER', line: { state: 'running', accepted: 10, rejected: 1 }, syncQueue: { state: 'idle', pending: 0 } };
      const data = expectData(await heartbeat(t, 'hb-1', token, { status }));
      expect(data).to.include({ deviceId: 'hb-1', status: 'online' });
      expect(data.receivedAt).to.match(ISO);
      const device = await getDevice(t, 'hb-1');
      expect(device).to.include({ status: 'online', connectionMode: 'VIA_LOCAL_SERVER', connected: false });
      expect(device.lastHeartbeat).to.match(ISO);
      expect(device.reported).to.deep.equal(status);
      const listed = (expectData(await t.request('GET', '/api/v1/devices', { token: t.tokens.operator })) as any[]).find((d) => d.id === 'hb-1');
      expect(listed).to.include({ status: 'online' });
    });

    it('an empty body (or none) is a heartbeat without a status; the last reported status is kept', async () => {
      const token = await t.enrol('hb-empty');
      expectData(await heartbeat(t, 'hb-empty', token, { status: { mode: 'DIRECT_CLOUD' } }));
      expectData(await heartbeat(t, 'hb-empty', token, {}));
      expectData(await t.request('POST', '/api/v1/devices/hb-empty/heartbeat', { token }));
      expect((await getDevice(t, 'hb-empty')).reported).to.deep.equal({ mode: 'DIRECT_CLOUD' });
    });

    it('lastHeartbeat moves forward with each heartbeat', async () => {
      const token = await t.enrol('hb-forward');
      expectData(await heartbeat(t, 'hb-forward', token));
      const first = (await getDevice(t, 'hb-forward')).lastHeartbeat;
      await waitFor(async () => {
        expectData(await heartbeat(t, 'hb-forward', token));
        return (await getDevice(t, 'hb-forward')).lastHeartbeat > first;
      }, 3000, 'a later lastHeartbeat');
    });

    it('400 VALIDATION_ERROR for a bad body, and nothing recorded', async () => {
      const token = await t.enrol('hb-bad');
      const cases: Array<[unknown, string]> = [
        [{ status: 'ok' }, 'status'],
        [{ status: null }, 'status'],
        [{ status: { mode: 'SOMETIMES' } }, 'status.mode'],
        [{ status: { softwareVersion: 5 } }, 'status.softwareVersion'],
        [{ status: { line: { accepted: 1 } } }, 'status.line.state'],
        [{ status: { line: { state: 'running', accepted: -1 } } }, 'status.line.accepted'],
        [{ status: { syncQueue: { state: 'idle', pending: 1.5 } } }, 'status.syncQueue.pending'],
        [{ status: { softwareVersion: 'v'.repeat(65) } }, 'status.softwareVersion'],
        [{ deviceId: 'hb-bad' }, 'deviceId'],
      ];
      for (const [body, field] of cases) expectValidationError(await heartbeat(t, 'hb-bad', token, body), field);
      for (const rawBody of ['{"status":', 'null', '[]', '"beat"']) {
        expectError(await t.request('POST', '/api/v1/devices/hb-bad/heartbeat', { token, rawBody }), 400, 'VALIDATION_ERROR');
      }
      expect(await getDevice(t, 'hb-bad')).to.include({ status: 'offline', lastHeartbeat: null });
    });

    it('401 without a token, with a bad or forged device token, with any user token', async () => {
      await t.enrol('hb-auth');
      UNAUTHORIZED(await t.request('POST', '/api/v1/devices/hb-auth/heartbeat', { body: {} }));
      UNAUTHORIZED(await t.request('POST', '/api/v1/devices/hb-auth/heartbeat', { body: {}, headers: { authorization: 'Basic aGI6aGI=' } }));
      for (const [label, token] of badDeviceTokens(t, 'hb-auth')) {
        const res = await heartbeat(t, 'hb-auth', token);
        expect(res.status, label).to.equal(401);
        UNAUTHORIZED(res);
      }
      const error = UNAUTHORIZED(await heartbeat(t, 'hb-auth', t.tokens.manager));
      expect(error.message).to.match(/user token/i);
      expect((await getDevice(t, 'hb-auth')).status).to.equal('offline');
    });

    it("403 FORBIDDEN for device A's token on device B's heartbeat (or an unknown device's); B is not touched", async () => {
      const tokenA = await t.enrol('hb-a');
      await t.enrol('hb-b');
      expectError(await heartbeat(t, 'hb-b', tokenA), 403, 'FORBIDDEN');
      expectError(await heartbeat(t, 'hb-nobody', tokenA), 403, 'FORBIDDEN');
      expect((await getDevice(t, 'hb-b')).status).to.equal('offline');
      expect((await getDevice(t, 'hb-a')).status).to.equal('offline');
    });
  });

  describe('session status across a restart', () => {
    it('a device heard from just before a restart is still online after it, with the same lastHeartbeat and report', async () => {
      const token = await t.enrol('hb-restart');
      await t.enrol('hb-never-seen');
      const status = { mode: 'DIRECT_CLOUD' as const, syncQueue: { state: 'backlog', pending: 7 } };
      expectData(await heartbeat(t, 'hb-restart', token, { status }));
      const before = await getDevice(t, 'hb-restart');
      const pendingBefore = (await overview(t)).syncQueueTotal;
      await t.restart();
      const after = await getDevice(t, 'hb-restart');
      expect(after).to.include({ status: 'online', lastHeartbeat: before.lastHeartbeat, connectionMode: 'DIRECT_CLOUD' });
      expect(after.reported).to.deep.equal(status);
      expect((await getDevice(t, 'hb-never-seen')).status).to.equal('offline');
      // What the edge last said was waiting in its queue still counts on the dashboard.
      expect((await overview(t)).syncQueueTotal).to.equal(pendingBefore);
      // The token survives the restart too.
      expectData(await heartbeat(t, 'hb-restart', token));
    });
  });
});

describe('factory API: heartbeat deadlines resume from the stored last-seen time after a restart (SQLite)', () => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory('sqlite', { devices: { staleAfterMs: 3_000, offlineAfterMs: 4_000 } });
  });
  after(async () => {
    await t?.stop();
  });

  it('online after the restart, then stale and offline on the deadlines derived from the stored time', async function () {
    this.timeout(15_000);
    const token = await t.enrol('hb-deadline');
    expectData(await heartbeat(t, 'hb-deadline', token));
    const seen = Date.parse((await getDevice(t, 'hb-deadline')).lastHeartbeat);
    await t.restart();
    const after = await getDevice(t, 'hb-deadline');
    expect(Date.parse(after.lastHeartbeat)).to.equal(seen);
    if (Date.now() - seen < 3_000) expect(after.status).to.equal('online');
    await waitFor(async () => (await getDevice(t, 'hb-deadline')).status === 'offline', 10_000, 'offline after the restart');
    expect(Date.now()).to.be.at.least(seen + 4_000);
  });
});
