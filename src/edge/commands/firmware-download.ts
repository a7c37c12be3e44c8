import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandFailure } from './types.js';

/**
 * Downloads an artifact into a `.part` file, resuming with `Range: bytes=<have>-` after an
 * interruption (a dropped connection, a timeout, an earlier command that gave up) instead of
 * starting again: cabinets sit on factory Wi-Fi. A server that ignores the range (200) or whose
 * 206 starts elsewhere gets a fresh download; a 416 (the part is longer than the artifact) too.
 */
export interface DownloadOptions {
  url: string;
  token: string;
  partPath: string;
  expectedSize: number;
  signal: AbortSignal;
  /** Attempts within this call (each after an interruption resumes). Default 5. */
  maxAttempts?: number;
  /** Told before each request with the byte it starts at. */
  onAttempt?: (from: number, attempt: number) => void;
}

const sizeOf = (file: string) => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

/** HTTP statuses worth another attempt (the server or a proxy had a moment). */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export async function downloadWithResume(options: DownloadOptions): Promise<{ bytes: number; resumes: number }> {
  const { url, token, partPath, expectedSize, signal } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  let resumes = 0;
  let lastError = 'no attempt made';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    signal.throwIfAborted();
    let have = sizeOf(partPath);
    if (have > expectedSize) {
      fs.rmSync(partPath, { force: true });
      have = 0;
    }
    if (have === expectedSize && have > 0) return { bytes: have, resumes };
    if (have > 0) resumes++;
    options.onAttempt?.(have, attempt);
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...(have > 0 ? { range: `bytes=${have}-` } : {}) }, signal });
      if (response.status === 416) {
        await response.body?.cancel();
        fs.rmSync(partPath, { force: true });
        lastError = 'HTTP 416 for the resumed range: starting again';
        continue;
      }
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel();
        lastError = `HTTP ${response.status} from ${new URL(url).pathname}`;
        if (RETRYABLE.has(response.status)) continue;
        throw new CommandFailure('DOWNLOAD_FAILED', `artifact download refused: ${lastError}`);
      }
      const resumed = response.status === 206 && rangeStart(response.headers.get('content-range')) === have;
      let written = resumed ? have : 0;
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && written + declared > expectedSize) {
        await response.body?.cancel();
        throw tooLarge(partPath, expectedSize, `the server announced ${written + declared} bytes`);
      }
      const file = await fs.promises.open(partPath, resumed ? 'a' : 'w');
      try {
        // Each chunk is written before the next is read: whatever arrived before a drop is kept.
        // Never a byte past the expected size: a server (or whatever answers in its place) that
        // sends more is stopped at once rather than allowed to fill the disk.
        for await (const chunk of response.body ?? []) {
          const bytes = chunk as Uint8Array;
          if (written + bytes.length > expectedSize) {
            await file.close().catch(() => undefined);
            throw tooLarge(partPath, expectedSize, `more than ${expectedSize} bytes arrived`);
          }
          await file.write(bytes);
          written += bytes.length;
        }
      } finally {
        await file.close().catch(() => undefined);
      }
      const got = sizeOf(partPath);
      if (got >= expectedSize) return { bytes: got, resumes };
      lastError = `the connection ended after ${got} of ${expectedSize} bytes`;
    } catch (error) {
      if (error instanceof CommandFailure) throw error;
      signal.throwIfAborted();
      lastError = `${error instanceof Error ? error.message : String(error)}${error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : ''}`;
    }
    await sleep(Math.min(2_000, 100 * attempt), undefined, { signal }).catch(() => signal.throwIfAborted());
  }
  throw new CommandFailure('DOWNLOAD_FAILED', `artifact download did not complete after ${maxAttempts} attempts (${sizeOf(partPath)} of ${expectedSize} bytes kept for a resume): ${lastError}`);
}

/** The artifact is bigger than the release says: nothing of it is kept (breaking out of the body stream cancels the download). */
function tooLarge(partPath: string, expectedSize: number, what: string): CommandFailure {
  fs.rmSync(partPath, { force: true });
  return new CommandFailure(
    'VERIFY_FAILED',
    `the artifact is larger than the release's ${expectedSize} bytes (${what}): download stopped, the partial file deleted and nothing staged`,
  );
}

function rangeStart(contentRange: string | null): number | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(contentRange ?? '');
  return match ? Number(match[1]) : null;
}

/** sha256 of a file, hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
