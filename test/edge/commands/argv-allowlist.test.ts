import { expect } from 'chai';
import { argumentPattern, createArgvAllowlist } from '../../../src/edge/commands/argv-allowlist.js';

/** The pure part of exec_shell's allowlist: argument patterns and whole-argv matching (real paths faked). */
describe('exec_shell argv allowlist', () => {
  const realPaths: Record<string, string> = { '/usr/bin/env': '/usr/bin/env', '/usr/bin/df': '/usr/bin/df', df: '/usr/bin/df', '/opt/link-to-df': '/usr/bin/df', '/bin/sh': '/usr/bin/dash' };
  const resolve = (program: string) => realPaths[program] ?? null;

  it('argument patterns: literal, `*` within a path segment, `**` anything; regex characters are literal', () => {
    expect(argumentPattern('-h').test('-h')).to.equal(true);
    expect(argumentPattern('-h').test('-hx')).to.equal(false);
    expect(argumentPattern('okto-*').test('okto-edge')).to.equal(true);
    expect(argumentPattern('okto-*').test('okto-../../etc')).to.equal(false);
    expect(argumentPattern('/var/log/**').test('/var/log/a/b.log')).to.equal(true);
    expect(argumentPattern('a.b').test('axb')).to.equal(false);
    expect(argumentPattern('(x)+').test('(x)+')).to.equal(true);
  });

  it('a plain string allows the program with no arguments only (the env bypass)', () => {
    const list = createArgvAllowlist(['/usr/bin/env'], resolve);
    expect(list.match('/usr/bin/env', [])).to.equal('/usr/bin/env');
    expect(list.match('/usr/bin/env', ['/bin/sh', '-c', 'id'])).to.equal(null);
  });

  it('matches by real path, with exactly as many arguments as the pattern', () => {
    const list = createArgvAllowlist([['df', '-h']], resolve);
    expect(list.match('/usr/bin/df', ['-h'])).to.equal('/usr/bin/df');
    expect(list.match('/opt/link-to-df', ['-h'])).to.equal('/usr/bin/df');
    expect(list.match('/usr/bin/df', ['-h', '/'])).to.equal(null);
    expect(list.match('/usr/bin/df', [])).to.equal(null);
    expect(list.match('/bin/sh', ['-h'])).to.equal(null);
    expect(list.match('/nowhere', ['-h'])).to.equal(null);
  });

  it('an entry whose program does not exist allows nothing and is reported', () => {
    const list = createArgvAllowlist(['/opt/missing'], resolve);
    expect(list.missing).to.deep.equal(['/opt/missing']);
    expect(list.match('/opt/missing', [])).to.equal(null);
  });
});
