import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Firmware release signatures (Ed25519, node:crypto). sha256 alone proves the bytes arrived
 * intact, not who made them (the hash and the file come from the same server); the signature
 * binds a release's version, sha256 and size to a key the edge was configured to trust.
 *
 * What is signed (UTF-8, exactly these four lines, each ending in \n):
 *
 *   okto-firmware-v1
 *   version=<version>
 *   sha256=<lowercase hex sha256 of the artifact>
 *   size=<bytes>
 *
 * so a vendor can sign outside the factory (`openssl pkeyutl -sign -rawin -inkey vendor.pem -in
 * manifest | base64`) and upload the signature with the artifact. A key's id is the first 16
 * hex characters of the sha256 of its raw 32-byte public key.
 */

export interface SignedFields {
  version: string;
  sha256: string;
  size: number;
}

export const firmwareManifest = (fields: SignedFields): Buffer => Buffer.from(`okto-firmware-v1\nversion=${fields.version}\nsha256=${fields.sha256}\nsize=${fields.size}\n`, 'utf8');

/** The raw 32-byte Ed25519 public key (the last 32 bytes of its SPKI DER). */
export const rawPublicKey = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' }).subarray(-32);

export const keyIdOf = (publicKey: KeyObject): string => createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 public key from PEM (SPKI) or base64 of its raw 32 bytes; throws naming the problem. */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) {
    key = createPublicKey(trimmed);
  } else {
    const raw = Buffer.from(trimmed, 'base64');
    if (raw.length !== 32 || !/^[A-Za-z0-9+/_-]+=*$/.test(trimmed)) throw new Error('not a PEM public key nor the base64 of a raw 32-byte Ed25519 key');
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is needed, this is ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

export function signFirmware(privateKey: KeyObject, fields: SignedFields): string {
  return sign(null, firmwareManifest(fields), privateKey).toString('base64');
}

/** True only for a well-formed signature of exactly these fields by this key. */
export function verifyFirmware(publicKey: KeyObject, fields: SignedFields, signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64) return false;
  try {
    return verify(null, firmwareManifest(fields), publicKey, bytes);
  } catch {
    return false;
  }
}

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, for edge configurations (firmware.trustedKeys[].publicKey). */
  publicKeyPem: string;
  /** base64 of the raw 32 bytes, the same key in one line. */
  publicKeyBase64: string;
}

/** The factory's signing key: `file` (PKCS#8 PEM, 0600), generated on first start. */
export function loadOrCreateSigningKey(file: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`firmware signing key ${file} cannot be read: ${(error as Error).message}`);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const pair = generateKeyPairSync('ed25519');
    privateKey = pair.privateKey;
    // wx: never overwrite a key another process wrote meanwhile.
    fs.writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`firmware signing key ${file} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  return {
    id: keyIdOf(publicKey),
    privateKey,
    publicKey,
    publicKeyPem: String(publicKey.export({ format: 'pem', type: 'spki' })),
    publicKeyBase64: rawPublicKey(publicKey).toString('base64'),
  };
}
