import { expect } from 'chai';
import { ConfigError, parseCloudSimArgs } from '../../src/cloud-sim/config.js';

describe('okto-cloud-sim arguments', () => {
  it('defaults to 127.0.0.1:8090 at info level', () => {
    expect(parseCloudSimArgs([], {})).to.deep.equal({ port: 8090, host: '127.0.0.1', logLevel: 'info' });
  });

  it('reads CLOUD_SIM_PORT, CLOUD_SIM_HOST and LOG_LEVEL, and lets flags win', () => {
    const env = { CLOUD_SIM_PORT: '9000', CLOUD_SIM_HOST: '0.0.0.0', LOG_LEVEL: 'debug' };
    expect(parseCloudSimArgs([], env)).to.deep.equal({ port: 9000, host: '0.0.0.0', logLevel: 'debug' });
    expect(parseCloudSimArgs(['--port', '0', '--host', '::1', '--log-level', 'warn'], env)).to.deep.equal({ port: 0, host: '::1', logLevel: 'warn' });
  });

  it('answers help for --help and -h', () => {
    expect(parseCloudSimArgs(['--help'], {})).to.equal('help');
    expect(parseCloudSimArgs(['-h'], {})).to.equal('help');
  });

  it('throws a readable ConfigError for bad values and unknown flags', () => {
    for (const argv of [['--port', '70000'], ['--port', 'x'], ['--log-level', 'loud'], ['--verbose'], ['positional']]) {
      expect(() => parseCloudSimArgs(argv, {}), argv.join(' ')).to.throw(ConfigError);
    }
    expect(() => parseCloudSimArgs([], { CLOUD_SIM_PORT: '-1' })).to.throw(ConfigError, /--port/);
  });
});
