import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { keyIdOf, parsePublicKey, signFirmware, verifyFirmware } from '../../../src/auth/firmware-signature.js';
import { expectData, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { artifactBytes, upload, uploadOk } from '../../support/firmware-fixtures.js';

/** Firmware authenticity on the factory: its own Ed25519 key (0600), releases signed at upload or by a vendor, the public key for edges. */
describeOnBothDatabases('factory API: firmware signing', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db, { firmware: { maxSizeMb: 1 } });
  });
  after(async () => {
    await t?.stop();
  });

  /** A raw upload response as the API helpers read one. */
  const asApi = (res: { status: number; json: any; headers: Record<string, unknown> }) => ({ status: res.status, body: res.json, headers: new Headers(res.headers as Record<string, string>) }) as never;
  const signingKey = async () => expectData(await t.request('GET', '/api/v1/firmware/signing-key', { token: t.tokens.manager }));

  describe('GET /api/v1/firmware/signing-key', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: '/api/v1/firmware/signing-key', role: 'MANAGER' }]);

    it('answers the public key (id, PEM, raw base64) of a key generated 0600 in the data dir; the private key is never shown', async () => {
      const key = await signingKey();
      expect(key).to.have.keys(['id', 'algorithm', 'publicKeyPem', 'publicKeyBase64']);
      expect(key.algorithm).to.equal('Ed25519');
      expect(keyIdOf(parsePublicKey(key.publicKeyPem))).to.equal(key.id);
      expect(keyIdOf(parsePublicKey(key.publicKeyBase64))).to.equal(key.id);
      const file = path.join(t.config.dataDir, 'firmware-signing-key.pem');
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.readFileSync(file, 'utf8')).to.include('PRIVATE KEY');
      expect(JSON.stringify(key)).to.not.include('PRIVATE');
    });
  });

  describe('upload', () => {
    it('a release uploaded without a signature is signed with the factory key; the signature verifies with the published key', async () => {
      const bytes = artifactBytes(20_000, 5);
      const release = await uploadOk(t, '8.0.0', bytes);
      const key = await signingKey();
      expect(release).to.include({ signatureKeyId: key.id, signedBy: 'factory' });
      const fields = { version: '8.0.0', sha256: release.sha256, size: bytes.length };
      expect(verifyFirmware(parsePublicKey(key.publicKeyPem), fields, release.signature)).to.equal(true);
      expect(verifyFirmware(parsePublicKey(key.publicKeyPem), { ...fields, version: '8.0.1' }, release.signature)).to.equal(false);
      expect(expectData(await t.request('GET', `/api/v1/firmware/releases/${release.id}`, { token: t.tokens.operator }))).to.include({ signature: release.signature, signatureKeyId: key.id });
    });

    it("a vendor's signature uploaded with the artifact is kept as given (signedBy vendor)", async () => {
      const vendor = generateKeyPairSync('ed25519');
      const bytes = artifactBytes(10_000, 9);
      const { createHash } = await import('node:crypto');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const signature = signFirmware(vendor.privateKey, { version: '8.1.0', sha256, size: bytes.length });
      const res = await upload(t, '8.1.0', bytes, { query: { signature, keyId: 'vendor-2026' } });
      expect(res.status, res.body.toString()).to.equal(201);
      expect(res.json.data).to.include({ signature, signatureKeyId: 'vendor-2026', signedBy: 'vendor' });
    });

    it('a malformed signature, or a signature without its key id, is 400 naming the field; nothing is stored', async () => {
      const bytes = artifactBytes(1_000, 2);
      const bad = await upload(t, '8.2.0', bytes, { query: { signature: 'not-base64!', keyId: 'k' } });
      expectValidationError(asApi(bad), 'signature');
      const lone = await upload(t, '8.2.0', bytes, { query: { signature: `${'A'.repeat(86)}==` } });
      expectValidationError(asApi(lone), 'keyId');
      const list = expectData(await t.request('GET', '/api/v1/firmware/releases', { token: t.tokens.operator })) as any[];
      expect(list.map((r) => r.version)).to.not.include('8.2.0');
    });
  });
});
