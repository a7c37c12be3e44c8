import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  currentVersion,
  InstallError,
  pruneReleases,
  readInstallRecord,
  releaseDir,
  switchCurrent,
  unpackRelease,
  writeInstallRecord,
} from '../../../adapters/firmware-install/install-root.js';
import { nodeSatisfies } from '../../../src/domain/firmware-install.js';
import { fixtureRelease } from '../../support/release-fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

describe('A/B install root (packaged releases, the current link, pruning)', () => {
  let dir: string;
  let cleanup: () => void;
  let root: string;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('okto-install-root-'));
    root = path.join(dir, 'root');
  });
  afterEach(() => cleanup());

  it('npm run package layout: manifest (version, Node range, entry), package.json with the version, no devDependencies', () => {
    const artifact = fixtureRelease(dir, '1.2.3');
    expect(path.basename(artifact)).to.equal('okto-edge-1.2.3.tar.gz');
    const listing = execFileSync('tar', ['-tzf', artifact], { encoding: 'utf8' });
    expect(listing).to.contain('./manifest.json').and.contain('./bin/okto-edge.js').and.contain('./dist/src/edge/main.js');
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', artifact, './manifest.json'], { encoding: 'utf8' }));
    expect(manifest).to.include({ name: 'okto-edge', version: '1.2.3', node: '>=20', entry: 'bin/okto-edge.js' });
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', artifact, './package.json'], { encoding: 'utf8' }));
    expect(pkg).to.include({ version: '1.2.3' });
    expect(pkg).to.not.have.property('devDependencies');
  });

  it('unpacks into releases/<version> and switches current by renaming a temp link', async () => {
    await unpackRelease(root, fixtureRelease(dir, '1.0.0'), '1.0.0');
    expect(currentVersion(root)).to.equal(null);
    switchCurrent(root, '1.0.0');
    expect(currentVersion(root)).to.equal('1.0.0');
    expect(fs.readlinkSync(path.join(root, 'current'))).to.equal(path.join('releases', '1.0.0'));
    await unpackRelease(root, fixtureRelease(dir, '2.0.0'), '2.0.0');
    switchCurrent(root, '2.0.0');
    expect(currentVersion(root)).to.equal('2.0.0');
    // No temp link or unpack directory is left behind.
    expect(fs.readdirSync(root).sort()).to.deep.equal(['current', 'releases']);
    expect(fs.readdirSync(path.join(root, 'releases')).sort()).to.deep.equal(['1.0.0', '2.0.0']);
  });

  it('refuses an artifact whose manifest names another version, a Node it cannot run on, garbage, or the running version; nothing is left', async () => {
    const v1 = fixtureRelease(dir, '1.0.0');
    const refusal = async (run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        return error as InstallError;
      }
      throw new Error('expected a refusal');
    };
    expect((await refusal(() => unpackRelease(root, v1, '9.9.9'))).message).to.contain('manifest says version 1.0.0');
    expect(await refusal(() => unpackRelease(root, v1, '1.0.0', '18.0.0'))).to.include({ code: 'INCOMPATIBLE' });
    const garbage = path.join(dir, 'garbage.tar.gz');
    fs.writeFileSync(garbage, 'not a tarball');
    expect((await refusal(() => unpackRelease(root, garbage, '3.0.0'))).message).to.contain('could not be unpacked');
    expect(fs.readdirSync(path.join(root, 'releases'))).to.deep.equal([]);
    await unpackRelease(root, v1, '1.0.0');
    switchCurrent(root, '1.0.0');
    expect((await refusal(() => unpackRelease(root, v1, '1.0.0'))).message).to.contain('is the one running');
    expect(() => switchCurrent(root, '7.0.0')).to.throw(InstallError);
  });

  it('keeps the newest N, and always the running and the previous release', async () => {
    for (const v of ['1.0.0', '1.9.0', '1.10.0', '2.0.0']) await unpackRelease(root, fixtureRelease(dir, v), v);
    switchCurrent(root, '1.0.0'); // an old version runs (rolled back to)
    const deleted = pruneReleases(root, 2, ['1.9.0']);
    expect(deleted.sort()).to.deep.equal(['1.10.0', '2.0.0']);
    expect(fs.existsSync(releaseDir(root, '1.0.0')) && fs.existsSync(releaseDir(root, '1.9.0'))).to.equal(true);
    for (const v of ['3.0.0', '4.0.0']) await unpackRelease(root, fixtureRelease(dir, v), v);
    switchCurrent(root, '4.0.0');
    expect(pruneReleases(root, 3, ['3.0.0']).sort()).to.deep.equal(['1.0.0']);
  });

  it('install.json round-trips; an unreadable one reads as none', () => {
    expect(readInstallRecord(root)).to.equal(null);
    fs.mkdirSync(root, { recursive: true });
    const record = { state: 'restarting' as const, from: '1.0.0', to: '2.0.0', commandId: 'c1', deploymentId: 'd1', confirmTimeoutMs: 5000, startedAt: 'x', updatedAt: 'x', reason: null };
    writeInstallRecord(root, record);
    expect(readInstallRecord(root)).to.deep.equal(record);
    fs.writeFileSync(path.join(root, 'install.json'), '{');
    expect(readInstallRecord(root)).to.equal(null);
  });

  it('Node ranges', () => {
    expect(nodeSatisfies('>=20.19', '20.19.2')).to.equal(true);
    expect(nodeSatisfies('>=20.19', '20.18.9')).to.equal(false);
    expect(nodeSatisfies('>=20.19', '22.1.0')).to.equal(true);
    expect(nodeSatisfies('^20.5', '21.0.0')).to.equal(false);
    expect(nodeSatisfies('18.x || >=20', '18.3.0')).to.equal(true);
    expect(nodeSatisfies('*', '1.0.0')).to.equal(true);
  });
});
