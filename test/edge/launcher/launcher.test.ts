import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { currentVersion, readInstallRecord, switchCurrent, unpackRelease, writeInstallRecord } from '../../../adapters/firmware-install/install-root.js';
import type { InstallRecord } from '../../../src/domain/firmware-install.js';
import { type Launcher, startLauncher } from '../../../src/edge/launcher/launcher.js';
import { fixtureRelease } from '../../support/release-fixtures.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * The launcher with small real releases (fixture entries, real processes): each fixture appends
 * "<version> <pid>" to <root>/starts.log when it starts, so a test sees what ran and how often.
 */
describe('okto-launcher (A/B supervisor)', function () {
  this.timeout(30_000);
  let dir: string;
  let cleanup: () => void;
  let root: string;
  let launcher: Launcher | null = null;
  const log: string[] = [];
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('okto-launcher-'));
    root = path.join(dir, 'root');
    log.length = 0;
  });
  afterEach(async () => {
    await launcher?.stop();
    launcher = null;
    cleanup();
  });

  const starts = () => (fs.existsSync(path.join(root, 'starts.log')) ? fs.readFileSync(path.join(root, 'starts.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')[0]) : []);
  /** A release whose entry records its start, then runs `then` (JS). */
  const release = async (version: string, then = 'setInterval(() => {}, 1000);') => {
    const main = `import fs from 'node:fs'; import path from 'node:path';
fs.appendFileSync(path.join(process.env.OKTO_INSTALL_ROOT, 'starts.log'), '${version} ' + process.pid + '\\n');
${then}\n`;
    await unpackRelease(root, fixtureRelease(dir, version, main), version);
  };
  const pending = (from: string, to: string, confirmTimeoutMs: number): InstallRecord => {
    const now = new Date().toISOString();
    return { state: 'restarting', from, to, commandId: 'cmd-1', deploymentId: 'dep-1', confirmTimeoutMs, startedAt: now, updatedAt: now, reason: null };
  };
  const launch = () => {
    launcher = startLauncher({ root, crashLoopLimit: 3, crashLoopWindowMs: 20_000, restartDelayMs: 50, pollMs: 50, stdio: 'pipe', log: (line) => log.push(line) });
    return launcher;
  };

  it('a new version that never confirms is stopped at its deadline; the previous one starts again and install.json says why', async () => {
    await release('1.0.0');
    await release('2.0.0'); // runs, but never writes confirmed
    writeInstallRecord(root, pending('1.0.0', '2.0.0', 1_000));
    switchCurrent(root, '2.0.0');
    launch();
    await waitFor(() => readInstallRecord(root)?.state === 'rolled_back', 15_000, 'the rollback');
    expect(readInstallRecord(root)!.reason).to.equal('version 2.0.0 did not say hello to the factory and report healthy within 1000 ms');
    expect(currentVersion(root)).to.equal('1.0.0');
    await waitFor(() => starts().at(-1) === '1.0.0', 5_000, '1.0.0 to start again');
    expect(starts()).to.deep.equal(['2.0.0', '1.0.0']);
  });

  it('a new version that confirms (install.json confirmed) is kept: the launcher sees it and drops its deadline', async () => {
    await release('1.0.0');
    await release('2.0.0', `const f = path.join(process.env.OKTO_INSTALL_ROOT, 'install.json'); const r = JSON.parse(fs.readFileSync(f, 'utf8')); fs.writeFileSync(f, JSON.stringify({ ...r, state: 'confirmed' })); setInterval(() => {}, 1000);`);
    writeInstallRecord(root, pending('1.0.0', '2.0.0', 800));
    switchCurrent(root, '2.0.0');
    launch();
    await waitFor(() => log.some((l) => l === 'version 2.0.0 confirmed'), 10_000, 'the launcher to see the confirmation');
    expect(readInstallRecord(root)!.state).to.equal('confirmed');
    expect(currentVersion(root)).to.equal('2.0.0');
    expect(starts()).to.deep.equal(['2.0.0']);
  });

  it('exit 75 starts current again at once (the version the edge just switched to); a confirmed version that crashes is restarted, not rolled back', async () => {
    await release('1.0.0', `if (fs.readFileSync(path.join(process.env.OKTO_INSTALL_ROOT, 'starts.log'), 'utf8').split('\\n').length <= 2) process.exit(75); setInterval(() => {}, 1000);`);
    switchCurrent(root, '1.0.0');
    launch();
    await waitFor(() => starts().length === 2, 10_000, 'the restart after exit 75');
    expect(log.some((l) => l.includes('asked to be started again'))).to.equal(true);
    // Now it crashes: started again (after restartDelayMs), current untouched.
    launcher!.child()!.kill('SIGKILL');
    await waitFor(() => starts().length === 3, 10_000, 'the restart after the crash');
    expect(currentVersion(root)).to.equal('1.0.0');
    expect(readInstallRecord(root)).to.equal(null);
  });
});
