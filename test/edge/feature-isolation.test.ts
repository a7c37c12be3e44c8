import { expect } from 'chai';
import { edgeConfigSchema, type EdgeConfig } from '../../src/edge/config.js';
import { startEdge, type Edge } from '../../src/edge/edge.js';
import type { EdgeContext, EdgeExtensionFactory } from '../../src/edge/extension.js';
import { EDGE_EXTENSIONS } from '../../src/edge/extensions.js';
import { featureName, startFeatures } from '../../src/edge/start-features.js';
import { createEventBus } from '../../src/runtime/event-bus.js';
import { silentLogger } from '../../src/runtime/logger.js';
import type { EdgeEvent } from '../../src/edge/edge-events.js';
import { expectData } from '../support/api-expect.js';
import { demoTokens, jsonRequester } from '../support/http-request.js';
import { validCode } from '../support/scan-fixtures.js';
import { tempDir } from '../support/temp-dir.js';

/** A feature whose construction throws, as a bad configuration or a missing driver would. */
const brokenExtension: EdgeExtensionFactory = async () => {
  throw new Error('the label printer driver is missing');
};

describe('a feature that fails to start is disabled, journaled and shown in /health; the edge runs on', function () {
  this.timeout(30_000);

  describe('startFeatures', () => {
    it('leaves the broken feature out, journals it, and still starts the features after it', async () => {
      const bus = createEventBus<EdgeEvent>();
      const published: EdgeEvent[] = [];
      bus.subscribe('journal.record', (event) => void published.push(event));
      const after: EdgeExtensionFactory = async (context) => {
        context.services.overrideChecks = [];
        return { name: 'after' };
      };
      const context = { bus, logger: silentLogger, services: {} } as unknown as EdgeContext;
      const { extensions, disabled } = await startFeatures([brokenExtension, after], context, () => new Date('2026-12-07T22:00:00Z'));
      expect(extensions.map((e) => e.name)).to.deep.equal(['after']);
      expect(disabled).to.deep.equal([{ name: 'broken', error: 'the label printer driver is missing', at: '2026-12-07T22:00:00.000Z' }]);
      expect(context.services.overrideChecks).to.deep.equal([]);
      expect(published).to.deep.equal([
        {
          type: 'journal.record',
          severity: 'alarm',
          category: 'system',
          source: 'feature.broken',
          messageKey: 'system.feature_disabled',
          params: { feature: 'broken', error: 'the label printer driver is missing' },
        },
      ]);
    });

    it('names a feature after its factory', () => {
      expect(EDGE_EXTENSIONS.map(featureName)).to.include.members(['printers', 'plcs', 'rejectLoop', 'selfService']);
    });
  });

  describe('a whole edge with a broken feature', () => {
    let edge: Edge | undefined;
    let cleanup: (() => void) | undefined;
    after(async () => {
      await edge?.stop();
      cleanup?.();
    });

    it('starts, answers /health degraded with the reason, journals the failure, and still takes scans', async () => {
      const dir = tempDir('okto-edge-');
      cleanup = dir.cleanup;
      const parsed = edgeConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, dataDir: dir.dir, storage: { synchronous: 'NORMAL' }, auth: { demoUsers: true, scryptLogN: 10 } });
      const config: EdgeConfig = { ...parsed, mockMode: true, configFile: null };
      // The broken feature sits in the middle: the ones after it (self-service last) still start.
      const features = [...EDGE_EXTENSIONS.slice(0, 3), brokenExtension, ...EDGE_EXTENSIONS.slice(3)];
      edge = await startEdge(config, silentLogger, { features });
      const request = jsonRequester(`http://127.0.0.1:${edge.port}`);
      const tokens = await demoTokens(request);

      const health = expectData(await request('GET', '/health'));
      expect(health.status).to.equal('degraded');
      expect(health.reasons).to.deep.equal([
        { code: 'FEATURE_DISABLED', level: 'degraded', message: 'feature broken is disabled: it failed to start (the label printer driver is missing)' },
      ]);
      expect(edge.system.extensions.map((e) => e.name)).to.include('self-service');

      await edge.system.journal.flush();
      const journal = expectData(await request('GET', '/api/v1/events?category=system&source=feature.broken', { token: tokens.operator }));
      expect(journal.events).to.have.length(1);
      expect(journal.events[0]).to.deep.include({ severity: 'alarm', messageKey: 'system.feature_disabled' });

      const scan = expectData(await request('POST', '/api/v1/scanner/scan', { token: tokens.operator, body: { code: validCode(1) } }));
      expect(scan.outcome).to.equal('accepted');
    });
  });
});
