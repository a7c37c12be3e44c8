import { expect } from 'chai';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../src/cloud-sim/seed.js';
import { activate, raw, signIn, startTestSim, TWO_COMPANY_SEED } from './sim-harness.js';

describe('cloud simulator: user-token endpoints', () => {
  let sim: CloudSim;
  beforeEach(async () => {
    sim = await startTestSim(TWO_COMPANY_SEED);
  });
  afterEach(() => sim.close());

  describe('POST /sign_in', () => {
    it('answers a user token and the user for the demo credentials (email case-insensitive)', async () => {
      const res = await raw(sim, 'POST', '/sign_in', { json: { email: DEMO_EMAIL.toUpperCase(), password: DEMO_PASSWORD } });
      expect(res.status).to.equal(200);
      expect(res.body.success).to.equal(true);
      expect(res.body.data.token).to.be.a('string').with.length.greaterThan(20);
      expect(res.body.data.user).to.deep.equal({ id: 'user-001', email: DEMO_EMAIL, companyId: 'company-001' });
    });

    it('gives a different token at each sign-in', async () => {
      expect(await signIn(sim)).to.not.equal(await signIn(sim));
    });

    it('refuses wrong credentials with 401', async () => {
      for (const json of [
        { email: DEMO_EMAIL, password: 'wrong' },
        { email: 'nobody@okto.cloud', password: DEMO_PASSWORD },
      ]) {
        const res = await raw(sim, 'POST', '/sign_in', { json });
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ success: false, error: { code: 'UNAUTHORIZED', message: 'Invalid email or password' } });
      }
    });

    it('answers 400 in the envelope for bad input, never 500', async () => {
      const cases: Array<{ json?: unknown; body?: string }> = [
        { body: '{"email": "demo@okto.cloud", ' },
        { json: {} },
        { json: { email: DEMO_EMAIL } },
        { json: { email: 42, password: DEMO_PASSWORD } },
        { json: { email: DEMO_EMAIL, password: DEMO_PASSWORD, extra: true } },
        { json: [1, 2] },
      ];
      for (const input of cases) {
        const res = await raw(sim, 'POST', '/sign_in', input);
        expect(res.status, JSON.stringify(input)).to.equal(400);
        expect(res.body.success).to.equal(false);
        expect(res.body.error.code).to.equal('VALIDATION_ERROR');
      }
    });
  });

  describe('GET /devices', () => {
    it("lists the devices of the user's company only, as in the spec", async () => {
      const res = await raw(sim, 'GET', '/devices', { token: await signIn(sim) });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.deep.equal([
        { id: 'device-001', name: 'Production Line 1', companyId: 'company-001', companyName: 'Demo Factory LLC', seqNumber: '001', deviceMode: 'scan_bottles', activated: false },
        { id: 'device-002', name: 'Quality Control', companyId: 'company-001', companyName: 'Demo Factory LLC', seqNumber: '002', deviceMode: 'verify', activated: false },
      ]);
      const other = await raw(sim, 'GET', '/devices', { token: await signIn(sim, 'water@okto.cloud', 'water12345') });
      expect(other.body.data.map((d: { id: string }) => d.id)).to.deep.equal(['device-101']);
    });

    it('shows a device as activated once it is', async () => {
      const token = await signIn(sim);
      await activate(sim, token, 'device-002');
      const res = await raw(sim, 'GET', '/devices', { token });
      expect(res.body.data.map((d: { activated: boolean }) => d.activated)).to.deep.equal([false, true]);
    });

    it('needs a user token: none, unknown and device tokens are 401', async () => {
      const deviceToken = await activate(sim, await signIn(sim));
      for (const token of [undefined, 'not-a-token', deviceToken]) {
        const res = await raw(sim, 'GET', '/devices', { token });
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal('UNAUTHORIZED');
      }
    });
  });

  describe('POST /devices/{id}/activate', () => {
    it('answers a device token and the device record', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await raw(sim, 'POST', '/devices/device-001/activate', { token: await signIn(sim), json: { installationId: 'inst-A' } });
      expect(res.status).to.equal(200);
      const { deviceToken, device } = res.body.data;
      expect(deviceToken).to.be.a('string').with.length.greaterThan(20);
      expect(device).to.deep.include({
        deviceId: 'device-001',
        companyId: 'company-001',
        companyName: 'Demo Factory LLC',
        deviceName: 'Production Line 1',
        seqNumber: '001',
        industry: 'milk',
      });
      const [, seconds] = /^edge-001_(\d+)$/.exec(device.deviceIdentifier)!;
      expect(Number(seconds)).to.be.within(before, Math.floor(Date.now() / 1000));
    });

    it('lets the same installation re-activate: a fresh token, the old one revoked, the same identifier', async () => {
      const userToken = await signIn(sim);
      const first = await raw(sim, 'POST', '/devices/device-001/activate', { token: userToken, json: { installationId: 'inst-A' } });
      const second = await raw(sim, 'POST', '/devices/device-001/activate', { token: userToken, json: { installationId: 'inst-A' } });
      expect(second.status).to.equal(200);
      expect(second.body.data.deviceToken).to.not.equal(first.body.data.deviceToken);
      expect(second.body.data.device.deviceIdentifier).to.equal(first.body.data.device.deviceIdentifier);
      expect((await raw(sim, 'GET', '/device/company', { token: first.body.data.deviceToken })).status).to.equal(401);
      expect((await raw(sim, 'GET', '/device/company', { token: second.body.data.deviceToken })).status).to.equal(200);
    });

    it('answers 409 when another installation holds the device, until an admin frees it', async () => {
      const userToken = await signIn(sim);
      const heldToken = await activate(sim, userToken, 'device-001', 'inst-A');
      const res = await raw(sim, 'POST', '/devices/device-001/activate', { token: userToken, json: { installationId: 'inst-B' } });
      expect(res.status).to.equal(409);
      expect(res.body.error).to.deep.equal({ code: 'CONFLICT', message: 'Device device-001 is already activated by another installation' });
      // The holder is not disturbed by the refused attempt.
      expect((await raw(sim, 'GET', '/device/company', { token: heldToken })).status).to.equal(200);

      expect((await raw(sim, 'POST', '/admin/devices/device-001/deactivate')).body.data).to.deep.equal({ deactivated: true });
      expect((await raw(sim, 'GET', '/device/company', { token: heldToken })).status).to.equal(401);
      const again = await raw(sim, 'POST', '/devices/device-001/activate', { token: userToken, json: { installationId: 'inst-B' } });
      expect(again.status).to.equal(200);
    });

    it('answers 404 for an unknown device and for a device of another company', async () => {
      const userToken = await signIn(sim);
      for (const id of ['device-999', 'device-101']) {
        const res = await raw(sim, 'POST', `/devices/${id}/activate`, { token: userToken, json: { installationId: 'inst-A' } });
        expect(res.status, id).to.equal(404);
        expect(res.body.error.code).to.equal('NOT_FOUND');
      }
    });

    it('answers 400 without an installationId, 401 without a user token', async () => {
      const userToken = await signIn(sim);
      for (const json of [{}, { installationId: '' }, { installationId: 7 }]) {
        const res = await raw(sim, 'POST', '/devices/device-001/activate', { token: userToken, json });
        expect(res.status, JSON.stringify(json)).to.equal(400);
        expect(res.body.error.code).to.equal('VALIDATION_ERROR');
      }
      const deviceToken = await activate(sim, userToken, 'device-002');
      for (const token of [undefined, deviceToken]) {
        const res = await raw(sim, 'POST', '/devices/device-001/activate', { token, json: { installationId: 'inst-A' } });
        expect(res.status).to.equal(401);
      }
    });
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const res = await raw(sim, 'GET', '/nope');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('NOT_FOUND');
  });
});
