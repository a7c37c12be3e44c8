import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { currentVersion, readInstallRecord, switchCurrent, unpackRelease, writeInstallRecord } from '../../../adapters/firmware-install/install-root.js';
import { packageVersion } from '../../../src/edge/reported-status.js';
import { scan, useCommandEdge } from '../../support/command-edge.js';
import { lineActivity } from '../../../src/edge/commands/firmware-install.js';
import { startTestEdge } from '../../support/edge-harness.js';
import { expectData } from '../../support/api-expect.js';
import { fixtureRelease } from '../../support/release-fixtures.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * update_firmware with an install root (firmware.install.root): after the download and its checks
 * the release is unpacked beside the running one, install.json says `restarting`, `current` is
 * switched and the edge asks to be restarted — the command stays unanswered. The next start answers
 * it from install.json when the factory sends it again: confirmed (it runs the release) or ROLLED_BACK.
 */
describe('edge commands: update_firmware A/B install', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();
  const RUNNING = packageVersion()!;
  let dir: string;
  let cleanup: () => void;
  let root: string;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir('okto-edge-ab-'));
    root = path.join(dir, 'root');
    // What runs now, as the installer left it.
    await unpackRelease(root, fixtureRelease(dir, RUNNING), RUNNING);
    switchCurrent(root, RUNNING);
  });
  afterEach(() => cleanup());

  const startInstalling = () => fx.start({ firmware: { trustedKeys: [fx.factory.signingKey], install: { root, confirmTimeoutMs: 5_000 } } });

  it('installs: downloading → verifying → installing → restarting, current switched, install.json restarting, a restart requested, no answer yet', async () => {
    const edge = await startInstalling();
    const restarts: string[] = [];
    edge.t.edge.system.bus.subscribe('edge.restartRequested', (event) => restarts.push(event.reason));
    const artifact = fx.factory.addArtifact('rel-9', fs.readFileSync(fixtureRelease(dir, '9.0.0')));
    const id = fx.factory.sendCommand('update_firmware', { ...artifact, version: '9.0.0', deploymentId: 'dep-9' });
    await waitFor(() => restarts.length > 0, 10_000, 'the restart request');
    expect(restarts).to.deep.equal(['firmware 9.0.0 installed']);
    await waitFor(() => fx.factory.replies(id).progress.length === 4, 5_000, 'the restarting stage at the factory');
    expect(fx.factory.replies(id).progress.map((p) => p.stage)).to.deep.equal(['downloading', 'verifying', 'installing', 'restarting']);
    expect(fx.factory.replies(id).results).to.deep.equal([]);
    expect(currentVersion(root)).to.equal('9.0.0');
    expect(readInstallRecord(root)).to.include({ state: 'restarting', from: RUNNING, to: '9.0.0', commandId: id, deploymentId: 'dep-9', confirmTimeoutMs: 5_000 });
    expect(fs.readdirSync(path.join(root, 'releases')).sort()).to.deep.equal([RUNNING, '9.0.0'].sort());
    expect(fs.readdirSync(path.join(edge.dataDir, 'firmware')).filter((f) => f.endsWith('.part'))).to.deep.equal([]);
  });

  it('a maintenance window that is closed: downloaded and verified at once, then waiting_for_window (next opening given), nothing installed', async () => {
    await startInstalling();
    const now = new Date();
    // A window that opened an hour ago and lasted a minute: closed now, next one tomorrow.
    const hour = (now.getUTCHours() + 23) % 24;
    const window = { cron: `${now.getUTCMinutes()} ${hour} * * *`, durationMinutes: 1, timeZone: 'UTC' };
    const artifact = fx.factory.addArtifact('rel-w', fs.readFileSync(fixtureRelease(dir, '9.4.0')));
    const id = fx.factory.sendCommand('update_firmware', { ...artifact, version: '9.4.0', maintenanceWindow: window });
    await waitFor(() => fx.factory.replies(id).progress.some((p) => p.stage === 'waiting_for_window'), 10_000, 'waiting_for_window');
    const waiting = fx.factory.replies(id).progress.find((p) => p.stage === 'waiting_for_window')!;
    expect(Date.parse((waiting.detail as { opensAt: string }).opensAt) - now.getTime()).to.be.within(22 * 3600_000, 24 * 3600_000);
    expect(fx.factory.replies(id).progress.map((p) => p.stage)).to.deep.equal(['downloading', 'verifying', 'waiting_for_window']);
    expect(currentVersion(root)).to.equal(RUNNING);
    expect(readInstallRecord(root)).to.equal(null);
    expect(fs.readdirSync(path.join(root, 'releases'))).to.deep.equal([RUNNING]);
  });

  it('inside its maintenance window it installs at once', async () => {
    const edge = await startInstalling();
    let restarted = false;
    edge.t.edge.system.bus.subscribe('edge.restartRequested', () => (restarted = true));
    const artifact = fx.factory.addArtifact('rel-o', fs.readFileSync(fixtureRelease(dir, '9.5.0')));
    fx.factory.sendCommand('update_firmware', { ...artifact, version: '9.5.0', maintenanceWindow: { cron: '* * * * *', durationMinutes: 1 } });
    await waitFor(() => restarted, 10_000, 'the install and restart request');
    expect(currentVersion(root)).to.equal('9.5.0');
  });

  it('soft (the default) waits for a quiet line: a line that scanned within a minute is busy (waiting_for_line); forced installs anyway', async () => {
    const edge = await startInstalling();
    await scan(edge.t, '0104600000000001215abcde\u001d93ab12');
    const soft = fx.factory.sendCommand('update_firmware', { ...fx.factory.addArtifact('rel-s', fs.readFileSync(fixtureRelease(dir, '9.6.0'))), version: '9.6.0' });
    await waitFor(() => fx.factory.replies(soft).progress.some((p) => p.stage === 'waiting_for_line'), 10_000, 'waiting_for_line');
    expect(fx.factory.replies(soft).progress.find((p) => p.stage === 'waiting_for_line')!.detail).to.deep.equal({ line: 'running', idleMs: 60_000 });
    expect(currentVersion(root)).to.equal(RUNNING);
    let restarted = false;
    edge.t.edge.system.bus.subscribe('edge.restartRequested', () => (restarted = true));
    fx.factory.sendCommand('update_firmware', { ...fx.factory.addArtifact('rel-f', fs.readFileSync(fixtureRelease(dir, '9.7.0'))), version: '9.7.0', installMode: 'forced' });
    await waitFor(() => restarted, 10_000, 'the forced install');
    expect(currentVersion(root)).to.equal('9.7.0');
  });

  it('line activity: paused, disabled or no line is quiet; running is quiet once idle for a minute with nothing in flight', () => {
    const line = (value: unknown, context: object) => ({ getSnapshot: () => ({ value, context }) });
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(lineActivity(undefined, now)).to.deep.equal({ quiet: true, state: 'none' });
    expect(lineActivity(line('paused', {}), now)).to.deep.equal({ quiet: true, state: 'paused' });
    expect(lineActivity(line({ disabled: 'idle' }, {}), now)).to.deep.equal({ quiet: true, state: 'disabled' });
    expect(lineActivity(line('running', { inFlight: 0, lastScanAt: null }), now).quiet).to.equal(true);
    expect(lineActivity(line('running', { inFlight: 0, lastScanAt: '2026-12-07T09:59:30Z' }), now).quiet).to.equal(false);
    expect(lineActivity(line('running', { inFlight: 0, lastScanAt: '2026-12-07T09:58:59Z' }), now).quiet).to.equal(true);
    expect(lineActivity(line('running', { inFlight: 1, lastScanAt: null }), now).quiet).to.equal(false);
  });

  it('an artifact that is not a release (no manifest): INSTALL_FAILED, current unchanged, nothing left', async () => {
    await startInstalling();
    const artifact = fx.factory.addArtifact('rel-x', Buffer.from('not a tarball at all'));
    const result = await fx.factory.result(fx.factory.sendCommand('update_firmware', { ...artifact, version: '9.1.0' }));
    expect(result.ok).to.equal(false);
    expect(result.error).to.include({ code: 'INSTALL_FAILED' });
    expect(result.error!.message).to.contain(`version ${RUNNING} runs on`);
    expect(currentVersion(root)).to.equal(RUNNING);
    expect(readInstallRecord(root)).to.equal(null);
    expect(fs.readdirSync(path.join(root, 'releases'))).to.deep.equal([RUNNING]);
  });

  /** Runs an install up to the restart request; returns the command id (left `running` in the edge's command records). */
  const installUpToRestart = async (version: string) => {
    const edge = await startInstalling();
    let restarted = false;
    edge.t.edge.system.bus.subscribe('edge.restartRequested', () => (restarted = true));
    const artifact = fx.factory.addArtifact(`rel-${version}`, fs.readFileSync(fixtureRelease(dir, version)));
    const id = fx.factory.sendCommand('update_firmware', { ...artifact, version }, { commandId: `cmd-${version}` });
    await waitFor(() => restarted, 10_000, 'the restart request');
    return { edge, id, artifact };
  };

  it('asked again after the restart, by the version the install waited on: it confirmed itself once welcomed, and answers ok as that softwareVersion', async () => {
    const { edge, id, artifact } = await installUpToRestart('9.2.0');
    // This test's "new version" is the code under test itself: the record waits on it.
    writeInstallRecord(root, { ...readInstallRecord(root)!, to: RUNNING });
    await edge.restart();
    await waitFor(() => readInstallRecord(root)?.state === 'confirmed', 10_000, 'install.json confirmed');
    fx.factory.sendCommand('update_firmware', { ...artifact, version: '9.2.0' }, { commandId: id });
    const result = await fx.factory.result(id);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.result).to.deep.include({ installed: true, softwareVersion: RUNNING, previous: RUNNING, state: 'confirmed' });
    expect(fx.factory.artifactRequests).to.have.length(1); // answered from the record, not run again
    const t = fx.edge.t;
    const events = expectData(await t.request('GET', '/api/v1/events?source=firmware', { token: t.tokens.operator })).events as Array<Record<string, any>>;
    expect(events.map((e) => [e.severity, e.messageKey])).to.deep.equal([['info', 'system.firmware_confirmed']]);
  });

  it('asked again after a rollback (the launcher restored the previous version): ROLLED_BACK with the reason', async () => {
    const { edge, id, artifact } = await installUpToRestart('9.3.0');
    // What the launcher does on a crash loop: current back, the record says why.
    switchCurrent(root, RUNNING);
    writeInstallRecord(root, { ...readInstallRecord(root)!, state: 'rolled_back', reason: 'crash loop: version 9.3.0 exited 3 times within 60000 ms' });
    await edge.restart();
    fx.factory.sendCommand('update_firmware', { ...artifact, version: '9.3.0' }, { commandId: id });
    const result = await fx.factory.result(id);
    expect(result.ok).to.equal(false);
    expect(result.error).to.deep.equal({ code: 'ROLLED_BACK', message: `version 9.3.0 was rolled back to ${RUNNING}: crash loop: version 9.3.0 exited 3 times within 60000 ms` });
    expect(readInstallRecord(root)).to.include({ state: 'rolled_back', journaled: true }); // this version does not confirm a record about another
    // The restored version wrote the rollback into its journal (an alarm, in the catalogue's words), once.
    const t = fx.edge.t;
    const events = await waitFor(async () => {
      const found = expectData(await t.request('GET', '/api/v1/events?source=firmware', { token: t.tokens.operator })).events as Array<Record<string, any>>;
      return found.length > 0 ? found : null;
    }, 5_000, 'the rollback in the journal');
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ severity: 'alarm', messageKey: 'system.firmware_rolled_back' });
  });

  it('without the launcher (systemd), the new version keeps its own deadline: never welcomed, it switches current back, records rolled_back and asks for a restart', async () => {
    await unpackRelease(root, fixtureRelease(dir, '0.0.1'), '0.0.1');
    const now = new Date().toISOString();
    writeInstallRecord(root, { state: 'restarting', from: '0.0.1', to: RUNNING, commandId: 'cmd-s', deploymentId: null, confirmTimeoutMs: 4_000, startedAt: now, updatedAt: now, reason: null });
    const { dir: dataDir, cleanup: cleanData } = tempDir('okto-edge-ab-data-');
    // A factory that never answers: nothing listens on this port.
    const t = await startTestEdge({ factory: { url: 'http://127.0.0.1:9', deviceId: 'edge-ab', deviceToken: 'x'.repeat(32) }, firmware: { install: { root } } }, { dataDir });
    try {
      const restarts: string[] = [];
      t.edge.system.bus.subscribe('edge.restartRequested', (event) => restarts.push(event.reason));
      // (4 s from the record's start: the edge is up and this test listening well before.)
      await waitFor(() => readInstallRecord(root)?.state === 'rolled_back', 10_000, 'install.json rolled_back');
      expect(readInstallRecord(root)!.reason).to.equal(`version ${RUNNING} did not say hello to the factory and report healthy within 4000 ms`);
      expect(currentVersion(root)).to.equal('0.0.1');
      await waitFor(() => restarts.length > 0, 5_000, 'the restart request');
      expect(restarts).to.deep.equal(['rollback to 0.0.1']);
    } finally {
      await t.stop();
      cleanData();
    }
  });
});
