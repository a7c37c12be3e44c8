import { expect } from 'chai';
import type { CommandRecord } from '../../../src/domain/ports/command-port.js';
import { deploymentEventFor, runsRelease } from '../../../src/factory/firmware/command-events.js';
import { queuedCommand } from '../../support/command-record.js';

/** How an update_firmware command's record moves its device in a deployment: installed only when the device runs the release. */
const command = (patch: Partial<CommandRecord>): CommandRecord => ({
  ...queuedCommand('cmd-1', { deviceId: 'edge-1', type: 'update_firmware', params: { version: '2.0.0', releaseId: 'rel-1' }, actor: { system: 'firmware' } }),
  completedAt: '2026-12-07T10:00:00.000Z',
  ...patch,
});

describe('firmware command events (deployment device states from commands)', () => {
  it('SUCCEEDED from the new version, which reports the release as its softwareVersion: installed', () => {
    const event = deploymentEventFor(command({ status: 'SUCCEEDED', result: { installed: true, softwareVersion: '2.0.0', previous: '1.0.0' } }));
    expect(event).to.deep.equal({ type: 'device.result', deviceId: 'edge-1', ok: true, at: '2026-12-07T10:00:00.000Z' });
  });

  it('SUCCEEDED from an edge that only staged the release: failed, saying so (the old version still runs)', () => {
    const event = deploymentEventFor(command({ status: 'SUCCEEDED', result: { staged: true, installed: false, softwareVersion: '1.0.0' } }));
    expect(event).to.include({ type: 'device.result', ok: false });
    expect((event as { error: string }).error).to.contain('staged only').and.contain('1.0.0');
  });

  it('SUCCEEDED with another softwareVersion, or none: failed', () => {
    expect(runsRelease(command({ result: { softwareVersion: '1.9.0' } }))).to.deep.include({ ok: false });
    expect(runsRelease(command({ result: null }))).to.deep.include({ ok: false });
    expect(runsRelease(command({ result: { softwareVersion: '2.0.0' } }))).to.deep.equal({ ok: true });
  });

  it('the version the device reported in its hello must agree: another one fails the device, the same one or none known passes', () => {
    const succeeded = command({ status: 'SUCCEEDED', result: { installed: true, softwareVersion: '2.0.0' } });
    const other = deploymentEventFor(succeeded, () => '1.0.0');
    expect(other).to.include({ type: 'device.result', ok: false });
    expect((other as { error: string }).error).to.equal('the device reports software version 1.0.0 in its hello, not 2.0.0');
    expect(deploymentEventFor(succeeded, () => '2.0.0')).to.include({ ok: true });
    expect(deploymentEventFor(succeeded, () => undefined)).to.include({ ok: true });
  });

  it('FAILED ROLLED_BACK: rolled back with the edge reason', () => {
    const message = 'version 2.0.0 was rolled back to 1.0.0: crash loop: version 2.0.0 exited 3 times within 60000 ms';
    const event = deploymentEventFor(command({ status: 'FAILED', error: { code: 'ROLLED_BACK', message } }));
    expect(event).to.deep.equal({ type: 'device.rolledBack', deviceId: 'edge-1', reason: message, at: '2026-12-07T10:00:00.000Z' });
  });

  it('other failures stay failures', () => {
    const event = deploymentEventFor(command({ status: 'FAILED', error: { code: 'VERIFY_FAILED', message: 'sha256 mismatch' } }));
    expect(event).to.include({ type: 'device.result', ok: false, error: 'VERIFY_FAILED: sha256 mismatch' });
  });

  it('installing and restarting are stages; an unknown stage is nothing', () => {
    for (const stage of ['installing', 'restarting', 'downloading', 'verifying', 'staging']) {
      expect(deploymentEventFor(command({ status: 'DELIVERED', stage }))).to.include({ type: 'device.progress', stage });
    }
    expect(deploymentEventFor(command({ status: 'DELIVERED', stage: 'dancing' }))).to.equal(null);
  });
});
