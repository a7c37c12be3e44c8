import { Worker } from 'node:worker_threads';
import { formatHash, isWeakerThan, KEY_LENGTH, maxmemFor, newSalt, parseHash, sameKey, type ScryptParams } from './passwords.js';

/** The hasher has as much work queued as it takes: the caller answers 503 and the client retries. */
export class HasherBusyError extends Error {
  constructor() {
    super('Password hashing is busy');
  }
}

export interface PasswordHasherOptions {
  /** The parameters new hashes get; a stored hash below them is reported as needing a rehash. */
  params: ScryptParams;
  /** Hashes waiting for the worker beyond the one it is computing; more → HasherBusyError at once. */
  maxQueue?: number;
  /**
   * The most of one core hashing may take over time (0–1]: after a hash that took t ms the worker
   * rests t·(1/duty − 1) ms. Default 0.5: a login flood gets at most half a core.
   */
  dutyCycle?: number;
}

export interface PasswordHasher {
  readonly params: ScryptParams;
  hash(password: string): Promise<string>;
  /** Checks `password` against a stored hash; `needsRehash` when the hash is valid but weaker than `params`. */
  verify(password: string, stored: string): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** A hash with the current parameters of a random password: for spending the same time on unknown users. */
  readonly dummyHash: Promise<string>;
  close(): Promise<void>;
}

// Plain CommonJS evaluated in the worker: no loader or build step involved. scryptSync runs on the
// worker's own thread, so a login flood never occupies libuv's pool (which SQLite uses for every
// query of the scan path) and uses at most one core. And that thread runs at the lowest CPU
// priority (nice 19, Linux: per thread): on a busy cabinet it gets what the line leaves over, so
// logins slow down (and past the queue bound are refused) rather than the scan path.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) require('node:os').setPriority(tid, 19);
} catch {
  // not Linux, or not allowed: the bounded queue still holds
}
parentPort.on('message', (job) => {
  try {
    const key = scryptSync(job.password, Buffer.from(job.salt), job.keylen, { N: job.N, r: job.r, p: job.p, maxmem: job.maxmem });
    parentPort.postMessage({ id: job.id, key });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message) });
  }
});
`;

interface Job {
  id: number;
  password: string;
  salt: Buffer;
  params: ScryptParams;
  resolve(key: Buffer): void;
  reject(error: Error): void;
}

/**
 * scrypt in one dedicated worker thread with a bounded queue: one hash at a time, at most
 * `maxQueue` waiting, anything beyond refused at once (HasherBusyError) rather than queued for
 * seconds. The worker starts on first use and is restarted if it dies.
 */
export function createPasswordHasher(options: PasswordHasherOptions): PasswordHasher {
  const maxQueue = options.maxQueue ?? 8;
  const duty = Math.min(1, Math.max(0.05, options.dutyCycle ?? 0.5));
  const queue: Job[] = [];
  let current: Job | null = null;
  let jobStartedAt = 0;
  let restUntil = 0;
  let restTimer: NodeJS.Timeout | null = null;
  let worker: Worker | null = null;
  let nextId = 1;
  let closed = false;

  const startWorker = (): Worker => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', (message: { id: number; key?: Uint8Array; error?: string }) => {
      const job = current;
      if (!job || job.id !== message.id) return;
      current = null;
      restUntil = performance.now() + (performance.now() - jobStartedAt) * (1 / duty - 1);
      if (message.key) job.resolve(Buffer.from(message.key));
      else job.reject(new Error(message.error ?? 'scrypt failed'));
      pump();
    });
    const lost = (error: Error) => {
      if (worker !== w) return;
      worker = null;
      const job = current;
      current = null;
      job?.reject(error);
      pump();
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`password worker exited (${code})`)));
    return w;
  };

  const pump = () => {
    if (current || closed || restTimer) {
      if (!current) worker?.unref();
      return;
    }
    if (queue.length === 0) {
      worker?.unref(); // idle: does not keep the process alive
      return;
    }
    const rest = restUntil - performance.now();
    if (rest > 0) {
      restTimer = setTimeout(() => {
        restTimer = null;
        pump();
      }, rest);
      return;
    }
    const job = queue.shift()!;
    worker ??= startWorker();
    worker.ref();
    current = job;
    jobStartedAt = performance.now();
    const { params } = job;
    worker.postMessage({ id: job.id, password: job.password, salt: job.salt, keylen: KEY_LENGTH, N: 2 ** params.logN, r: params.r, p: params.p, maxmem: maxmemFor(params) });
  };

  const derive = (password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> => {
    if (closed) return Promise.reject(new Error('password hasher closed'));
    if (queue.length >= maxQueue) return Promise.reject(new HasherBusyError());
    return new Promise<Buffer>((resolve, reject) => {
      queue.push({ id: nextId++, password, salt, params, resolve, reject });
      pump();
    });
  };

  const hash = async (password: string) => {
    const salt = newSalt();
    return formatHash(options.params, salt, await derive(password, salt, options.params));
  };

  let dummy: Promise<string> | null = null;
  return {
    params: options.params,
    hash,
    async verify(password, stored) {
      const parsed = parseHash(stored);
      if (!parsed) return { ok: false, needsRehash: false };
      const key = await derive(password, parsed.salt, parsed.params);
      const ok = sameKey(key, parsed.key);
      return { ok, needsRehash: ok && isWeakerThan(parsed.params, options.params) };
    },
    get dummyHash() {
      dummy ??= hash(newSalt().toString('base64'));
      return dummy;
    },
    async close() {
      closed = true;
      if (restTimer) clearTimeout(restTimer);
      restTimer = null;
      for (const job of queue.splice(0)) job.reject(new Error('password hasher closed'));
      current?.reject(new Error('password hasher closed'));
      current = null;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
