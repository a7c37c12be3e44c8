import { expect } from 'chai';
import type { ProvisioningRecord } from '../../../machines/edge/provisioning.machine.js';
import { statusOf } from '../../../machines/edge/provisioning.machine.js';
import { flush } from '../../support/controlled-promise.js';
import {
  ACTIVATED,
  CLOUD_ERRORS,
  DEVICES,
  EMAIL,
  INSTALLATION_ID,
  PASSWORD,
  type ProvisioningUnderTest,
  startProvisioning,
} from '../../support/provisioning-fakes.js';

const PROVISIONED_RECORD: ProvisioningRecord = {
  status: 'PROVISIONED',
  email: EMAIL,
  userToken: 'user-token-1',
  deviceToken: 'device-token-1',
  device: ACTIVATED,
  error: null,
};

describe('provisioning machine', () => {
  let p: ProvisioningUnderTest;
  afterEach(() => {
    expect(p.errors).to.deep.equal([]);
    p.stop();
  });

  /** Signs in and activates device-001, answering every cloud call with success. */
  async function provision() {
    p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
    p.signIn.open().resolve({ userToken: 'user-token-1' });
    await p.reply(p.replies.events.length + 1);
    p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
    p.activate.open().resolve({ deviceToken: 'device-token-1', device: ACTIVATED });
    await p.reply(p.replies.events.length + 1);
    expect(p.status()).to.equal('PROVISIONED');
  }

  describe('restoring the saved record', () => {
    it('starts NOT_PROVISIONED without an error when nothing was saved', async () => {
      p = startProvisioning(null);
      await p.restored();
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context.error).to.equal(null);
      expect(p.records.at(-1)).to.deep.include({ status: 'NOT_PROVISIONED', userToken: null, deviceToken: null, device: null });
    });

    it('comes back PROVISIONED with its device token from a PROVISIONED record', async () => {
      p = startProvisioning(PROVISIONED_RECORD);
      await p.restored();
      expect(p.snapshot().value).to.equal('PROVISIONED');
      expect(p.snapshot().context).to.deep.include({ deviceToken: 'device-token-1', device: ACTIVATED, email: EMAIL });
      // The record is announced again, so upstream learns the sync target at start.
      expect(p.records).to.have.length(1);
      expect(p.records[0]).to.deep.equal(PROVISIONED_RECORD);
    });

    it('comes back SIGNED_IN (idle) with its user token from a SIGNED_IN record', async () => {
      p = startProvisioning({ ...PROVISIONED_RECORD, status: 'SIGNED_IN', deviceToken: null, device: null });
      await p.restored();
      expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'idle' });
      expect(p.snapshot().context.userToken).to.equal('user-token-1');
      // And the operator can continue from there.
      p.request({ type: 'FETCH_DEVICES' });
      expect(p.listDevices.open().input).to.deep.equal({ userToken: 'user-token-1' });
    });

    it('falls back to NOT_PROVISIONED, tokens cleared, from a PROVISIONED record without a device token', async () => {
      p = startProvisioning({ ...PROVISIONED_RECORD, deviceToken: null });
      await p.restored();
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context).to.deep.include({ status: 'NOT_PROVISIONED', userToken: null, deviceToken: null, device: null });
      expect(p.records.at(-1)).to.deep.include({ status: 'NOT_PROVISIONED', userToken: null, deviceToken: null, device: null });
    });

    it('falls back to NOT_PROVISIONED from a PROVISIONED record without a device, or a SIGNED_IN one without a user token', async () => {
      p = startProvisioning({ ...PROVISIONED_RECORD, device: null });
      await p.restored();
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context.deviceToken).to.equal(null);
      p.stop();
      p = startProvisioning({ ...PROVISIONED_RECORD, status: 'SIGNED_IN', userToken: null, deviceToken: null, device: null });
      await p.restored();
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
    });

    it('starts NOT_PROVISIONED with a readable error when the saved record cannot be read', async () => {
      p = startProvisioning(new Error('SQLITE_BUSY: database is locked'));
      await p.restored();
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context.error).to.equal('Could not read the saved provisioning: SQLITE_BUSY: database is locked');
      expect(p.snapshot().context.deviceToken).to.equal(null);
    });

    // A transient read failure at start-up must not overwrite the saved record with an empty one.
    it('announces no record that would overwrite the saved one when the saved record cannot be read', async () => {
      p = startProvisioning(new Error('SQLITE_BUSY: database is locked'));
      await p.restored();
      expect(p.records).to.deep.equal([]);
    });

    it('answers a request that arrives while restoring instead of dropping it', async () => {
      p = startProvisioning(PROVISIONED_RECORD);
      p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
      const reply = await p.reply(1);
      expect(reply).to.deep.include({ ok: false, kind: 'CONFLICT' });
      await p.restored();
    });
  });

  describe('signing in', () => {
    beforeEach(async () => {
      p = startProvisioning();
      await p.restored();
    });

    it('passes the credentials to the cloud and keeps the user token, never the password', async () => {
      p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      expect(p.snapshot().value).to.equal('SIGNING_IN');
      expect(p.status()).to.equal('SIGNING_IN');
      const call = p.signIn.open();
      expect(call.input).to.deep.equal({ email: EMAIL, password: PASSWORD });
      expect(JSON.stringify(p.snapshot().context)).to.not.include(PASSWORD);
      call.resolve({ userToken: 'user-token-1' });
      expect(await p.reply(1)).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'SIGNED_IN' });
      expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'idle' });
      expect(p.snapshot().context).to.deep.include({ email: EMAIL, userToken: 'user-token-1', error: null });
      expect(p.records.at(-1)).to.deep.equal({ status: 'SIGNED_IN', email: EMAIL, userToken: 'user-token-1', deviceToken: null, device: null, error: null });
      expect(JSON.stringify(p.snapshot().context)).to.not.include(PASSWORD);
      expect(JSON.stringify(p.records)).to.not.include(PASSWORD);
    });

    it('goes back to NOT_PROVISIONED with "Sign-in failed" and the cloud\'s reason on bad credentials', async () => {
      p.request({ type: 'SIGN_IN', email: EMAIL, password: 'wrong' });
      p.signIn.open().reject(CLOUD_ERRORS.badCredentials());
      const reply = await p.reply(1);
      expect(reply).to.deep.include({ ok: false, status: 'NOT_PROVISIONED', kind: 'UNAUTHORIZED' });
      expect(reply.ok === false && reply.message).to.equal('Sign-in failed: OKTO Cloud refused POST /sign_in (HTTP 401): Invalid email or password');
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context.error).to.match(/^Sign-in failed: .*Invalid email or password/);
      expect(p.snapshot().context.userToken).to.equal(null);
      expect(p.records.at(-1)!.error).to.match(/Invalid email or password/);
    });

    it('says the cloud is unreachable (UNAVAILABLE) when it cannot be reached', async () => {
      p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      p.signIn.open().reject(CLOUD_ERRORS.unreachable());
      const reply = await p.reply(1);
      expect(reply).to.deep.include({ ok: false, status: 'NOT_PROVISIONED', kind: 'UNAVAILABLE' });
      expect(p.snapshot().context.error).to.match(/^Sign-in failed: OKTO Cloud unreachable at .*connection refused/);
    });

    it('treats a failure without a kind as bad credentials and still gives a message', async () => {
      p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      p.signIn.open().reject(new Error('boom'));
      const reply = await p.reply(1);
      expect(reply).to.deep.include({ ok: false, kind: 'UNAUTHORIZED', message: 'Sign-in failed: boom' });
    });

    it('clears an earlier error when a new sign-in starts', async () => {
      p.request({ type: 'SIGN_IN', email: EMAIL, password: 'wrong' });
      p.signIn.open().reject(CLOUD_ERRORS.badCredentials());
      await p.reply(1);
      p.request({ type: 'SIGN_IN', email: 'other@okto.cloud', password: PASSWORD });
      expect(p.snapshot().context).to.deep.include({ error: null, email: 'other@okto.cloud' });
    });

    it('may sign in again from SIGNED_IN, replacing the user token', async () => {
      p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      p.signIn.open().resolve({ userToken: 'user-token-1' });
      await p.reply(1);
      p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      expect(p.status()).to.equal('SIGNING_IN');
      p.signIn.open().resolve({ userToken: 'user-token-2' });
      expect(await p.reply(2)).to.deep.include({ ok: true, status: 'SIGNED_IN' });
      expect(p.snapshot().context.userToken).to.equal('user-token-2');
    });

    it('works without replyTo (no reply, same transitions)', async () => {
      p.actor.send({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      p.signIn.open().resolve({ userToken: 'user-token-1' });
      await flush();
      expect(p.status()).to.equal('SIGNED_IN');
      expect(p.replies.events).to.deep.equal([]);
    });
  });

  describe('listing devices', () => {
    beforeEach(async () => {
      p = startProvisioning({ ...PROVISIONED_RECORD, status: 'SIGNED_IN', deviceToken: null, device: null });
      await p.restored();
    });

    it('answers the company\'s devices with the user token and stays SIGNED_IN', async () => {
      p.request({ type: 'FETCH_DEVICES' });
      expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'fetching' });
      expect(p.status()).to.equal('SIGNED_IN');
      p.listDevices.open().resolve(DEVICES);
      expect(await p.reply(1)).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'SIGNED_IN', devices: DEVICES });
      expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'idle' });
      expect(p.snapshot().context.devices).to.deep.equal(DEVICES);
    });

    it('returns to NOT_PROVISIONED asking to sign in again when the user token expired', async () => {
      p.request({ type: 'FETCH_DEVICES' });
      p.listDevices.open().reject(CLOUD_ERRORS.sessionExpired());
      expect(await p.reply(1)).to.deep.include({ ok: false, status: 'NOT_PROVISIONED', kind: 'UNAUTHORIZED', message: 'Cloud session expired: sign in again' });
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context).to.deep.include({ userToken: null, error: 'Cloud session expired: sign in again' });
      expect(p.records.at(-1)).to.deep.include({ status: 'NOT_PROVISIONED', userToken: null });
    });

    it('stays SIGNED_IN and answers UNAVAILABLE when the cloud is unreachable', async () => {
      p.request({ type: 'FETCH_DEVICES' });
      p.listDevices.open().reject(CLOUD_ERRORS.unreachable());
      const reply = await p.reply(1);
      expect(reply).to.deep.include({ ok: false, status: 'SIGNED_IN', kind: 'UNAVAILABLE' });
      expect(reply.ok === false && reply.message).to.match(/^Cannot list devices: OKTO Cloud unreachable/);
      expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'idle' });
      expect(p.snapshot().context.userToken).to.equal('user-token-1');
    });

    it('answers every request made while the list is in flight, exactly once', async () => {
      p.request({ type: 'FETCH_DEVICES' });
      p.request({ type: 'FETCH_DEVICES' });
      p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
      p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      p.request({ type: 'DEPROVISION' });
      // The four late requests are refused at once; the first still gets its list.
      await p.reply(4);
      for (const reply of p.replies.events.slice(0, 4)) expect(reply).to.deep.include({ ok: false, kind: 'CONFLICT', status: 'SIGNED_IN' });
      expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'fetching' });
      p.listDevices.open().resolve(DEVICES);
      expect(await p.reply(5)).to.deep.include({ ok: true, devices: DEVICES });
      await flush();
      expect(p.replies.events).to.have.length(5);
    });
  });

  describe('activating', () => {
    beforeEach(async () => {
      p = startProvisioning({ ...PROVISIONED_RECORD, status: 'SIGNED_IN', deviceToken: null, device: null });
      await p.restored();
    });

    it('activates with the user token and the installation id, then keeps the device token and record', async () => {
      p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
      expect(p.status()).to.equal('ACTIVATING');
      expect(p.activate.open().input).to.deep.equal({ userToken: 'user-token-1', deviceId: 'device-001', installationId: INSTALLATION_ID });
      p.activate.open().resolve({ deviceToken: 'device-token-1', device: ACTIVATED });
      expect(await p.reply(1)).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'PROVISIONED' });
      expect(p.snapshot().value).to.equal('PROVISIONED');
      expect(p.records.at(-1)).to.deep.equal({ status: 'PROVISIONED', email: EMAIL, userToken: 'user-token-1', deviceToken: 'device-token-1', device: ACTIVATED, error: null });
    });

    it('goes back to SIGNED_IN with "Activation refused" when another installation holds the device', async () => {
      p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
      p.activate.open().reject(CLOUD_ERRORS.alreadyActivated());
      const reply = await p.reply(1);
      expect(reply).to.deep.include({ ok: false, status: 'SIGNED_IN', kind: 'CONFLICT' });
      expect(reply.ok === false && reply.message).to.match(/^Activation refused: .*already activated by another installation/);
      expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'idle' });
      expect(p.snapshot().context.error).to.match(/already activated by another installation/);
      expect(p.snapshot().context.deviceToken).to.equal(null);
      expect(p.records.at(-1)).to.deep.include({ status: 'SIGNED_IN', deviceToken: null });
      expect(p.records.at(-1)!.error).to.match(/already activated/);
    });

    it('answers NOT_FOUND for a device the cloud does not know', async () => {
      p.request({ type: 'ACTIVATE', deviceId: 'device-999' });
      p.activate.open().reject(Object.assign(new Error('Device device-999 not found'), { kind: 'not_found' }));
      expect(await p.reply(1)).to.deep.include({ ok: false, status: 'SIGNED_IN', kind: 'NOT_FOUND' });
    });

    it('asks to sign in again (NOT_PROVISIONED) when the user token expired during activation', async () => {
      p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
      p.activate.open().reject(CLOUD_ERRORS.sessionExpired());
      expect(await p.reply(1)).to.deep.include({ ok: false, status: 'NOT_PROVISIONED', kind: 'UNAUTHORIZED', message: 'Cloud session expired: sign in again' });
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context.userToken).to.equal(null);
    });

    it('stays SIGNED_IN with UNAVAILABLE when the cloud is unreachable', async () => {
      p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
      p.activate.open().reject(CLOUD_ERRORS.unreachable());
      const reply = await p.reply(1);
      expect(reply).to.deep.include({ ok: false, status: 'SIGNED_IN', kind: 'UNAVAILABLE' });
      expect(p.snapshot().context.error).to.match(/unreachable/);
      expect(p.snapshot().context.userToken).to.equal('user-token-1');
    });
  });

  describe('provisioned', () => {
    beforeEach(async () => {
      p = startProvisioning();
      await p.restored();
      await provision();
    });

    it('refuses sign-in, device listing and activation with CONFLICT and its status', async () => {
      const before = p.replies.events.length;
      p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      p.request({ type: 'FETCH_DEVICES' });
      p.request({ type: 'ACTIVATE', deviceId: 'device-002' });
      await p.reply(before + 3);
      for (const reply of p.replies.events.slice(before)) {
        expect(reply).to.deep.equal({ type: 'provisioning.reply', ok: false, status: 'PROVISIONED', kind: 'CONFLICT', message: 'Not allowed while PROVISIONED' });
      }
      expect(p.signIn.waiting()).to.have.length(0);
      expect(p.activate.calls).to.have.length(1);
      expect(p.snapshot().value).to.equal('PROVISIONED');
    });

    it('deprovisions back to NOT_PROVISIONED, forgetting tokens, device and account', async () => {
      const before = p.replies.events.length;
      p.request({ type: 'DEPROVISION' });
      expect(await p.reply(before + 1)).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'NOT_PROVISIONED' });
      expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context).to.deep.include({ email: null, userToken: null, deviceToken: null, device: null, error: null, devices: [], installationId: INSTALLATION_ID });
      expect(p.records.at(-1)).to.deep.equal({ status: 'NOT_PROVISIONED', email: null, userToken: null, deviceToken: null, device: null, error: null });
    });

    it('keeps PROVISIONED but reports it when the cloud rejects the device token', () => {
      const records = p.records.length;
      p.actor.send({ type: 'DEVICE_TOKEN_REJECTED' });
      expect(p.snapshot().value).to.equal('PROVISIONED');
      expect(p.snapshot().context.error).to.equal('The cloud rejected this device token: deprovision and activate again');
      expect(p.records).to.have.length(records + 1);
      expect(p.records.at(-1)).to.deep.include({ status: 'PROVISIONED', error: 'The cloud rejected this device token: deprovision and activate again' });
    });

    it('never has the password in context or in any emitted record', () => {
      expect(JSON.stringify(p.snapshot().context)).to.not.include(PASSWORD);
      expect(JSON.stringify(p.records)).to.not.include(PASSWORD);
    });
  });

  describe('requests refused in flight', () => {
    beforeEach(async () => {
      p = startProvisioning();
      await p.restored();
    });

    it('refuses everything while SIGNING_IN and while ACTIVATING, with that status', async () => {
      p.request({ type: 'SIGN_IN', email: EMAIL, password: PASSWORD });
      for (const event of [{ type: 'SIGN_IN', email: EMAIL, password: PASSWORD }, { type: 'FETCH_DEVICES' }, { type: 'ACTIVATE', deviceId: 'device-001' }, { type: 'DEPROVISION' }] as const) {
        p.request(event);
      }
      await p.reply(4);
      for (const reply of p.replies.events) expect(reply).to.deep.include({ ok: false, kind: 'CONFLICT', status: 'SIGNING_IN' });
      expect(p.signIn.calls).to.have.length(1);
      p.signIn.open().resolve({ userToken: 'u' });
      await p.reply(5);
      p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
      for (const event of [{ type: 'SIGN_IN', email: EMAIL, password: PASSWORD }, { type: 'FETCH_DEVICES' }, { type: 'ACTIVATE', deviceId: 'device-002' }, { type: 'DEPROVISION' }] as const) {
        p.request(event);
      }
      await p.reply(9);
      for (const reply of p.replies.events.slice(5)) expect(reply).to.deep.include({ ok: false, kind: 'CONFLICT', status: 'ACTIVATING' });
      expect(p.activate.calls).to.have.length(1);
      expect(statusOf(p.snapshot().value)).to.equal('ACTIVATING');
    });

    it('refuses device listing and activation before sign-in; deprovision there is a harmless success', async () => {
      p.request({ type: 'FETCH_DEVICES' });
      p.request({ type: 'ACTIVATE', deviceId: 'device-001' });
      p.request({ type: 'DEPROVISION' });
      await p.reply(3);
      expect(p.replies.events[0]).to.deep.include({ ok: false, kind: 'CONFLICT', status: 'NOT_PROVISIONED' });
      expect(p.replies.events[1]).to.deep.include({ ok: false, kind: 'CONFLICT', status: 'NOT_PROVISIONED' });
      expect(p.replies.events[2]).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'NOT_PROVISIONED' });
      expect(p.listDevices.calls).to.have.length(0);
      expect(p.activate.calls).to.have.length(0);
    });
  });
});
