import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { saveAppliedConfig } from '../../src/edge/commands/runtime-config.js';
import { loadEdgeConfig } from '../../src/edge/config.js';
import { startEdge } from '../../src/edge/edge.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { expectData } from '../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { demoTokens, jsonRequester } from '../support/http-request.js';
import { startKeptEdge } from '../support/kept-edge.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Overrides live in the edge database: they survive a restart and win over the configuration the
 * edge starts with (file, environment, flags); an invalid stored one never stops the edge.
 */
describe('edge: configuration overrides across a restart', function () {
  this.timeout(30_000);
  const base = { scanners: [{ id: 'mock-1', transport: 'mock' }], line: { batchSize: 50 } };
  const printer = { id: 'zebra-1', model: 'ZEBRA_ZPL', host: '127.0.0.1', port: 1, backoff: { baseMs: 1000, maxMs: 5000 } };
  const stops: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('PUT /api/v1/config and PUT /api/v1/scanners survive a restart without touching the configuration file', async () => {
    const first = await startKeptEdge(base);
    stops.push(() => first.removeDataDir());
    expectData(
      await first.request('PUT', '/api/v1/config', {
        token: first.tokens.admin,
        body: { set: { 'l2.override.line.batchSize': 77, 'l2.override.printers': [printer], 'l2.override.sync.pollIntervalMs': 250 } },
      }),
    );
    expectData(await first.request('PUT', '/api/v1/scanners', { token: first.tokens.admin, body: [{ id: 'mock-1', transport: 'MOCK' }, { id: 'mock-2', transport: 'MOCK', role: 'BOX' }] }));
    await first.stop();

    const second: TestEdge = await startTestEdge(base, { dataDir: first.dataDir });
    stops.push(() => second.stop());
    const config = second.edge.system.config;
    expect(config.line.batchSize).to.equal(77);
    expect(config.sync.pollIntervalMs).to.equal(250);
    expect(second.edge.system.syncQueue().getSnapshot().context.pollIntervalMs).to.equal(250);
    expect(config.scanners.map((s) => [s.id, s.role])).to.deep.equal([
      ['mock-1', 'ADD'],
      ['mock-2', 'BOX'],
    ]);
    expect(second.edge.system.scanner('mock-2')).to.not.equal(undefined);
    expect(second.edge.system.root.system.get('printer.zebra-1')).to.not.equal(undefined);

    const overrides = expectData(await second.request('GET', '/api/v1/config', { token: second.tokens.manager })).overrides;
    expect(Object.keys(overrides)).to.have.members(['l2.override.line.batchSize', 'l2.override.printers', 'l2.override.sync.pollIntervalMs', 'l2.override.scanners']);
    const status = expectData(await second.request('GET', '/api/v1/self-service/status', { token: second.tokens.manager }));
    expect(status.startup.applied).to.have.members(Object.keys(overrides));
    expect(status.settings['line.batchSize']).to.deep.equal({ source: 'override', value: 77 });

    // Dropping them brings the start-up configuration back, in place.
    expectData(await second.request('DELETE', '/api/v1/config', { token: second.tokens.admin }));
    expect(config.line.batchSize).to.equal(50);
    expect(config.scanners.map((s) => s.id)).to.deep.equal(['mock-1']);
  });

  it('an invalid stored override is ignored at start (the file value applies) and reported by key', async () => {
    const first = await startKeptEdge(base);
    stops.push(() => first.removeDataDir());
    await first.edge.system.settingsStore.set('l2.override.line.batchSize', 'lots');
    await first.edge.system.settingsStore.set('l2.override.line.palletSize', 9);
    await first.stop();

    const second = await startTestEdge(base, { dataDir: first.dataDir });
    stops.push(() => second.stop());
    expect(second.edge.system.config.line.batchSize).to.equal(50);
    expect(second.edge.system.config.line.palletSize).to.equal(9);
    const status = expectData(await second.request('GET', '/api/v1/self-service/status', { token: second.tokens.manager }));
    expect(status.ok).to.equal(false);
    expect(status.startup.applied).to.deep.equal(['l2.override.line.palletSize']);
    expect(status.startup.errors.map((e: { field: string }) => e.field)).to.deep.equal(['l2.override.line.batchSize']);
    expect(status.overrides.invalid[0].field).to.equal('l2.override.line.batchSize');
    expect(status.settings['line.batchSize']).to.deep.equal({ source: 'default', value: 50 });
  });

  it("a value the factory pushed (push_config) wins over an override; the override is the fallback the push leaves out", async () => {
    const edge = await startTestEdge(base);
    stops.push(() => edge.stop());
    const put = (set: Record<string, unknown>) => edge.request('PUT', '/api/v1/config', { token: edge.tokens.admin, body: { set } });
    await saveAppliedConfig(edge.edge.system.settingsStore, { version: 1, config: { line: { batchSize: 5 } }, appliedAt: new Date().toISOString(), commandId: null });
    expectData(await put({ 'l2.override.line.batchSize': 120, 'l2.override.line.party': 'P-OVR' }));
    expect(edge.edge.system.config.line.batchSize).to.equal(5);
    expect(edge.edge.system.config.line.party).to.equal('P-OVR');
    expect(edge.edge.system.scanLine().getSnapshot().context.settings.party).to.equal('P-OVR');
    // push_config falls back to the runtime base, which now carries the override.
    expect(edge.edge.system.runtimeBase.line.batchSize).to.equal(120);
    const { settings } = expectData(await edge.request('GET', '/api/v1/self-service/status', { token: edge.tokens.manager }));
    expect(settings['line.batchSize']).to.deep.equal({ source: 'factory', value: 5 });
    expect(settings['line.party']).to.deep.equal({ source: 'override', value: 'P-OVR' });
  });

  it('status names the source of each setting: default, file, environment, flag, override, factory', async () => {
    const { dir, cleanup } = tempDir('okto-edge-layers-');
    stops.push(cleanup);
    const file = path.join(dir, 'edge-service.yaml');
    fs.writeFileSync(file, ['line:', '  batchSize: 10', '  palletSize: 20', 'scanners:', '  - id: mock-1', '    transport: MOCK', ''].join('\n'));
    const config = loadEdgeConfig(['--config', file, '--port', '0', '--host', '127.0.0.1', '--data-dir', path.join(dir, 'data')], { EDGE_INDUSTRY: 'water', EDGE_SYNCHRONOUS: 'NORMAL', EDGE_DEMO_USERS: 'true', EDGE_JWT_SECRET: 'jwt-secret-for-the-layers-test-0123456789', FACTORY_DEVICE_TOKEN: 'device-token-never-shown' }, dir);
    if (config === 'help') throw new Error('unexpected help');
    const edge = await startEdge(config, silentLogger);
    stops.push(() => edge.stop());
    const request = jsonRequester(`http://127.0.0.1:${edge.port}`);
    const tokens = await demoTokens(request);

    expectData(await request('PUT', '/api/v1/config', { token: tokens.admin, body: { set: { 'l2.override.line.palletSize': 30 } } }));
    await saveAppliedConfig(edge.system.settingsStore, { version: 3, config: { line: { productId: 'FROM-FACTORY' } }, appliedAt: new Date().toISOString(), commandId: null });
    const { settings } = expectData(await request('GET', '/api/v1/self-service/status', { token: tokens.manager }));
    expect(settings['line.batchSize']).to.deep.equal({ source: 'file', value: 10 });
    expect(settings['line.palletSize']).to.deep.equal({ source: 'override', value: 30 });
    expect(settings['line.industry']).to.deep.equal({ source: 'environment', value: 'water' });
    expect(settings['server.port']).to.deep.equal({ source: 'flag', value: 0 });
    expect(settings['sync.batchSize']).to.deep.equal({ source: 'default', value: 2000 });
    expect(settings['line.productId'].source).to.equal('factory');
    expect(settings['scanners'].source).to.equal('file');
    // Secrets from any source are masked.
    expect(settings['auth.jwtSecret']).to.deep.equal({ source: 'environment', value: '[redacted]' });
    expect(settings['factory.deviceToken']).to.deep.equal({ source: 'environment', value: '[redacted]' });
    const text = JSON.stringify(settings);
    expect(text).to.not.contain('jwt-secret-for-the-layers-test').and.not.contain('device-token-never-shown');
  });
});
