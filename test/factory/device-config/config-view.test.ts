import { expect } from 'chai';
import { emptyDeviceConfig } from '../../../adapters/store/factory/device-config-store.js';
import { configDifferences, deviceConfigView } from '../../../src/factory/device-config/config-view.js';

describe('desired config: differences and in-sync', () => {
  it('compares only the settings the desired config names, leaf by leaf (null is a value)', () => {
    const desired = { line: { productId: null, party: 'P-1' }, sync: { batchSize: 10 } };
    expect(configDifferences(desired, { line: { productId: null, party: 'P-1' }, sync: { batchSize: 10, pollIntervalMs: 5 }, log: { level: 'info' } })).to.deep.equal([]);
    expect(configDifferences(desired, { line: { productId: 'x' } })).to.deep.equal([
      { path: 'line.productId', desired: null, reported: 'x' },
      { path: 'line.party', desired: 'P-1', reported: null },
      { path: 'sync.batchSize', desired: 10, reported: null },
    ]);
    expect(configDifferences(desired, null)).to.have.length(3);
    expect(configDifferences({ sync: { batchSize: 10 } }, { sync: 'garbage' })).to.deep.equal([{ path: 'sync.batchSize', desired: 10, reported: null }]);
    expect(configDifferences({}, { anything: 1 })).to.deep.equal([]);
  });

  it('in sync only when the device confirmed this very version and nothing differs; version 0 has nothing to differ from', () => {
    const base = { ...emptyDeviceConfig('d'), version: 2, desired: { log: { level: 'info' as const } } };
    expect(deviceConfigView(emptyDeviceConfig('d')).inSync).to.equal(true);
    expect(deviceConfigView({ ...base, reported: { log: { level: 'info' } }, reportedVersion: 1 }).inSync).to.equal(false);
    expect(deviceConfigView({ ...base, reported: { log: { level: 'info' } }, reportedVersion: 2 }).inSync).to.equal(true);
    expect(deviceConfigView({ ...base, reported: { log: { level: 'warn' } }, reportedVersion: 2 }).inSync).to.equal(false);
  });
});
