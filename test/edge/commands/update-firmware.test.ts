import { expect } from 'chai';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { keyIdOf } from '../../../src/auth/firmware-signature.js';
import { STAGED_FIRMWARE_KEY } from '../../../src/edge/commands/update-firmware.js';
import { FACTORY_TOKEN, useCommandEdge } from '../../support/command-edge.js';

/**
 * update_firmware: download from the factory with the device token, resume with Range after a
 * dropped connection, verify size and sha256, stage under dataDir/firmware/staged/<version>.
 */
describe('edge commands: update_firmware', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();

  const firmwareDir = () => path.join(fx.edge.dataDir, 'firmware');

  it('resumes a download cut halfway with a Range request, verifies it and stages it', async () => {
    const edge = await fx.start();
    const body = randomBytes(200_000);
    const artifact = fx.factory.addArtifact('rel-1', body, { dropAfterBytes: 80_000, dropTimes: 1 });
    const id = fx.factory.sendCommand('update_firmware', { ...artifact, version: '2.1.0', deploymentId: 'dep-1' });
    const result = await fx.factory.result(id);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.result).to.deep.include({ version: '2.1.0', releaseId: 'rel-1', sha256: artifact.sha256, size: body.length, deploymentId: 'dep-1', resumes: 1, alreadyStaged: false });

    // The second request asked for the rest only, with the device token.
    expect(fx.factory.artifactRequests).to.have.length(2);
    expect(fx.factory.artifactRequests[0]).to.deep.include({ range: undefined, authorization: `Bearer ${FACTORY_TOKEN}` });
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(fx.factory.artifactRequests[1]!.range ?? '')?.[1]);
    expect(resumedFrom).to.be.greaterThan(0).and.at.most(80_000);

    const stages = fx.factory.replies(id).progress.map((p) => p.stage);
    expect(stages).to.deep.equal(['downloading', 'downloading', 'verifying', 'staging']);
    const staged = path.join(firmwareDir(), 'staged', '2.1.0');
    expect(fs.readFileSync(staged).equals(body)).to.equal(true);
    expect(fs.existsSync(path.join(firmwareDir(), '2.1.0.part'))).to.equal(false);
    const record = await edge.t.edge.system.settingsStore.get<{ version: string }>(STAGED_FIRMWARE_KEY);
    expect(record?.value.version).to.equal('2.1.0');

    // Asked again (another commandId): already staged, nothing downloaded.
    const again = await fx.factory.result(fx.factory.sendCommand('update_firmware', { ...artifact, version: '2.1.0' }));
    expect(again.result).to.deep.include({ version: '2.1.0', alreadyStaged: true });
    expect(fx.factory.artifactRequests).to.have.length(2);
  });

  it('never reports success for an artifact that fails verification: VERIFY_FAILED, deleted, nothing staged', async () => {
    const edge = await fx.start();
    const body = randomBytes(10_000);
    const artifact = fx.factory.addArtifact('rel-2', body);
    const wrongSha = 'f'.repeat(64);
    const id = fx.factory.sendCommand('update_firmware', { ...artifact, sha256: wrongSha, version: '3.0.0' });
    const result = await fx.factory.result(id);
    expect(result.ok).to.equal(false);
    expect(result.error!.code).to.equal('VERIFY_FAILED');
    expect(result.error!.message).to.include('sha256');
    expect(fx.factory.replies(id).progress.map((p) => p.stage)).to.deep.equal(['downloading', 'verifying']);
    expect(fs.readdirSync(path.join(firmwareDir(), 'staged'))).to.deep.equal([]);
    expect(fs.existsSync(path.join(firmwareDir(), '3.0.0.part'))).to.equal(false);
    expect(await edge.t.edge.system.settingsStore.get(STAGED_FIRMWARE_KEY)).to.equal(null);

    // A wrong size is refused the same way.
    const short = await fx.factory.result(fx.factory.sendCommand('update_firmware', { ...artifact, size: body.length - 1, version: '3.0.1' }));
    expect(short.error!.code).to.equal('VERIFY_FAILED');
    expect(fs.readdirSync(path.join(firmwareDir(), 'staged'))).to.deep.equal([]);
  });

  describe('signatures (Ed25519, firmware.trustedKeys)', () => {
    const refusedBeforeDownload = async (id: string, message: RegExp) => {
      const result = await fx.factory.result(id);
      expect(result.ok).to.equal(false);
      expect(result.error!.code).to.equal('VERIFY_FAILED');
      expect(result.error!.message).to.match(message);
      // Refused before a byte was fetched: nothing downloaded, nothing staged.
      expect(fx.factory.artifactRequests).to.have.length(0);
      const staged = path.join(firmwareDir(), 'staged');
      expect(fs.existsSync(staged) ? fs.readdirSync(staged) : []).to.deep.equal([]);
      expect(await fx.edge.t.edge.system.settingsStore.get(STAGED_FIRMWARE_KEY)).to.equal(null);
    };

    it('an unsigned release is refused: VERIFY_FAILED, nothing staged', async () => {
      await fx.start();
      const artifact = fx.factory.addArtifact('rel-u', randomBytes(5_000));
      await refusedBeforeDownload(fx.factory.sendCommand('update_firmware', { ...artifact, version: '4.0.0', signature: null }), /not signed/);
    });

    it('a release signed by a key the edge does not trust, or claiming a trusted key id it was not signed with, is refused', async () => {
      await fx.start();
      const artifact = fx.factory.addArtifact('rel-w', randomBytes(5_000));
      const rogue = generateKeyPairSync('ed25519');
      await refusedBeforeDownload(fx.factory.sendCommand('update_firmware', fx.factory.signWith(rogue.privateKey, keyIdOf(rogue.publicKey), { ...artifact, version: '4.0.1' })), /does not trust/);
      await refusedBeforeDownload(fx.factory.sendCommand('update_firmware', fx.factory.signWith(rogue.privateKey, fx.factory.signingKey.id, { ...artifact, version: '4.0.2' })), /does not verify/);
    });

    it('a tampered release is refused: another artifact and its hash under the signature of the original', async () => {
      await fx.start();
      const original = { ...fx.factory.addArtifact('rel-t', randomBytes(5_000)), version: '4.1.0' };
      const genuine = fx.factory.signatureOf(original);
      const evil = fx.factory.addArtifact('rel-t', randomBytes(5_000));
      await refusedBeforeDownload(fx.factory.sendCommand('update_firmware', { ...original, ...genuine, sha256: evil.sha256 }), /does not verify/);
      // The version is signed too: the same artifact cannot be passed off as another release.
      await refusedBeforeDownload(fx.factory.sendCommand('update_firmware', { ...original, ...genuine, version: '9.9.9' }), /does not verify/);
    });

    it('with no trusted key configured nothing is staged', async () => {
      await fx.start({ firmware: { trustedKeys: [] } });
      const artifact = fx.factory.addArtifact('rel-n', randomBytes(5_000));
      await refusedBeforeDownload(fx.factory.sendCommand('update_firmware', { ...artifact, version: '5.0.0' }), /trusts no firmware signing key/);
    });

    it('firmware.allowUnsigned with no trusted key stages an unsigned release (demo only)', async () => {
      await fx.start({ firmware: { trustedKeys: [], allowUnsigned: true } });
      const result = await fx.factory.result(fx.factory.sendCommand('update_firmware', { ...fx.factory.addArtifact('rel-a', randomBytes(5_000)), version: '5.0.1', signature: null }));
      expect(result.ok, JSON.stringify(result)).to.equal(true);
      expect(fs.existsSync(path.join(firmwareDir(), 'staged', '5.0.1'))).to.equal(true);
    });

    it('a trusted key may be given as PEM as well as raw base64', async () => {
      await fx.start({ firmware: { trustedKeys: [{ id: fx.factory.signingKey.id, publicKey: fx.factory.signingKeyPem }] } });
      const result = await fx.factory.result(fx.factory.sendCommand('update_firmware', { ...fx.factory.addArtifact('rel-p', randomBytes(5_000)), version: '6.0.0' }));
      expect(result.ok, JSON.stringify(result)).to.equal(true);
    });
  });

  it('fails DOWNLOAD_FAILED for an artifact the factory does not have, and refuses a version that cannot be a file name', async () => {
    await fx.start();
    const missing = await fx.factory.result(
      fx.factory.sendCommand('update_firmware', { releaseId: 'nope', version: '1.0.0', artifactPath: '/api/v1/firmware/releases/nope/artifact', sha256: 'a'.repeat(64), size: 10 }),
    );
    expect(missing.error!.code).to.equal('DOWNLOAD_FAILED');
    expect(missing.error!.message).to.include('HTTP 404');

    const artifact = fx.factory.addArtifact('rel-3', randomBytes(100));
    const traversal = await fx.factory.result(fx.factory.sendCommand('update_firmware', { ...artifact, version: '../../etc' }));
    expect(traversal.error!.code).to.equal('INVALID_PARAMS');
  });
});
