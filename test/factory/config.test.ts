import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, type FactoryConfig, loadFactoryConfig } from '../../src/factory/config.js';
import { tempDir } from '../support/temp-dir.js';

describe('loadFactoryConfig', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('okto-factory-config-'));
  });
  afterEach(() => cleanup());

  const load = (argv: string[] = [], env: NodeJS.ProcessEnv = {}): FactoryConfig => {
    const result = loadFactoryConfig(argv, env, dir);
    if (result === 'help') throw new Error('unexpected help');
    return result;
  };
  const configError = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect(error, String(error)).to.be.instanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('has the documented defaults: port 8081, SQLite under ./data/factory, VIA_LOCAL_SERVER, Moscow time', () => {
    const config = load();
    expect(config.server.port).to.equal(8081);
    expect(config.dataDir).to.equal(path.join(dir, 'data/factory'));
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.connection).to.deep.equal({ defaultMode: 'VIA_LOCAL_SERVER', allowDeviceOverride: true, cloudSyncEnabled: true });
    expect(config.company.timeZone).to.equal('Europe/Moscow');
    expect(config.devices).to.include({ heartbeatIntervalMs: 5000, staleAfterMs: 15000, offlineAfterMs: 60000, shardCapacity: 100 });
    expect(config.cloud.deviceToken).to.equal(undefined);
  });

  it('layers: defaults < factory-server.yaml < environment < flags', () => {
    fs.writeFileSync(path.join(dir, 'factory-server.yaml'), 'server: { port: 9001 }\ncompany: { timeZone: Asia/Novosibirsk }\ndevices: { staleAfterMs: 2000 }\n');
    const fromFile = load();
    expect(fromFile.server.port).to.equal(9001);
    expect(fromFile.company.timeZone).to.equal('Asia/Novosibirsk');
    expect(fromFile.devices.staleAfterMs).to.equal(2000);
    expect(fromFile.configFile).to.equal(path.join(dir, 'factory-server.yaml'));

    const env = { FACTORY_PORT: '9002', FACTORY_DATABASE_URL: 'postgres://u@db/okto', FACTORY_CLOUD_DEVICE_TOKEN: 'tok', OKTO_CLOUD_URL: 'http://cloud:8090' };
    const fromEnv = load([], env);
    expect(fromEnv.server.port).to.equal(9002);
    expect(fromEnv.databaseUrl).to.equal('postgres://u@db/okto');
    expect(fromEnv.cloud).to.include({ deviceToken: 'tok', url: 'http://cloud:8090' });

    const fromFlags = load(['--port', '9003', '--database-url', 'postgresql://v@db/x', '--time-zone', 'UTC'], env);
    expect(fromFlags.server.port).to.equal(9003);
    expect(fromFlags.databaseUrl).to.equal('postgresql://v@db/x');
    expect(fromFlags.company.timeZone).to.equal('UTC');
  });

  it('names the key of every bad value', () => {
    expect(configError(() => load([], { FACTORY_PORT: 'x' }))).to.include('FACTORY_PORT');
    expect(configError(() => load(['--time-zone', 'Mars/Olympus']))).to.include('company.timeZone');
    expect(configError(() => load(['--database-url', 'mysql://x']))).to.include('databaseUrl');
    fs.writeFileSync(path.join(dir, 'factory-server.yaml'), 'devices: { staleAfterMs: 5000, offlineAfterMs: 1000 }\nserver: { prot: 1 }\n');
    const message = configError(() => load());
    expect(message).to.include('devices.offlineAfterMs');
    expect(message).to.include('prot');
  });

  it('--help answers "help"; an unknown flag is a ConfigError with the usage', () => {
    expect(loadFactoryConfig(['--help'], {}, dir)).to.equal('help');
    expect(configError(() => load(['--nope']))).to.include('Usage: okto-factory');
  });
});
