import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { bottleItem, overview, syncOk, UNAUTHORIZED } from '../../support/factory-api-fixtures.js';

const SETTINGS = '/api/v1/connection/settings';
const DEFAULTS = { defaultMode: 'VIA_LOCAL_SERVER', allowDeviceOverride: true, cloudSyncEnabled: true };

describeOnBothDatabases('factory API: /api/v1/connection/settings', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db);
  });
  after(async () => {
    await t?.stop();
  });

  const get = async (token = t.tokens.operator) => expectData(await t.request('GET', SETTINGS, { token }));
  const put = (body: unknown, token = t.tokens.manager) => t.request('PUT', SETTINGS, { token, body });

  // Tests share one factory: each starts from the defaults.
  beforeEach(async () => {
    expectData(await put(DEFAULTS));
  });

  describe('authentication and roles', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: SETTINGS },
      { method: 'PUT', path: SETTINGS, role: 'MANAGER', body: { allowDeviceOverride: false } },
    ]);

    it('a device token is refused on both (401), and changes nothing', async () => {
      const token = await t.enrol('conn-edge');
      UNAUTHORIZED(await t.request('GET', SETTINGS, { token }));
      UNAUTHORIZED(await put({ cloudSyncEnabled: false }, token));
      expect(await get()).to.deep.equal(DEFAULTS);
    });
  });

  describe('GET', () => {
    it('exactly the three settings', async () => {
      expect(await get()).to.deep.equal(DEFAULTS);
    });

    it('the config file / environment defaults are what a fresh factory answers', async () => {
      const other = await startTestFactory(db, { connection: { defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: false, cloudSyncEnabled: false } });
      try {
        expect(expectData(await other.request('GET', SETTINGS, { token: other.tokens.operator }))).to.deep.equal({
          defaultMode: 'DIRECT_CLOUD',
          allowDeviceOverride: false,
          cloudSyncEnabled: false,
        });
      } finally {
        await other.stop();
      }
    });
  });

  describe('PUT', () => {
    it('a partial change answers the whole merged settings; GET agrees', async () => {
      expect(expectData(await put({ allowDeviceOverride: false }))).to.deep.equal({ ...DEFAULTS, allowDeviceOverride: false });
      expect(expectData(await put({ defaultMode: 'DIRECT_CLOUD', cloudSyncEnabled: false }))).to.deep.equal({
        defaultMode: 'DIRECT_CLOUD',
        allowDeviceOverride: false,
        cloudSyncEnabled: false,
      });
      expect(await get()).to.deep.equal({ defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: false, cloudSyncEnabled: false });
    });

    it('stored: the changed settings survive a restart (and win over the configured defaults)', async () => {
      expectData(await put({ defaultMode: 'DIRECT_CLOUD' }));
      await t.restart();
      expect(await get()).to.deep.equal({ ...DEFAULTS, defaultMode: 'DIRECT_CLOUD' });
    });

    it('concurrent partial changes do not lose each other', async () => {
      const results = await Promise.all([put({ defaultMode: 'DIRECT_CLOUD' }), put({ allowDeviceOverride: false }), put({ cloudSyncEnabled: false })]);
      results.forEach((res) => expectData(res));
      expect(await get()).to.deep.equal({ defaultMode: 'DIRECT_CLOUD', allowDeviceOverride: false, cloudSyncEnabled: false });
    });

    it('cloudSyncEnabled=false: new items are no longer queued for the cloud', async () => {
      const token = await t.enrol('conn-sync');
      await syncOk(t, token, [bottleItem('c-1')]);
      const queued = (await overview(t)).syncQueueTotal;
      expect(queued).to.be.at.least(1);
      expectData(await put({ cloudSyncEnabled: false }));
      await syncOk(t, token, [bottleItem('c-2')]);
      expect((await overview(t)).syncQueueTotal).to.equal(queued);
    });

    it('400 VALIDATION_ERROR for an empty change, an unknown setting, wrong types; nothing changes', async () => {
      expectValidationError(await put({}));
      const cases: Array<[unknown, string]> = [
        [{ defaultMode: 'SOMETIMES' }, 'defaultMode'],
        [{ defaultMode: null }, 'defaultMode'],
        [{ defaultMode: 1 }, 'defaultMode'],
        [{ allowDeviceOverride: 'yes' }, 'allowDeviceOverride'],
        [{ allowDeviceOverride: 1 }, 'allowDeviceOverride'],
        [{ cloudSyncEnabled: 'false' }, 'cloudSyncEnabled'],
        [{ cloudSyncEnabled: null }, 'cloudSyncEnabled'],
        [{ cloudSyncEnabled: true, syncIntervalMs: 10 }, 'syncIntervalMs'],
      ];
      for (const [body, field] of cases) expectValidationError(await put(body), field);
      for (const rawBody of ['{"cloudSyncEnabled":', '{', 'null', '[]', 'true']) {
        expectError(await t.request('PUT', SETTINGS, { token: t.tokens.manager, rawBody }), 400, 'VALIDATION_ERROR');
      }
      expect(await get()).to.deep.equal(DEFAULTS);
    });
  });
});
