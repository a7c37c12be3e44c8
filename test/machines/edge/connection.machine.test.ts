import { expect } from 'chai';
import { imposedReason, refusalOf, targetOf } from '../../../machines/edge/connection.machine.js';
import { type ConnectionRig, startConnectionRig } from '../../support/connection-fixtures.js';

const FORCE_DIRECT = { type: 'FACTORY_SETTINGS', settings: { defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: false, cloudSyncEnabled: true } } as const;
const ALLOW = { type: 'FACTORY_SETTINGS', settings: { defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: true, cloudSyncEnabled: true } } as const;
const PROVISIONED = { type: 'PROVISIONING_CHANGED', status: 'PROVISIONED', deviceToken: 'dev-token-1' } as const;

describe('connection machine', () => {
  let rig: ConnectionRig | undefined;
  afterEach(() => rig?.stop());

  describe('restoring', () => {
    it('starts in the configured mode when none was saved, and tells the queue it has no target yet', async () => {
      rig = await startConnectionRig();
      expect(rig.state()).to.equal('idle');
      expect(rig.context()).to.include({ mode: 'DIRECT_CLOUD', source: 'CONFIGURED' });
      expect(rig.lastTarget()).to.deep.equal({ type: 'TARGET', ready: false, reason: 'Not provisioned: sign in and activate a device (DIRECT_CLOUD mode)' });
    });

    it('starts in the saved mode, with the saved record\'s device token', async () => {
      rig = await startConnectionRig({ restored: { mode: 'VIA_LOCAL_SERVER', deviceToken: 'dev-token-1' } });
      expect(rig.context()).to.include({ mode: 'VIA_LOCAL_SERVER', source: 'CHOSEN', deviceToken: 'dev-token-1' });
      expect(rig.lastTarget()).to.include({ ready: true, reason: null });
    });

    it('falls back to the configured mode when storage cannot be read', async () => {
      rig = await startConnectionRig({ input: { configuredMode: 'VIA_LOCAL_SERVER' }, restored: new Error('SQLITE_BUSY') });
      expect(rig.context()).to.include({ mode: 'VIA_LOCAL_SERVER', source: 'CONFIGURED' });
    });
  });

  describe('a local choice', () => {
    it('is saved, announced with where it came from, and re-targets the queue', async () => {
      rig = await startConnectionRig();
      expect(await rig.setMode('VIA_LOCAL_SERVER')).to.deep.equal({ type: 'connection.reply', ok: true, mode: 'VIA_LOCAL_SERVER' });
      expect(rig.saved).to.deep.equal(['VIA_LOCAL_SERVER']);
      expect(rig.emitted).to.deep.include({ type: 'connection.modeChanged', mode: 'VIA_LOCAL_SERVER', from: 'DIRECT_CLOUD', source: 'CHOSEN', reason: null });
      expect(rig.lastTarget()).to.deep.equal({ type: 'TARGET', ready: true, reason: null });
    });

    it('that cannot be saved leaves the mode as it was and answers UNAVAILABLE', async () => {
      rig = await startConnectionRig();
      rig.storage.saveFails = true;
      const reply = await rig.setMode('VIA_LOCAL_SERVER');
      expect(reply).to.deep.include({ ok: false });
      expect((reply as { error: { kind: string } }).error.kind).to.equal('UNAVAILABLE');
      expect(rig.context().mode).to.equal('DIRECT_CLOUD');
      expect(rig.emitted.map((e) => e.type)).to.include('connection.modeSwitchFailed');
    });

    it('is refused with CONFLICT while the factory forbids an override (the default mode stays choosable)', async () => {
      rig = await startConnectionRig();
      await rig.send(FORCE_DIRECT);
      const refused = await rig.setMode('VIA_LOCAL_SERVER');
      expect(refused).to.deep.equal({
        type: 'connection.reply',
        ok: false,
        error: { kind: 'CONFLICT', message: `${imposedReason('DIRECT_CLOUD')}; VIA_LOCAL_SERVER cannot be chosen on this edge`, details: { mode: 'DIRECT_CLOUD' } },
      });
      expect(await rig.setMode('DIRECT_CLOUD')).to.deep.include({ ok: true });
    });
  });

  describe('the factory\'s settings', () => {
    it('force their default mode, with the reason, and a later allowance keeps it as if chosen', async () => {
      rig = await startConnectionRig({ restored: { mode: 'VIA_LOCAL_SERVER', deviceToken: null } });
      await rig.send(FORCE_DIRECT);
      expect(rig.context()).to.include({ mode: 'DIRECT_CLOUD', source: 'FORCED_BY_FACTORY' });
      expect(rig.saved).to.deep.equal(['DIRECT_CLOUD']);
      expect(rig.emitted).to.deep.include({ type: 'connection.modeChanged', mode: 'DIRECT_CLOUD', from: 'VIA_LOCAL_SERVER', source: 'FORCED_BY_FACTORY', reason: imposedReason('DIRECT_CLOUD') });
      await rig.send(ALLOW);
      expect(rig.context()).to.include({ mode: 'DIRECT_CLOUD', source: 'CHOSEN' });
    });

    it('change nothing when the mode already is the imposed one (no save, no announcement)', async () => {
      rig = await startConnectionRig();
      await rig.send(FORCE_DIRECT);
      expect(rig.saved).to.deep.equal([]);
      expect(rig.emitted.filter((e) => e.type === 'connection.modeChanged')).to.deep.equal([]);
      expect(rig.context().source).to.equal('FORCED_BY_FACTORY');
    });

    it('are applied in arrival order, even while a save is in flight', async () => {
      rig = await startConnectionRig();
      rig.ref.send({ type: 'FACTORY_SETTINGS', settings: { defaultMode: 'VIA_LOCAL_SERVER', allowDeviceOverride: false, cloudSyncEnabled: true } });
      rig.ref.send(FORCE_DIRECT);
      await rig.send({ type: 'ANNOUNCE_TARGET' });
      await rig.send({ type: 'ANNOUNCE_TARGET' });
      expect(rig.saved).to.deep.equal(['VIA_LOCAL_SERVER', 'DIRECT_CLOUD']);
      expect(rig.context().mode).to.equal('DIRECT_CLOUD');
    });
  });

  describe('tokens refused upstream', () => {
    it('a cloud 401 marks the device token and asks provisioning to record it; the target then says why', async () => {
      rig = await startConnectionRig();
      await rig.send(PROVISIONED);
      expect(rig.lastTarget()).to.include({ ready: true });
      await rig.send({ type: 'SYNC_UNAUTHORIZED' });
      expect(rig.toProvisioning).to.deep.equal([{ type: 'DEVICE_TOKEN_REJECTED' }]);
      // Provisioning announces its record again (PROVISIONED, with an error): no resend loop.
      await rig.send(PROVISIONED);
      expect(rig.lastTarget()).to.deep.equal({ type: 'TARGET', ready: false, reason: 'OKTO Cloud rejected the device token: deprovision and activate again' });
      // A new activation brings a new token: ready again.
      await rig.send({ ...PROVISIONED, deviceToken: 'dev-token-2' });
      expect(rig.lastTarget()).to.include({ ready: true });
    });

    it('a factory 401 stops sync to it until restart, and is not taken for the cloud\'s', async () => {
      rig = await startConnectionRig({ restored: { mode: 'VIA_LOCAL_SERVER', deviceToken: null } });
      await rig.send({ type: 'FACTORY_TOKEN_REFUSED' });
      await rig.send({ type: 'SYNC_UNAUTHORIZED' });
      expect(rig.toProvisioning).to.deep.equal([]);
      expect(rig.emitted).to.deep.include({ type: 'connection.factoryRefused' });
      expect(rig.lastTarget()).to.deep.equal({
        type: 'TARGET',
        ready: false,
        reason: 'The factory server rejected the device token: issue a new one at the factory and set FACTORY_DEVICE_TOKEN',
      });
    });

    it("a record announced after start replaces the saved record's token", async () => {
      rig = await startConnectionRig({ restored: { mode: null, deviceToken: 'old-token' } });
      await rig.send({ type: 'PROVISIONING_CHANGED', status: 'NOT_PROVISIONED', deviceToken: null });
      expect(rig.context().deviceToken).to.equal(null);
    });
  });

  describe('pure rules', () => {
    const base = { mode: 'DIRECT_CLOUD' as const, factoryConfigured: false, factoryRejected: false, deviceToken: null, rejectedToken: null };
    it('targetOf: the factory needs its configuration', () => {
      expect(targetOf({ ...base, mode: 'VIA_LOCAL_SERVER' })).to.deep.include({ kind: 'none' });
      expect(targetOf({ ...base, mode: 'VIA_LOCAL_SERVER', factoryConfigured: true })).to.deep.equal({ kind: 'factory', reason: null });
      expect(targetOf({ ...base, deviceToken: 't' })).to.deep.equal({ kind: 'cloud', deviceToken: 't', reason: null });
    });
    it('refusalOf: nothing is refused without settings or with an override allowed', () => {
      expect(refusalOf({ settings: null }, 'VIA_LOCAL_SERVER')).to.equal(null);
      expect(refusalOf({ settings: ALLOW.settings }, 'VIA_LOCAL_SERVER')).to.equal(null);
      expect(refusalOf({ settings: FORCE_DIRECT.settings }, 'VIA_LOCAL_SERVER')).to.match(/cannot be chosen/);
    });
  });
});
