import { expect } from 'chai';
import { ConfigError, envLayer, flagLayer } from '../../src/runtime/config-layers.js';

describe('config layers: one table of variables and flags per service', () => {
  const table = [
    ['X_PORT', 'server.port', 'number'],
    ['X_HOST', 'server.host'],
    ['X_DEMO', 'auth.demoUsers', 'boolean'],
    ['X_URL', 'factory.url', 'textOrUnset'],
    ['X_HOSTS', 'hardware.allowedHosts', 'list'],
  ] as const;

  it('reads each variable as its kind into its dotted setting; unset ones leave the layer alone', () => {
    const layer = envLayer(table, { X_PORT: '8080', X_DEMO: 'true', X_URL: '', X_HOSTS: ' 10.0.0.0/8, ,192.168.1.5 ' });
    expect(layer).to.deep.equal({ server: { port: 8080 }, auth: { demoUsers: true }, hardware: { allowedHosts: ['10.0.0.0/8', '192.168.1.5'] } });
  });

  it('names the variable when its value is not of its kind', () => {
    expect(() => envLayer(table, { X_PORT: 'eighty' })).to.throw(ConfigError, 'X_PORT');
  });

  it('reads flags the same way, naming the flag on a bad number', () => {
    const flags = [['port', 'server.port', 'number'], ['log-level', 'log.level']] as const;
    expect(flagLayer(flags, { port: '9000', 'log-level': 'debug' })).to.deep.equal({ server: { port: 9000 }, log: { level: 'debug' } });
    expect(() => flagLayer(flags, { port: 'x' })).to.throw(ConfigError, '--port');
  });
});
