import { expect } from 'chai';
import { type FactoryConfig, factoryConfigSchema } from '../../src/factory/config.js';
import type { ExtensionFactory, FactoryContext } from '../../src/factory/extension.js';
import { FACTORY_EXTENSIONS } from '../../src/factory/extensions.js';
import { type Factory, startFactory } from '../../src/factory/factory.js';
import { factoryFeatureName, startFactoryFeatures } from '../../src/factory/start-features.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { expectData } from '../support/api-expect.js';
import { demoTokens, jsonRequester } from '../support/http-request.js';
import { tempDir } from '../support/temp-dir.js';

/** A feature whose construction throws, as a bad configuration or a missing dependency would. */
const brokenExtension: ExtensionFactory = async () => {
  throw new Error('the catalog importer is missing');
};

describe('a factory feature that fails to start is disabled, audited and shown in /health; the factory runs on', function () {
  this.timeout(30_000);

  describe('startFactoryFeatures', () => {
    it('leaves the broken feature out, audits it, and still starts the features after it', async () => {
      const audited: unknown[] = [];
      const db = (() => ({ insert: async (row: unknown) => void audited.push(row) })) as unknown as FactoryContext['db'];
      const after: ExtensionFactory = async () => ({ name: 'after' });
      const context = { db, logger: silentLogger, services: {} } as unknown as FactoryContext;
      const { extensions, disabled } = await startFactoryFeatures([brokenExtension, after], context, () => new Date('2026-12-07T22:00:00Z'));
      expect(extensions.map((e) => e.name)).to.deep.equal(['after']);
      expect(disabled).to.deep.equal([{ name: 'broken', error: 'the catalog importer is missing', at: '2026-12-07T22:00:00.000Z' }]);
      expect(audited).to.have.length(1);
      expect(audited[0]).to.deep.include({ action: 'system.feature_disabled', entity_type: 'feature', entity_id: 'broken', outcome: 'failure', detail: 'the catalog importer is missing' });
    });

    it('starts the factory when auditing the failure fails too', async () => {
      const db = (() => ({ insert: async () => Promise.reject(new Error('database is locked')) })) as unknown as FactoryContext['db'];
      const context = { db, logger: silentLogger, services: {} } as unknown as FactoryContext;
      const { extensions, disabled } = await startFactoryFeatures([brokenExtension], context);
      expect(extensions).to.deep.equal([]);
      expect(disabled.map((d) => d.name)).to.deep.equal(['broken']);
    });

    it('names a feature after its factory', () => {
      expect(FACTORY_EXTENSIONS.map(factoryFeatureName)).to.deep.equal(['commands', 'deviceConfig', 'groups', 'catalogs', 'firmware', 'duplicates', 'epcis']);
    });
  });

  describe('a whole factory with a broken feature', () => {
    let factory: Factory | undefined;
    let cleanup: (() => void) | undefined;
    after(async () => {
      await factory?.stop();
      cleanup?.();
    });

    it('starts, answers /health degraded with the reason, audits the failure, and the features after it still serve', async () => {
      const dir = tempDir('okto-factory-');
      cleanup = dir.cleanup;
      const config: FactoryConfig = {
        ...factoryConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, dataDir: dir.dir, log: { level: 'silent' }, auth: { demoUsers: true, scryptLogN: 10 } }),
        configFile: null,
      };
      // The broken feature sits after commands: groups and firmware (after it) still start and use the command service.
      const features = [...FACTORY_EXTENSIONS.slice(0, 1), brokenExtension, ...FACTORY_EXTENSIONS.slice(1)];
      factory = await startFactory(config, silentLogger, { features });
      const request = jsonRequester(factory.url);
      const tokens = await demoTokens(request);

      const health = expectData(await request('GET', '/health'));
      expect(health.status).to.equal('degraded');
      expect(health.reasons).to.deep.include({ code: 'FEATURE_DISABLED', level: 'degraded', message: 'feature broken is disabled: it failed to start (the catalog importer is missing)' });
      expect(factory.system.extensions.map((e) => e.name)).to.include.members(['commands', 'device-groups', 'firmware', 'epcis']);
      expect(factory.system.services.commands).to.not.equal(undefined);

      const audit = expectData(await request('GET', '/api/v1/audit-log?entityId=broken', { token: tokens.manager }));
      expect(JSON.stringify(audit)).to.include('the catalog importer is missing');

      const groups = await request('GET', '/api/v1/device-groups', { token: tokens.operator });
      expect(groups.status).to.equal(200);
    });
  });
});
