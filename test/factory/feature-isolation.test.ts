import { expect } from 'chai';
import type { ExtensionFactory, FactoryContext, FactoryExtension } from '../../src/factory/extension.js';
import { FACTORY_EXTENSIONS } from '../../src/factory/extensions.js';
import { reportDisabledFeature } from '../../src/factory/start-features.js';
import { featureName, startFeatures } from '../../src/runtime/start-features.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { expectData } from '../support/api-expect.js';
import { startTestFactory, type TestFactory } from '../support/factory-harness.js';

/** A feature whose construction throws, as a bad configuration or a missing dependency would. */
const brokenExtension: ExtensionFactory = async () => {
  throw new Error('the catalog importer is missing');
};

/** A stand-in for the factory's knex: `db('audit_log').insert(row)` records the row, or fails. */
const fakeDb = (rows: unknown[], fail = false) => (() => ({ insert: async (row: unknown) => (fail ? Promise.reject(new Error('database is locked')) : void rows.push(row)) })) as unknown as FactoryContext['db'];

describe('a factory feature that fails to start is disabled, audited and shown in /health; the factory runs on', function () {
  this.timeout(30_000);

  describe('startFeatures with the factory report', () => {
    it('leaves the broken feature out, audits it, and still starts the features after it', async () => {
      const audited: unknown[] = [];
      const after: ExtensionFactory = async () => ({ name: 'after' });
      const context = { db: fakeDb(audited), logger: silentLogger, services: {} } as unknown as FactoryContext;
      const { extensions, disabled } = await startFeatures<FactoryContext, FactoryExtension>([brokenExtension, after], context, reportDisabledFeature(context), () => new Date('2026-12-07T22:00:00Z'));
      expect(extensions.map((e) => e.name)).to.deep.equal(['after']);
      expect(disabled).to.deep.equal([{ name: 'broken', error: 'the catalog importer is missing', at: '2026-12-07T22:00:00.000Z' }]);
      expect(audited).to.have.length(1);
      expect(audited[0]).to.deep.include({ username: 'factory', action: 'system.feature_disabled', entity_type: 'feature', entity_id: 'broken', outcome: 'failure', detail: 'the catalog importer is missing' });
    });

    it('starts the factory when auditing the failure fails too', async () => {
      const context = { db: fakeDb([], true), logger: silentLogger, services: {} } as unknown as FactoryContext;
      const { extensions, disabled } = await startFeatures<FactoryContext, FactoryExtension>([brokenExtension], context, reportDisabledFeature(context));
      expect(extensions).to.deep.equal([]);
      expect(disabled.map((d) => d.name)).to.deep.equal(['broken']);
    });

    it('names a feature after its factory', () => {
      expect(FACTORY_EXTENSIONS.map(featureName)).to.deep.equal(['commands', 'deviceConfig', 'groups', 'catalogs', 'firmware', 'duplicates', 'epcis']);
    });
  });

  describe('a whole factory with a broken feature', () => {
    let factory: TestFactory | undefined;
    after(() => factory?.stop());

    it('starts, answers /health degraded with the reason, audits the failure, and the features after it still serve', async () => {
      // The broken feature sits after commands: groups and firmware (after it) still start and use the command service.
      factory = await startTestFactory('sqlite', {}, [...FACTORY_EXTENSIONS.slice(0, 1), brokenExtension, ...FACTORY_EXTENSIONS.slice(1)]);
      const { request, tokens } = factory;

      const health = expectData(await request('GET', '/health'));
      expect(health.status).to.equal('degraded');
      expect(health.reasons).to.deep.include({ code: 'FEATURE_DISABLED', level: 'degraded', message: 'feature broken is disabled: it failed to start (the catalog importer is missing)' });
      expect(factory.factory.system.extensions.map((e) => e.name)).to.include.members(['commands', 'device-groups', 'firmware', 'epcis']);
      expect(factory.factory.system.services.commands).to.not.equal(undefined);

      const audit = expectData(await request('GET', '/api/v1/audit-log?entityId=broken', { token: tokens.manager }));
      expect(JSON.stringify(audit)).to.include('the catalog importer is missing');

      const groups = await request('GET', '/api/v1/device-groups', { token: tokens.operator });
      expect(groups.status).to.equal(200);
    });
  });
});
