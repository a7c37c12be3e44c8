import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { peerMissing } from '../support/peers.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEPLOY = path.join(ROOT, 'deploy');
const run = promisify(execFile);

const onPath = (program: string) =>
  ['/usr/bin', '/bin', '/usr/sbin', '/sbin', ...(process.env.PATH ?? '').split(':')].map((dir) => path.join(dir, program)).find((file) => fs.existsSync(file));

/** `Key=value` lines of a unit's [Service] section (a key may repeat). */
function directives(unit: string): Array<[string, string]> {
  return fs
    .readFileSync(path.join(DEPLOY, 'systemd', unit), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]);
}

describe('deploy/: systemd units and the sudoers snippet', function () {
  this.timeout(60_000);

  for (const [unit, dataEnv, dataDir] of [
    ['okto-edge.service', 'EDGE_DATA_DIR', '/var/lib/okto-edge'],
    ['okto-factory.service', 'FACTORY_DATA_DIR', '/var/lib/okto-factory'],
  ] as const) {
    it(`${unit}: dedicated user, read-only system except its data dir, no new privileges, restarts on failure, readiness probe`, () => {
      const d = directives(unit);
      const get = (key: string) => d.filter(([k]) => k === key).map(([, v]) => v);
      expect(get('User')).to.deep.equal(['okto']);
      expect(get('ProtectSystem')).to.deep.equal(['strict']);
      expect(get('ReadWritePaths')).to.deep.equal([dataDir]);
      expect(get('Environment')).to.include(`${dataEnv}=${dataDir}`);
      expect(get('NoNewPrivileges')).to.deep.equal(['yes']);
      expect(get('Restart')).to.deep.equal(['on-failure']);
      expect(get('Type')).to.deep.equal(['simple']);
      expect(get('ExecStartPost')[0]).to.match(/curl .*--fail .*http:\/\/127\.0\.0\.1:\$\{(EDGE|FACTORY)_PORT\}\/health$/);
      expect(get('ExecStart')[0]).to.match(/^\/usr\/bin\/node \/opt\/okto\/bin\/okto-(edge|factory)\.js$/);
    });
  }

  it('the sudoers snippet allows exactly the reboot and poweroff commands of the edge configuration example (docs/EDGE.md), without arguments', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'docs/EDGE.md'), 'utf8');
    const reboot = /rebootCommand: \[\/usr\/bin\/sudo, ([^\]]+)\]/.exec(readme)?.[1];
    const poweroff = /shutdownCommand: \[\/usr\/bin\/sudo, ([^\]]+)\]/.exec(readme)?.[1];
    expect(reboot).to.equal('/usr/sbin/reboot');
    expect(poweroff).to.equal('/usr/sbin/poweroff');
    const rules = fs
      .readFileSync(path.join(DEPLOY, 'sudoers.d/okto-edge'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#') && !line.startsWith('Defaults'));
    expect(rules).to.deep.equal([`okto ALL=(root) NOPASSWD: ${reboot} "", ${poweroff} ""`]);
    const dropIn = fs.readFileSync(path.join(DEPLOY, 'systemd/okto-edge.service.d/os-commands.conf'), 'utf8');
    expect(dropIn).to.match(/^NoNewPrivileges=no$/m);
  });

  const analyze = onPath('systemd-analyze');
  if (!analyze) peerMissing('systemd-analyze (Debian package systemd) to verify deploy/systemd/*.service');
  else
    it('systemd-analyze verify accepts both units', async () => {
      const { dir, cleanup } = tempDir('okto-units-');
      try {
        // The units name /usr/bin/node and /usr/bin/curl; where this machine has them elsewhere, verify the same units pointing there.
        for (const unit of ['okto-edge.service', 'okto-factory.service']) {
          let text = fs.readFileSync(path.join(DEPLOY, 'systemd', unit), 'utf8');
          if (!fs.existsSync('/usr/bin/node')) text = text.replaceAll('/usr/bin/node', process.execPath);
          const curl = onPath('curl');
          if (!fs.existsSync('/usr/bin/curl') && curl) text = text.replaceAll('/usr/bin/curl', curl);
          fs.writeFileSync(path.join(dir, unit), text);
        }
        const { stdout, stderr } = await run(analyze, ['verify', path.join(dir, 'okto-edge.service'), path.join(dir, 'okto-factory.service')]);
        expect(stdout + stderr).not.to.match(/okto-(edge|factory)\.service:/);
      } finally {
        cleanup();
      }
    });

  const visudo = onPath('visudo');
  if (!visudo) peerMissing('visudo (Debian package sudo) to check deploy/sudoers.d/okto-edge');
  else
    it('visudo -c accepts the sudoers snippet', async () => {
      await run(visudo, ['-cf', path.join(DEPLOY, 'sudoers.d/okto-edge')]);
    });
});
