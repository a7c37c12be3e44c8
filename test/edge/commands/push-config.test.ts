import { expect } from 'chai';
import type { SyncQueueContext } from '../../../machines/shared/sync-queue.machine.js';
import type { ScanLineContext } from '../../../machines/edge/scan-line.machine.js';
import { APPLIED_CONFIG_KEY } from '../../../src/edge/commands/runtime-config.js';
import { codes } from '../../support/edge-fixtures.js';
import { scan, useCommandEdge } from '../../support/command-edge.js';

/** push_config: the factory's runtime config applied at once, persisted with its version, in force after a restart. */
describe('edge commands: push_config', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();

  const PUSHED = { line: { productId: 'product-9', party: 'PARTY-9', batchSize: 7 }, sync: { batchSize: 100, pollIntervalMs: 1_000 }, log: { level: 'debug' as const } };
  const lineSettings = () => (fx.edge.t.edge.system.scanLine().getSnapshot() as { context: ScanLineContext }).context.settings;
  const pollInterval = () => (fx.edge.t.edge.system.syncQueue().getSnapshot() as { context: SyncQueueContext }).context.pollIntervalMs;
  const bottleOf = async (code: string) => {
    const { bottleId } = (await scan(fx.edge.t, code)) as unknown as { bottleId: string };
    return (await fx.edge.t.request('GET', `/api/v1/bottles/${bottleId}`, { token: fx.edge.t.tokens.operator })).body.data;
  };

  it('applies line, sync and log settings at once and reports {version, applied}', async () => {
    const edge = await fx.start();
    const result = await fx.factory.result(fx.factory.sendCommand('push_config', { version: 3, config: PUSHED }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.result).to.deep.include({ version: 3, applied: PUSHED });
    expect((result.result as { effective: unknown }).effective).to.deep.equal(PUSHED);

    expect(lineSettings()).to.deep.include({ productId: 'product-9', party: 'PARTY-9' });
    expect(await bottleOf(codes(1)[0]!)).to.deep.include({ productId: 'product-9', party: 'PARTY-9' });
    const batch = await edge.t.request('POST', '/api/v1/batches', { token: edge.t.tokens.operator, body: { batch: { name: 'b' }, bottles: [] } });
    expect(batch.body.data.batch.batchSize).to.equal(7);
    expect(pollInterval()).to.equal(1_000);
    expect(edge.t.edge.system.outbox.batchSize()).to.equal(100);
    expect(edge.t.edge.system.logger.level).to.equal('debug');
  });

  it('persists the applied config and its version: in force after a restart; an older version is refused', async () => {
    const edge = await fx.start();
    expect((await fx.factory.result(fx.factory.sendCommand('push_config', { version: 5, config: PUSHED }))).ok).to.equal(true);
    await edge.restart();
    expect(lineSettings()).to.deep.include({ productId: 'product-9', party: 'PARTY-9' });
    expect(pollInterval()).to.equal(1_000);
    expect(edge.t.edge.system.outbox.batchSize()).to.equal(100);
    expect(edge.t.edge.system.logger.level).to.equal('debug');
    const stored = await edge.t.edge.system.settingsStore.get<{ version: number }>(APPLIED_CONFIG_KEY);
    expect(stored?.value.version).to.equal(5);

    const stale = await fx.factory.result(fx.factory.sendCommand('push_config', { version: 4, config: {} }));
    expect(stale.ok).to.equal(false);
    expect(stale.error!.code).to.equal('STALE_VERSION');
    expect(lineSettings()).to.deep.include({ productId: 'product-9' });

    // A newer push that leaves keys out: they fall back to the edge's own configuration.
    const next = await fx.factory.result(fx.factory.sendCommand('push_config', { version: 6, config: { line: { party: null } } }));
    expect(next.ok).to.equal(true);
    expect(lineSettings()).to.deep.include({ productId: null, party: null });
    expect(pollInterval()).to.equal(50);
    expect(edge.t.edge.system.logger.level).to.equal('info');
  });

  it('refuses a config with unknown keys as INVALID_PARAMS', async () => {
    await fx.start();
    const result = await fx.factory.result(fx.factory.sendCommand('push_config', { version: 1, config: { line: { speed: 3 } } }));
    expect(result.error!.code).to.equal('INVALID_PARAMS');
  });
});
