import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32, as ULID

/**
 * Time-ordered unique ids (ULID layout: 48-bit ms time + 80 random bits, monotonic within a ms).
 * Ordered ids keep the bottles primary-key index append-only, which keeps inserts fast at
 * tens of millions of rows, and sort newest-first without a separate index.
 */
export function createIdGenerator(now: () => number = Date.now) {
  let lastTime = -1;
  let random = new Uint8Array(10);

  return function nextId(prefix = ''): string {
    const time = now();
    if (time > lastTime) {
      lastTime = time;
      random = randomBytes(10);
    } else {
      // Same millisecond (or the clock stepped back): increment the random part to stay ordered.
      for (let i = random.length - 1; i >= 0; i--) {
        if (random[i]! < 255) {
          random[i]!++;
          break;
        }
        random[i] = 0;
      }
    }
    let out = '';
    let t = lastTime;
    for (let i = 0; i < 10; i++) {
      out = ALPHABET[t % 32] + out;
      t = Math.floor(t / 32);
    }
    let bits = 0;
    let value = 0;
    for (const byte of random) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out += ALPHABET[(value >> bits) & 31];
      }
      value &= (1 << bits) - 1;
    }
    return prefix + out;
  };
}

export const nextId = createIdGenerator();

/**
 * The time part (first 10 characters) of the ids made at `ms`: ids made at or after `ms` sort at
 * or after it, so a time range becomes a range of the primary key (bottles have no time index).
 */
export function idTimePrefix(ms: number): string {
  let out = '';
  let t = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}
