import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';

/** The body went over the size cap; what arrived so far is removed. */
export class ArtifactTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The artifact is larger than ${maxBytes} bytes`);
  }
}

/** The client went away before the body ended. */
export class ArtifactIncompleteError extends Error {
  constructor() {
    super('The upload ended before the whole body arrived');
  }
}

export interface ReceivedArtifact {
  size: number;
  sha256: string;
}

/**
 * Streams a raw request body into `tempPath` while hashing and counting it, never holding more
 * than a chunk in memory. Past `maxBytes` it stops writing, removes the file and rejects; the
 * body is not destroyed (the socket must live to carry the 413), only discarded. The file is
 * fsynced before it resolves, so a release row never points at bytes that are not on disk.
 */
export function receiveArtifact(body: Readable, tempPath: string, maxBytes: number): Promise<ReceivedArtifact> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const file = fs.createWriteStream(tempPath, { flags: 'wx' });
    let size = 0;
    let settled = false;
    let ended = false;

    const detach = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      body.off('error', fail);
    };
    function fail(error: Error) {
      if (settled) return;
      settled = true;
      detach();
      body.resume(); // discard the rest; the response still goes out
      file.destroy();
      fs.promises
        .rm(tempPath, { force: true })
        .catch(() => undefined)
        .then(() => reject(error));
    }
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (size > maxBytes) return fail(new ArtifactTooLargeError(maxBytes));
      hash.update(chunk);
      if (!file.write(chunk)) {
        body.pause();
        file.once('drain', () => body.resume());
      }
    }
    function onEnd() {
      ended = true;
      detach();
      file.end();
      file.once('finish', () => {
        fsyncFile(tempPath).then(
          () => {
            settled = true;
            resolve({ size, sha256: hash.digest('hex') });
          },
          (error: Error) => fail(error),
        );
      });
    }
    function onClose() {
      if (!ended) fail(new ArtifactIncompleteError());
    }

    file.once('error', fail);
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('close', onClose);
    body.once('error', fail);
  });
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
