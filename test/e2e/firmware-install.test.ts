import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { currentVersion, readInstallRecord, switchCurrent, unpackRelease } from '../../adapters/firmware-install/install-root.js';
import { type Launcher, startLauncher } from '../../src/edge/launcher/launcher.js';
import { packageEdge } from '../../scripts/package-edge.js';
import { expectData } from '../support/api-expect.js';
import { startTestFactory, type TestFactory } from '../support/factory-harness.js';
import { uploadOk } from '../support/firmware-fixtures.js';
import { fixtureRelease } from '../support/release-fixtures.js';
import { tempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';

/**
 * A/B installs end to end, with real processes: the real edge packaged twice from this repository
 * (versions 1.0.0 and 2.0.0: `npm run package --from-source --deps link`, TypeScript run through
 * tsx, node_modules linked: a build and a dependency copy would take minutes), installed in a
 * temporary install root and run by the real launcher, against a real factory. 1.0.0 → 2.0.0 is
 * confirmed (the factory shows 2.0.0); a broken 3.0.0 (exits at start) crash-loops, the launcher
 * rolls back to 2.0.0, and the deployment records ROLLED_BACK with the reason.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEVICE = 'ab-edge-1';

describe('firmware A/B install end to end (launcher, real edge processes, real factory)', function () {
  this.timeout(120_000);
  let f: TestFactory;
  let dir: string;
  let cleanup: () => void;
  let launcher: Launcher | null = null;
  let root: string;
  const log: string[] = [];

  before(async function () {
    ({ dir, cleanup } = tempDir('okto-ab-'));
    root = path.join(dir, 'root');
    f = await startTestFactory();
    const token = await f.enrol(DEVICE, { lineId: 'line-001' });
    const signingKey = (await f.request('GET', '/api/v1/firmware/signing-key', { token: f.tokens.manager })).body.data as { id: string; publicKeyPem: string };
    const config = {
      server: { port: 0, host: '127.0.0.1' },
      dataDir: path.join(dir, 'data'),
      connection: { mode: 'VIA_LOCAL_SERVER' },
      factory: { url: f.url, deviceId: DEVICE, deviceToken: token, heartbeatIntervalMs: 500, backoff: { baseMs: 50, maxMs: 500 } },
      firmware: { trustedKeys: [{ id: signingKey.id, publicKey: signingKey.publicKeyPem }], install: { confirmTimeoutMs: 60_000 } },
      log: { level: 'warn' },
    };
    fs.writeFileSync(path.join(dir, 'edge.yaml'), JSON.stringify(config));
    // The first install is done by hand (as an installer script would): 1.0.0 unpacked and current.
    const v1 = packageEdge({ repo: REPO, outDir: dir, version: '1.0.0', fromSource: true, deps: 'link' }).artifact;
    await unpackRelease(root, v1, '1.0.0');
    switchCurrent(root, '1.0.0');
    launcher = startLauncher({
      root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, EDGE_CONFIG: path.join(dir, 'edge.yaml') },
      crashLoopLimit: 3,
      crashLoopWindowMs: 30_000,
      restartDelayMs: 100,
      stdio: 'pipe',
      log: (line) => log.push(line),
    });
  });

  after(async function () {
    await launcher?.stop();
    await f?.factory.stop();
    cleanup?.();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`launcher log:\n${log.join('\n')}\n`);
  });

  const device = async () => expectData(await f.request('GET', `/api/v1/devices/${DEVICE}`, { token: f.tokens.operator }));
  const reportsVersion = (version: string) =>
    waitFor(
      async () => {
        const d = await device();
        return d.connected && d.reported?.softwareVersion === version ? d : null;
      },
      60_000,
      `${DEVICE} connected as ${version}`,
    );
  const deploy = async (version: string, artifact: Buffer) => {
    const release = await uploadOk(f, version, artifact);
    return expectData(
      await f.request('POST', '/api/v1/firmware/deployments', { token: f.tokens.admin, body: { releaseId: release.id, deviceIds: [DEVICE], deviceTimeoutMs: 90_000 } }),
      201,
    );
  };
  const ended = (id: string) =>
    waitFor(
      async () => {
        const d = expectData(await f.request('GET', `/api/v1/firmware/deployments/${id}`, { token: f.tokens.operator }));
        return d.status === 'running' ? null : d;
      },
      90_000,
      `deployment ${id} to end`,
    );

  it('1.0.0 → 2.0.0: unpacked beside 1.0.0, current switched, restarted, confirmed; the factory shows 2.0.0 and the deployment completed', async () => {
    await reportsVersion('1.0.0');
    const v2 = packageEdge({ repo: REPO, outDir: dir, version: '2.0.0', fromSource: true, deps: 'link' }).artifact;
    const created = await deploy('2.0.0', fs.readFileSync(v2));
    const done = await ended(created.id);
    expect(done.status, JSON.stringify(done)).to.equal('completed');
    expect(done.devices[0]).to.include({ deviceId: DEVICE, state: 'installed', error: null });
    await reportsVersion('2.0.0');
    expect(currentVersion(root)).to.equal('2.0.0');
    expect(readInstallRecord(root)).to.include({ state: 'confirmed', from: '1.0.0', to: '2.0.0', deploymentId: created.id });
    expect(fs.readdirSync(path.join(root, 'releases')).sort()).to.deep.equal(['1.0.0', '2.0.0']);
  });

  it('a broken 3.0.0 (exits at start) crash-loops: the launcher rolls back to 2.0.0, which reports ROLLED_BACK with the reason', async () => {
    const v3 = fixtureRelease(dir, '3.0.0', `process.stderr.write('3.0.0 cannot start\\n'); process.exit(1);\n`);
    const created = await deploy('3.0.0', fs.readFileSync(v3));
    const done = await ended(created.id);
    expect(done.devices[0]).to.include({ deviceId: DEVICE, state: 'rolled_back' });
    expect(done.devices[0].error).to.contain('rolled back to 2.0.0').and.contain('crash loop');
    expect(done.status).to.equal('failed');
    await reportsVersion('2.0.0');
    expect(currentVersion(root)).to.equal('2.0.0');
    expect(readInstallRecord(root)).to.include({ state: 'rolled_back', from: '2.0.0', to: '3.0.0' });
    expect(log.join('\n')).to.contain('rolled back from 3.0.0 to 2.0.0');
  });
});
