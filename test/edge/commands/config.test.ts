import { expect } from 'chai';
import { edgeConfigSchema } from '../../../src/edge/config.js';

describe('edge config: commands', () => {
  it('is off by default: no reboot/shutdown command, exec_shell disabled with an empty allowlist', () => {
    expect(edgeConfigSchema.parse({}).commands).to.deep.equal({ execShell: { enabled: false, allowlist: [], timeoutMs: 10_000, maxOutputBytes: 65_536 } });
  });

  it('takes system commands as argv, or a string split on whitespace', () => {
    const { commands } = edgeConfigSchema.parse({ commands: { rebootCommand: '/usr/bin/sudo  /sbin/reboot', shutdownCommand: ['/sbin/shutdown', '-h', 'now'] } });
    expect(commands.rebootCommand).to.deep.equal(['/usr/bin/sudo', '/sbin/reboot']);
    expect(commands.shutdownCommand).to.deep.equal(['/sbin/shutdown', '-h', 'now']);
  });

  it('takes exec_shell allowlist entries as a program (no arguments) or a whole argv pattern, and refuses an empty program', () => {
    const { commands } = edgeConfigSchema.parse({ commands: { execShell: { allowlist: ['/usr/bin/uptime', ['/usr/bin/df', '-h']] } } });
    expect(commands.execShell.allowlist).to.deep.equal(['/usr/bin/uptime', ['/usr/bin/df', '-h']]);
    expect(() => edgeConfigSchema.parse({ commands: { execShell: { allowlist: [['', '-h']] } } })).to.throw();
    expect(() => edgeConfigSchema.parse({ commands: { execShell: { allowlist: [[]] } } })).to.throw();
  });

  it('refuses unknown keys and out-of-range caps', () => {
    expect(() => edgeConfigSchema.parse({ commands: { execShell: { enabled: true, shell: true } } })).to.throw();
    expect(() => edgeConfigSchema.parse({ commands: { execShell: { timeoutMs: 1 } } })).to.throw();
  });
});
