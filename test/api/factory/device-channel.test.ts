import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { edgeSecret, expectData } from '../../support/api-expect.js';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { connectDevice, deleteDevice, type DeviceChannel, getDevice, openDeviceChannel, reissue, signDeviceToken, wsBase } from '../../support/factory-api-fixtures.js';
import { openWs, refusalStatus } from '../../support/ws-client.js';
import { waitFor } from '../../support/wait-for.js';
import { CHANNEL_CLOSE, DEVICE_CHANNEL_VERSION } from '../../../src/domain/device-channel.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('factory device channel: /ws/device', () => {
  let t: TestFactory;
  const channels: DeviceChannel[] = [];
  before(async () => {
    t = await startTestFactory('sqlite');
  });
  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await t?.stop();
  });

  const connect = async (token: string) => {
    const channel = await connectDevice(t, token);
    channels.push(channel);
    return channel;
  };
  const url = (token?: string) => `${wsBase(t)}/ws/device${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
  const connectedList = async () => expectData(await t.request('GET', '/api/v1/devices/connected', { token: t.tokens.operator })) as any[];

  describe('authentication at the upgrade', () => {
    it('401 without a token, for a bad, forged, expired or user token', async () => {
      await t.enrol('ch-auth');
      const secret = edgeSecret(t);
      const past = Math.floor(Date.now() / 1000) - 3600;
      expect(await refusalStatus(url())).to.equal(401);
      for (const token of [
        'garbage',
        signDeviceToken(t, { sub: 'ch-auth' }),
        jwt.sign({ sub: 'ch-auth', typ: 'device', jti: 'x', iat: past - 60, exp: past }, secret, { algorithm: 'HS256' }),
        jwt.sign({ sub: 'ch-auth', typ: 'device' }, 'another-secret-that-is-long-enough-000000', { algorithm: 'HS256', jwtid: 'x' }),
        t.tokens.operator,
        t.tokens.admin,
      ]) {
        expect(await refusalStatus(url(token)), token).to.equal(401);
        expect(await refusalStatus(url(), { authorization: `Bearer ${token}` }), token).to.equal(401);
      }
    });

    it('401 for a revoked (re-issued) token and for a deleted device’s token', async () => {
      const first = await t.enrol('ch-revoked');
      const second = await reissue(t, 'ch-revoked');
      expect(await refusalStatus(url(first))).to.equal(401);
      await connect(second).then((c) => c.close());
      await deleteDevice(t, 'ch-revoked');
      expect(await refusalStatus(url(second))).to.equal(401);
    });

    it('accepts the current token in ?token= or in the Authorization header', async () => {
      const token = await t.enrol('ch-header');
      const viaHeader = await openWs(url(), { authorization: `Bearer ${token}` });
      await viaHeader.next((m) => m.type === 'welcome');
      await viaHeader.close();
      await connect(token);
    });
  });

  describe('welcome', () => {
    it('the first message: versioned envelope, the device id, server time, heartbeat interval and the connection settings', async () => {
      const token = await t.enrol('ch-welcome');
      const channel = await connect(token);
      const [welcome] = channel.messages;
      expect(welcome).to.include({ v: DEVICE_CHANNEL_VERSION, type: 'welcome' });
      expect(welcome!.id).to.be.a('string').and.not.empty;
      expect(welcome!.at).to.match(ISO);
      expect(welcome!.payload).to.have.all.keys('deviceId', 'serverTime', 'heartbeatIntervalMs', 'settings');
      expect(welcome!.payload.deviceId).to.equal('ch-welcome');
      expect(welcome!.payload.serverTime).to.match(ISO);
      expect(welcome!.payload.heartbeatIntervalMs).to.equal(t.config.devices.heartbeatIntervalMs);
      const settings = expectData(await t.request('GET', '/api/v1/connection/settings', { token: t.tokens.operator }));
      expect(welcome!.payload.settings).to.deep.equal(settings);
    });
  });

  describe('hello, heartbeat, status', () => {
    it('make the device online with what it reports; /devices/connected lists the live channel', async () => {
      const token = await t.enrol('ch-live');
      expect((await getDevice(t, 'ch-live')).status).to.equal('offline');
      const channel = await connect(token);
      channel.send('hello', { deviceId: 'ch-live', status: { softwareVersion: '2.0.0', mode: 'VIA_LOCAL_SERVER' } });
      const status = { softwareVersion: '2.0.0', mode: 'VIA_LOCAL_SERVER' as const, line: { state: 'running', accepted: 3 }, syncQueue: { state: 'idle', pending: 0 } };
      channel.send('heartbeat', { status });
      const device = await waitFor(async () => {
        const d = await getDevice(t, 'ch-live');
        return d.reported?.line?.accepted === 3 ? d : null;
      }, 5000, 'the heartbeat status on GET /devices/{id}');
      expect(device).to.include({ status: 'online', connected: true, connectionMode: 'VIA_LOCAL_SERVER' });
      expect(device.reported).to.deep.equal(status);
      expect(device.lastHeartbeat).to.match(ISO);
      const listed = (expectData(await t.request('GET', '/api/v1/devices', { token: t.tokens.operator })) as any[]).find((d) => d.id === 'ch-live');
      expect(listed).to.include({ status: 'online', connected: true });
      const live = (await connectedList()).find((s) => s.deviceId === 'ch-live');
      expect(live).to.include.keys('deviceId', 'connectedAt', 'remoteAddress', 'lastMessageAt', 'messagesReceived');
      expect(live.messagesReceived).to.equal(2);
      expect(live.connectedAt).to.match(ISO);
      expect(live.lastMessageAt).to.match(ISO);
    });

    it('a status message updates what the device reported', async () => {
      const token = await t.enrol('ch-status');
      const channel = await connect(token);
      channel.send('status', { status: { mode: 'DIRECT_CLOUD', modeReason: 'factory said so' } });
      await waitFor(async () => (await getDevice(t, 'ch-status')).reported?.modeReason === 'factory said so', 5000, 'the status report');
    });

    it('closing the channel clears `connected` and removes it from /devices/connected; the status stays what the deadlines say', async () => {
      const token = await t.enrol('ch-close');
      const channel = await connect(token);
      expect((await connectedList()).map((s) => s.deviceId)).to.include('ch-close');
      await channel.close();
      await waitFor(async () => !(await connectedList()).some((s) => s.deviceId === 'ch-close'), 5000, 'the channel gone from /devices/connected');
      expect(await getDevice(t, 'ch-close')).to.include({ connected: false, status: 'online' });
    });
  });

  describe('bad frames are answered, never a dropped channel', () => {
    it('malformed JSON, a bad envelope, a bad payload, an unknown type, a binary frame: an `error` message each, and the channel keeps working', async () => {
      const token = await t.enrol('ch-bad');
      const channel = await connect(token);
      const at = new Date().toISOString();
      const frames: Array<[string | Record<string, unknown>, string]> = [
        ['not json at all', 'BAD_MESSAGE'],
        [{ v: 1, type: 'heartbeat', payload: { status: {} } }, 'BAD_MESSAGE'],
        [{ v: 1, type: 'heartbeat', id: 'm1', at, payload: { status: 'fine' } }, 'BAD_MESSAGE'],
        [{ v: 1, type: 'explode', id: 'm2', at, payload: {} }, 'UNKNOWN_TYPE'],
        ['[1,2,3]', 'BAD_MESSAGE'],
      ];
      for (const [frame, code] of frames) {
        const before = channel.messages.filter((m) => m.type === 'error').length;
        channel.sendRaw(frame);
        await waitFor(() => channel.messages.filter((m) => m.type === 'error').length > before, 5000, `an error for ${JSON.stringify(frame)}`);
        const error = channel.messages.filter((m) => m.type === 'error').at(-1)!;
        expect(error.payload.code, JSON.stringify(frame)).to.equal(code);
        expect(error.payload.message).to.be.a('string').and.not.empty;
        expect(error.v).to.equal(DEVICE_CHANNEL_VERSION);
      }
      const errorsBefore = channel.messages.filter((m) => m.type === 'error').length;
      channel.client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      await waitFor(() => channel.messages.filter((m) => m.type === 'error').length > errorsBefore, 5000, 'an error for a binary frame');
      expect(channel.client.ws.readyState).to.equal(channel.client.ws.OPEN);
      channel.send('heartbeat', { status: { softwareVersion: 'still-here' } });
      await waitFor(async () => (await getDevice(t, 'ch-bad')).reported?.softwareVersion === 'still-here', 5000, 'the heartbeat after the bad frames');
    });

    it('an unsupported version is refused with UNSUPPORTED_VERSION (the channel stays open)', async () => {
      const token = await t.enrol('ch-version');
      const channel = await connect(token);
      channel.sendRaw({ v: 2, type: 'heartbeat', id: 'm-v2', at: new Date().toISOString(), payload: { status: {} } });
      const error = await channel.next('error');
      expect(error.payload.code).to.equal('UNSUPPORTED_VERSION');
      expect(error.payload.message).to.match(/version 2/);
      expect(channel.client.ws.readyState).to.equal(channel.client.ws.OPEN);
    });

    it('a frame over the 1 MB limit closes the channel (1009); the device can reconnect', async () => {
      const token = await t.enrol('ch-huge');
      const channel = await openDeviceChannel(t, token);
      await channel.next('welcome');
      channel.sendRaw('x'.repeat(1024 * 1024 + 10));
      expect(await channel.closed).to.equal(1009);
      await connect(token);
    });
  });

  describe('one channel per device, closed when its token goes', () => {
    it(`a re-issued token closes the old channel with ${CHANNEL_CLOSE.UNAUTHORIZED}; the new token connects`, async () => {
      const first = await t.enrol('ch-reissue');
      const channel = await connect(first);
      const second = await reissue(t, 'ch-reissue');
      expect(await channel.closed).to.equal(CHANNEL_CLOSE.UNAUTHORIZED);
      expect(await refusalStatus(url(first))).to.equal(401);
      await connect(second);
      expect((await connectedList()).filter((s) => s.deviceId === 'ch-reissue')).to.have.length(1);
    });

    it(`a second channel for the same device replaces the first (${CHANNEL_CLOSE.REPLACED}); the device stays connected`, async () => {
      const token = await t.enrol('ch-twice');
      const older = await connect(token);
      const newer = await connect(token);
      expect(await older.closed).to.equal(CHANNEL_CLOSE.REPLACED);
      expect(newer.client.ws.readyState).to.equal(newer.client.ws.OPEN);
      expect((await connectedList()).filter((s) => s.deviceId === 'ch-twice')).to.have.length(1);
      expect((await getDevice(t, 'ch-twice')).connected).to.equal(true);
      newer.send('heartbeat', { status: { softwareVersion: 'newer' } });
      await waitFor(async () => (await getDevice(t, 'ch-twice')).reported?.softwareVersion === 'newer', 5000, 'the newer channel heard');
      // Once the newer one closes too, no channel is open: neither the hub nor the session may count the replaced one.
      expect(t.factory.system.fleet.status('ch-twice')!.connected).to.equal(true);
      await newer.close();
      await waitFor(async () => !(await getDevice(t, 'ch-twice')).connected, 5000, 'the device not connected');
      await waitFor(() => t.factory.system.fleet.status('ch-twice')!.connected === false, 5000, () => `the session without channels: ${JSON.stringify(t.factory.system.fleet.status('ch-twice'))}`);
    });

    it(`deleting the device closes its channel (${CHANNEL_CLOSE.UNAUTHORIZED}) and drops it from /devices/connected`, async () => {
      const token = await t.enrol('ch-deleted');
      const channel = await connect(token);
      await deleteDevice(t, 'ch-deleted');
      expect(await channel.closed).to.equal(CHANNEL_CLOSE.UNAUTHORIZED);
      expect((await connectedList()).map((s) => s.deviceId)).to.not.include('ch-deleted');
    });
  });

  describe('settings pushed to the edges', () => {
    after(async () => {
      expectData(await t.request('PUT', '/api/v1/connection/settings', { token: t.tokens.manager, body: { defaultMode: 'VIA_LOCAL_SERVER', allowDeviceOverride: true, cloudSyncEnabled: true } }));
    });

    it('PUT /connection/settings sends a `settings` message with the whole new settings to every connected edge', async () => {
      const a = await connect(await t.enrol('ch-set-a'));
      const b = await connect(await t.enrol('ch-set-b'));
      const data = expectData(await t.request('PUT', '/api/v1/connection/settings', { token: t.tokens.manager, body: { allowDeviceOverride: false, defaultMode: 'DIRECT_CLOUD' } }));
      for (const channel of [a, b]) {
        const pushed = await channel.next('settings');
        expect(pushed.payload).to.deep.equal(data);
        expect(pushed.payload).to.deep.equal({ defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: false, cloudSyncEnabled: true });
      }
      // A device connecting afterwards is told the new settings in its welcome.
      const late = await connect(await t.enrol('ch-set-late'));
      expect(late.messages[0]!.payload.settings).to.deep.equal(data);
    });
  });
});
