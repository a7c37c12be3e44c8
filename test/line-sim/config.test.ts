import { expect } from 'chai';
import { parseLineSimArgs } from '../../src/line-sim/config.js';

describe('okto-line-sim arguments', () => {
  it('defaults to a listening milk reader on any free loopback port at 5 frames/s', () => {
    expect(parseLineSimArgs([], {})).to.deep.equal({
      help: false,
      options: {
        mode: 'listen',
        host: '127.0.0.1',
        port: 0,
        industry: 'milk',
        ratePerSecond: 5,
        mix: { duplicate: 0, invalid: 0, noRead: 0 },
        framing: 'CRLF',
        symbologyPrefix: false,
        gsAs: 'byte',
        total: undefined,
        seed: undefined,
      },
    });
  });

  it('reads every flag', () => {
    const argv = ['--mode', 'connect', '--host', '10.0.0.5', '--port', '9004', '--industry', 'water', '--rate', '200',
      '--duplicate', '0.02', '--invalid', '0.03', '--noread', '0.01', '--framing', 'STX_ETX', '--symbology-prefix',
      '--gs', '<GS>', '--total', '1000', '--seed', '7'];
    const cmd = parseLineSimArgs(argv, {});
    expect(cmd).to.deep.equal({
      help: false,
      options: {
        mode: 'connect', host: '10.0.0.5', port: 9004, industry: 'water', ratePerSecond: 200,
        mix: { duplicate: 0.02, invalid: 0.03, noRead: 0.01 }, framing: 'STX_ETX', symbologyPrefix: true,
        gsAs: '<GS>', total: 1000, seed: 7,
      },
    });
  });

  it('takes LINE_SIM_* environment variables, with flags winning', () => {
    const env = { LINE_SIM_INDUSTRY: 'beer', LINE_SIM_RATE: '50', LINE_SIM_PORT: '7000', LINE_SIM_SYMBOLOGY_PREFIX: 'true', LINE_SIM_NOREAD: '0.5' };
    const cmd = parseLineSimArgs(['--port', '7001'], env);
    expect(cmd.help).to.equal(false);
    if (!cmd.help) {
      expect(cmd.options).to.include({ industry: 'beer', ratePerSecond: 50, port: 7001, symbologyPrefix: true });
      expect(cmd.options.mix).to.deep.equal({ duplicate: 0, invalid: 0, noRead: 0.5 });
    }
  });

  it('recognises --help and -h', () => {
    expect(parseLineSimArgs(['--help'], {})).to.deep.equal({ help: true });
    expect(parseLineSimArgs(['-h'], {})).to.deep.equal({ help: true });
  });

  it('rejects bad input with a readable message', () => {
    expect(() => parseLineSimArgs(['--industry', 'vodka'], {})).to.throw(/--industry/);
    expect(() => parseLineSimArgs(['--rate', 'fast'], {})).to.throw(/--rate/);
    expect(() => parseLineSimArgs(['--duplicate', '0.7', '--invalid', '0.7'], {})).to.throw(/must not exceed 1/);
    expect(() => parseLineSimArgs(['--mode', 'connect'], {})).to.throw(/connect mode needs --port/);
    expect(() => parseLineSimArgs(['--port', '70000'], {})).to.throw(/--port/);
    expect(() => parseLineSimArgs(['--bogus'], {})).to.throw(/bogus/);
    expect(() => parseLineSimArgs([], { LINE_SIM_FRAMING: 'TAB' })).to.throw(/--framing/);
  });
});
