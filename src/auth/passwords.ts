import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes are self-describing: `scrypt$ln=17,r=8,p=1$<salt b64>$<key b64>`, so the cost
 * can be raised later and every stored hash is still verified with the parameters it was made
 * with (then upgraded at the next successful login). The older `scrypt$<salt>$<key>` form is
 * N=2^14, r=8, p=1 (node's default cost, used before the parameters were stored).
 */
export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  logN: number;
  r: number;
  p: number;
}

/** OWASP's current recommendation for scrypt: N=2^17, r=8, p=1 (128 MiB, ~0.3–0.7 s per hash). */
export const OWASP_SCRYPT: ScryptParams = { logN: 17, r: 8, p: 1 };
const LEGACY_SCRYPT: ScryptParams = { logN: 14, r: 8, p: 1 };
export const KEY_LENGTH = 32;

export interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

export function formatHash(params: ScryptParams, salt: Buffer, key: Buffer): string {
  return `scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** The parts of a stored hash, or null for anything that is not one of ours. */
export function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return null;
  if (parts.length === 3 && parts[1] && parts[2]) {
    return { params: LEGACY_SCRYPT, salt: Buffer.from(parts[1], 'base64'), key: Buffer.from(parts[2], 'base64') };
  }
  if (parts.length !== 4 || !parts[2] || !parts[3]) return null;
  const match = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(parts[1] ?? '');
  if (!match) return null;
  const params = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.logN < 1 || params.logN > 22 || params.r < 1 || params.p < 1) return null;
  return { params, salt: Buffer.from(parts[2], 'base64'), key: Buffer.from(parts[3], 'base64') };
}

/** True when a hash was made with weaker parameters than `wanted` (upgrade it at the next login). */
export function isWeakerThan(stored: ScryptParams, wanted: ScryptParams): boolean {
  return stored.logN < wanted.logN || stored.r < wanted.r || stored.p < wanted.p;
}

/** scrypt needs 128·r·N bytes (plus a little); node refuses above `maxmem`, 32 MiB by default. */
export function maxmemFor(params: ScryptParams): number {
  return 128 * params.r * 2 ** params.logN * (params.p + 1) + 1024 * 1024;
}

export function newSalt(): Buffer {
  return randomBytes(16);
}

export function sameKey(actual: Buffer, expected: Buffer): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// The simple forms below run scrypt on libuv's thread pool. The cloud simulator uses them; the
// edge and the factory hash through the dedicated worker (password-hasher.ts), which never
// competes with SQLite for that pool.

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: 2 ** params.logN, r: params.r, p: params.p, maxmem: maxmemFor(params) }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, params: ScryptParams = LEGACY_SCRYPT): Promise<string> {
  const salt = newSalt();
  return formatHash(params, salt, await derive(password, salt, params));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  return sameKey(await derive(password, parsed.salt, parsed.params), parsed.key);
}
