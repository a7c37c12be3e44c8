import { expect } from 'chai';
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_SEED } from '../../../src/cloud-sim/seed.js';
import type { CloudSim } from '../../../src/cloud-sim/server.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { directCloudOverrides, provisionThroughApi, simAdmin, startSim } from '../../support/direct-cloud.js';
import { createBatch, createBottles } from '../../support/edge-fixtures.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';

const NOT_PROVISIONED_VIEW = {
  status: 'NOT_PROVISIONED',
  deviceId: null,
  deviceIdentifier: null,
  companyId: null,
  companyName: null,
  deviceName: null,
  seqNumber: null,
  industry: null,
  cloudAccount: null,
  error: null,
};

/** The spec's activate request: everything GET /devices said about the device. */
const SPEC_ACTIVATE_BODY = {
  deviceId: 'device-001',
  deviceName: 'Production Line 1',
  companyId: 'company-001',
  companyName: 'Demo Factory LLC',
  seqNumber: '001',
  deviceMode: 'scan_bottles',
};

describe('edge API: provisioning (against the cloud simulator)', function () {
  this.timeout(60_000);
  let sim: CloudSim;
  let t: TestEdge;
  const others: TestEdge[] = [];

  before(async () => {
    sim = await startSim();
  });
  after(async () => {
    await sim?.close();
  });

  const as = (role: 'operator' | 'manager' | 'admin') => ({ token: t.tokens[role] });
  const status = async (edge = t) => expectData(await edge.request('GET', '/api/v1/provision/status', { token: edge.tokens.operator }));
  const signIn = (body: unknown = { email: DEMO_EMAIL, password: DEMO_PASSWORD }, edge = t) =>
    edge.request('POST', '/api/v1/provision/signin', { token: edge.tokens.manager, body });
  const activate = (body: unknown = { deviceId: 'device-001' }, edge = t) => edge.request('POST', '/api/v1/provision/activate', { token: edge.tokens.manager, body });

  describe('authentication and roles', () => {
    // Bodies that fail validation, so an admitted role changes nothing.
    // One edge for the whole matrix: no request in it changes what the next one sees.
    let shared: TestEdge;
    before(async () => {
      await simAdmin(sim, '/reset');
      shared = await startTestEdge(directCloudOverrides(sim));
    });
    after(async () => {
      await shared?.stop();
    });
    itRequiresAuth(() => shared, [
      { method: 'GET', path: '/api/v1/provision/status' },
      { method: 'POST', path: '/api/v1/provision/signin', role: 'MANAGER', body: {} },
      { method: 'GET', path: '/api/v1/provision/devices', role: 'MANAGER' },
      { method: 'POST', path: '/api/v1/provision/activate', role: 'MANAGER', body: {} },
      { method: 'POST', path: '/api/v1/provision/deprovision', role: 'ADMIN' },
      { method: 'GET', path: '/api/v1/provision/device' },
    ]);
  });

  describe('behaviour (a fresh edge per test)', () => {
    beforeEach(async () => {
      await simAdmin(sim, '/reset');
      t = await startTestEdge(directCloudOverrides(sim));
    });
    afterEach(async () => {
      await Promise.all([t, ...others.splice(0)].map((e) => e.stop()));
    });

    describe('the whole flow', () => {
      it('starts NOT_PROVISIONED with nothing known', async () => {
        expect(await status()).to.deep.equal(NOT_PROVISIONED_VIEW);
      });

      it('signs in, lists the devices, activates one and shows it; deprovision goes back to the start', async () => {
        expect(expectData(await signIn())).to.deep.equal({ status: 'SIGNED_IN', cloudAccount: DEMO_EMAIL });
        expect(await status()).to.deep.equal({ ...NOT_PROVISIONED_VIEW, status: 'SIGNED_IN', cloudAccount: DEMO_EMAIL });

        const devices = expectData(await t.request('GET', '/api/v1/provision/devices', as('manager')));
        expect(devices).to.deep.equal(
          DEMO_SEED.devices.map((d) => ({ id: d.id, name: d.name, companyId: d.companyId, companyName: 'Demo Factory LLC', seqNumber: d.seqNumber, deviceMode: d.deviceMode, activated: false })),
        );

        const res = await activate(SPEC_ACTIVATE_BODY);
        expectData(res);
        const device = {
          deviceId: 'device-001',
          deviceIdentifier: res.body.device.deviceIdentifier,
          companyId: 'company-001',
          companyName: 'Demo Factory LLC',
          deviceName: 'Production Line 1',
          seqNumber: '001',
          industry: 'milk',
        };
        expect(device.deviceIdentifier).to.match(/^edge-001_\d{10}$/);
        // The spec puts `device` and `message` beside `success`; `data` carries the same.
        expect(res.body).to.deep.equal({ success: true, data: { device }, device, message: 'Device activated successfully' });

        expect(await status()).to.deep.equal({ status: 'PROVISIONED', ...device, cloudAccount: DEMO_EMAIL, error: null });
        expect(expectData(await t.request('GET', '/api/v1/provision/device', as('operator')))).to.deep.equal({
          ...device,
          error: null,
          lastBatchIdentifier: null,
          lastPalletIdentifier: null,
        });
        const after = expectData(await t.request('POST', '/api/v1/provision/deprovision', as('admin')));
        expect(after).to.deep.equal({ status: 'NOT_PROVISIONED' });
        expect(await status()).to.deep.equal(NOT_PROVISIONED_VIEW);
        expectError(await t.request('GET', '/api/v1/provision/device', as('operator')), 409, 'CONFLICT');
      });

      it('shows the last batch identifier on /provision/device', async () => {
        await provisionThroughApi(t);
        const bottles = await createBottles(t, 2);
        const { batch } = await createBatch(t, bottles.map((b) => b.id));
        const device = expectData(await t.request('GET', '/api/v1/provision/device', as('operator')));
        expect(device.lastBatchIdentifier).to.equal(batch.identifier);
        expect(device.lastPalletIdentifier).to.equal(null);
      });

      it('may sign in again while SIGNED_IN', async () => {
        expectData(await signIn());
        expect(expectData(await signIn())).to.deep.equal({ status: 'SIGNED_IN', cloudAccount: DEMO_EMAIL });
      });

      it('re-activates its own device after a deprovision (same installation)', async () => {
        await provisionThroughApi(t);
        const first = (await status()).deviceIdentifier;
        expectData(await t.request('POST', '/api/v1/provision/deprovision', as('admin')));
        await provisionThroughApi(t);
        expect((await status()).deviceIdentifier).to.equal(first);
      });
    });

    describe('requests the state does not allow: 409 with the current status', () => {
      it('GET /devices before sign-in', async () => {
        const error = expectError(await t.request('GET', '/api/v1/provision/devices', as('manager')), 409, 'CONFLICT');
        expect(error.details).to.deep.equal({ status: 'NOT_PROVISIONED' });
        expect(error.message).to.equal('Not allowed while NOT_PROVISIONED');
      });

      it('activate while NOT_PROVISIONED', async () => {
        const error = expectError(await activate(), 409, 'CONFLICT');
        expect(error.details).to.deep.equal({ status: 'NOT_PROVISIONED' });
      });

      it('/provision/device before provisioning, and while only signed in', async () => {
        expect(expectError(await t.request('GET', '/api/v1/provision/device', as('operator')), 409, 'CONFLICT').details).to.deep.equal({ status: 'NOT_PROVISIONED' });
        expectData(await signIn());
        const error = expectError(await t.request('GET', '/api/v1/provision/device', as('operator')), 409, 'CONFLICT');
        expect(error).to.deep.equal({ code: 'CONFLICT', message: 'No device is provisioned', details: { status: 'SIGNED_IN' } });
      });

      it('sign-in, device list and activation while PROVISIONED', async () => {
        await provisionThroughApi(t);
        for (const res of [await signIn(), await t.request('GET', '/api/v1/provision/devices', as('manager')), await activate({ deviceId: 'device-002' })]) {
          const error = expectError(res, 409, 'CONFLICT');
          expect(error.details).to.deep.equal({ status: 'PROVISIONED' });
        }
        expect((await status()).deviceId).to.equal('device-001');
      });

      it('deprovision while NOT_PROVISIONED is a harmless success', async () => {
        expect(expectData(await t.request('POST', '/api/v1/provision/deprovision', as('admin')))).to.deep.equal({ status: 'NOT_PROVISIONED' });
      });
    });

    describe('refusals from the cloud, with readable messages', () => {
      it('bad cloud credentials: 400 saying so, and the status keeps the error', async () => {
        const error = expectError(await signIn({ email: DEMO_EMAIL, password: 'wrong-password' }), 400, 'VALIDATION_ERROR');
        expect(error.message).to.equal('Sign-in failed: OKTO Cloud refused POST /sign_in (HTTP 401): Invalid email or password');
        expect(error.details).to.deep.equal({ status: 'NOT_PROVISIONED' });
        const view = await status();
        expect(view.status).to.equal('NOT_PROVISIONED');
        expect(view.error).to.match(/Invalid email or password/);
        expect(JSON.stringify(view)).to.not.include('wrong-password');
        // A good sign-in clears it.
        expectData(await signIn());
        expect((await status()).error).to.equal(null);
      });

      it('a device already activated by another installation: 409 on the second edge, which stays SIGNED_IN', async () => {
        await provisionThroughApi(t);
        const second = await startTestEdge(directCloudOverrides(sim));
        others.push(second);
        expectData(await signIn(undefined, second));
        const devices = expectData(await second.request('GET', '/api/v1/provision/devices', { token: second.tokens.manager }));
        expect(devices.find((d: { id: string }) => d.id === 'device-001').activated).to.equal(true);
        const error = expectError(await activate({ deviceId: 'device-001' }, second), 409, 'CONFLICT');
        expect(error.message).to.equal(
          'Activation refused: OKTO Cloud refused POST /devices/device-001/activate (HTTP 409): Device device-001 is already activated by another installation',
        );
        expect(error.details).to.deep.equal({ status: 'SIGNED_IN' });
        const view = await status(second);
        expect(view).to.include({ status: 'SIGNED_IN', deviceId: null });
        expect(view.error).to.match(/already activated by another installation/);
        // The first edge is untouched, and the second can take the other device.
        expect((await status()).status).to.equal('PROVISIONED');
        expectData(await activate({ deviceId: 'device-002' }, second));
        expect((await status(second)).deviceId).to.equal('device-002');
      });

      it('a device the company does not have: 404', async () => {
        expectData(await signIn());
        const error = expectError(await activate({ deviceId: 'device-999' }), 404, 'NOT_FOUND');
        expect(error.message).to.match(/Device device-999 not found/);
        expect(error.details).to.deep.equal({ status: 'SIGNED_IN' });
      });

      it('an expired cloud session: device list answers 400 asking to sign in again, status NOT_PROVISIONED', async () => {
        expectData(await signIn());
        await simAdmin(sim, '/expire-tokens');
        const error = expectError(await t.request('GET', '/api/v1/provision/devices', as('manager')), 400, 'VALIDATION_ERROR');
        expect(error.message).to.equal('Cloud session expired: sign in again');
        expect(error.details).to.deep.equal({ status: 'NOT_PROVISIONED' });
        expect((await status()).error).to.equal('Cloud session expired: sign in again');
      });

      it('a cloud that cannot be reached: 503 saying so', async () => {
        sim.faults.set({ mode: 'refuse' });
        try {
          const error = expectError(await signIn(), 503, 'SERVICE_UNAVAILABLE');
          expect(error.message).to.match(/^Sign-in failed: OKTO Cloud unreachable at http:\/\/127\.0\.0\.1:\d+: connection (refused|reset|closed)/);
          expect(error.details).to.deep.equal({ status: 'NOT_PROVISIONED' });
        } finally {
          sim.faults.clear();
        }
      });

      it('a cloud answering 500: 503 with the cloud\'s status in the message', async () => {
        await simAdmin(sim, '/faults', { mode: 'error500', remaining: 1 });
        const error = expectError(await signIn(), 503, 'SERVICE_UNAVAILABLE');
        expect(error.message).to.match(/HTTP 500/);
      });
    });

    describe('bad input: 400 in the envelope, nothing changes', () => {
      it('sign-in: malformed JSON, missing, extra, empty and mistyped fields', async () => {
        expectValidationError(await t.request('POST', '/api/v1/provision/signin', { ...as('manager'), rawBody: '{"email": "demo@okto.cloud",' }));
        expectValidationError(await signIn({ email: DEMO_EMAIL }), 'password');
        expectValidationError(await signIn({ password: DEMO_PASSWORD }), 'email');
        expectValidationError(await signIn({ email: DEMO_EMAIL, password: DEMO_PASSWORD, remember: true }), 'remember');
        expectValidationError(await signIn({ email: '', password: DEMO_PASSWORD }), 'email');
        expectValidationError(await signIn({ email: 42, password: DEMO_PASSWORD }), 'email');
        expectValidationError(await signIn({ email: DEMO_EMAIL, password: ['x'] }), 'password');
        expectValidationError(await signIn({ email: DEMO_EMAIL, password: 'x'.repeat(257) }), 'password');
        expectValidationError(await signIn([DEMO_EMAIL, DEMO_PASSWORD]));
        expectValidationError(await signIn('demo'));
        expect((await status()).status).to.equal('NOT_PROVISIONED');
      });

      it('activate: malformed JSON, missing, extra, mistyped and oversized fields', async () => {
        expectData(await signIn());
        expectValidationError(await t.request('POST', '/api/v1/provision/activate', { ...as('manager'), rawBody: '{"deviceId": ' }));
        expectValidationError(await activate({}), 'deviceId');
        expectValidationError(await activate({ deviceId: '' }), 'deviceId');
        expectValidationError(await activate({ deviceId: 1 }), 'deviceId');
        expectValidationError(await activate({ deviceId: 'device-001', installationId: 'mine' }), 'installationId');
        expectValidationError(await activate({ ...SPEC_ACTIVATE_BODY, seqNumber: 1 }), 'seqNumber');
        expectValidationError(await activate({ deviceId: 'd'.repeat(65) }), 'deviceId');
        expectValidationError(await activate(null));
        expect((await status()).status).to.equal('SIGNED_IN');
      });
    });

    describe('secrets', () => {
      it('never returns a token: not the device token, not the user token, not the word', async () => {
        const activated = await provisionThroughApi(t);
        const context = t.edge.system.provisioning().getSnapshot().context as { userToken: string; deviceToken: string };
        expect(context.deviceToken).to.be.a('string').with.length.greaterThan(20);
        const bodies = [
          JSON.stringify(activated),
          JSON.stringify((await t.request('GET', '/api/v1/provision/status', as('operator'))).body),
          JSON.stringify((await t.request('GET', '/api/v1/provision/device', as('operator'))).body),
        ];
        for (const body of bodies) {
          expect(body).to.not.include(context.deviceToken);
          expect(body).to.not.include(context.userToken);
          expect(body.toLowerCase()).to.not.include('token');
          expect(body).to.not.include(DEMO_PASSWORD);
        }
      });
    });
  });
});
