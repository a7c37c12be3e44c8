import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { downloadWithResume } from '../../../src/edge/commands/firmware-download.js';
import { CommandFailure } from '../../../src/edge/commands/types.js';
import { tempDir } from '../../support/temp-dir.js';

/** An artifact server that lies about the size: `mode` says how. Counts what it managed to send. */
async function lyingServer(mode: 'endless-chunked' | 'long-content-length' | 'endless-206') {
  const state = { sent: 0, requests: 0 };
  const chunk = Buffer.alloc(16 * 1024, 0x5a);
  const server = http.createServer((req, res) => {
    state.requests++;
    const pump = () => {
      // Writes until the client goes away (or 64 MB, a bound for a test that would otherwise never end).
      while (!res.destroyed && state.sent < 64 * 1024 * 1024) {
        state.sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    if (mode === 'long-content-length') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(50_000) });
      res.end(Buffer.alloc(50_000, 1));
      state.sent += 50_000;
      return;
    }
    if (mode === 'endless-206') {
      const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
      res.writeHead(206, { 'content-type': 'application/octet-stream', 'content-range': `bytes ${from}-${from + 9_999_999}/*` });
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
    }
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/artifact`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).finally(() => server.closeAllConnections()),
  };
}

describe('edge firmware download: never more than the expected size', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('okto-fw-dl-'));
  });
  afterEach(() => cleanup());

  const expectTooLarge = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(CommandFailure);
    expect((error as CommandFailure).code).to.equal('VERIFY_FAILED');
    expect((error as CommandFailure).message).to.match(/larger than the release's 10000 bytes/);
  };

  it('an endless body (no Content-Length) is stopped just past the expected size and the partial file removed', async () => {
    const server = await lyingServer('endless-chunked');
    try {
      const partPath = path.join(dir, '1.0.0.part');
      await expectTooLarge(downloadWithResume({ url: server.url, token: 't', partPath, expectedSize: 10_000, signal: AbortSignal.timeout(10_000) }));
      expect(fs.existsSync(partPath)).to.equal(false);
      // Stopped early: far less than the 64 MB the server would have sent (socket buffers hold a few MB at most).
      expect(server.state.sent).to.be.below(16 * 1024 * 1024);
      expect(server.state.requests).to.equal(1);
    } finally {
      await server.close();
    }
  });

  it('a Content-Length larger than the expected size is refused before a byte is written', async () => {
    const server = await lyingServer('long-content-length');
    try {
      const partPath = path.join(dir, '1.0.1.part');
      await expectTooLarge(downloadWithResume({ url: server.url, token: 't', partPath, expectedSize: 10_000, signal: AbortSignal.timeout(10_000) }));
      expect(fs.existsSync(partPath)).to.equal(false);
    } finally {
      await server.close();
    }
  });

  it('a resumed download (206) that sends more than the rest is stopped too, and the part removed', async () => {
    const server = await lyingServer('endless-206');
    try {
      const partPath = path.join(dir, '1.0.2.part');
      fs.writeFileSync(partPath, Buffer.alloc(4_000, 7));
      await expectTooLarge(downloadWithResume({ url: server.url, token: 't', partPath, expectedSize: 10_000, signal: AbortSignal.timeout(10_000) }));
      expect(fs.existsSync(partPath)).to.equal(false);
      expect(server.state.sent).to.be.below(16 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});
