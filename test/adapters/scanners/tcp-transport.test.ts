import net from 'node:net';
import { expect } from 'chai';
import { framingSchema } from '../../../adapters/scanners/framing.js';
import type { TcpScannerConfig, TransportEvent } from '../../../adapters/scanners/tcp-transport.js';
import { collect, connectClient, createTransportHarness, freePort, startFakeScanner, tick } from './transport-harness.js';

const GS = '\u001d';
const CODE_A = `0104600000000017215aBcDe${GS}93AbCd`;
const CODE_B = `0104600000000024215xYz12${GS}93wXyZ`;

type Harness = ReturnType<typeof createTransportHarness>;
const frames = (events: TransportEvent[]) =>
  events.filter((e): e is Extract<TransportEvent, { type: 'transport.frame' }> => e.type === 'transport.frame').map((e) => e.frame);

describe('tcpScannerTransport', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  function harness(config: TcpScannerConfig): Harness {
    const h = createTransportHarness(config);
    cleanups.push(() => h.actor.stop());
    return h;
  }
  async function fakeScanner(port?: number) {
    const s = await startFakeScanner(port);
    cleanups.push(() => s.close());
    return s;
  }
  const connectConfig = (port: number, extra: Partial<TcpScannerConfig> = {}): TcpScannerConfig => ({
    mode: 'connect',
    host: '127.0.0.1',
    port,
    framing: framingSchema.parse({ maxFrameBytes: 64 }),
    ...extra,
  });
  const listenConfig = (port = 0, extra: Partial<TcpScannerConfig> = {}): TcpScannerConfig => ({ mode: 'listen', host: '127.0.0.1', port, framing: framingSchema.parse({}), ...extra });
  /** Resolves when the server closes `socket` (true), or false if it is still open after `ms`. */
  const closedWithin = (socket: net.Socket, ms = 2000) =>
    new Promise<boolean>((resolve) => {
      if (socket.destroyed) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });

  describe('connect mode', () => {
    it('connects to a listening reader and reassembles frames written byte by byte', async () => {
      const scanner = await fakeScanner();
      const h = harness(connectConfig(scanner.port));
      const connected = await h.waitFor('transport.connected');
      expect(connected.peer).to.equal(`127.0.0.1:${scanner.port}`);
      const socket = await scanner.nextSocket();
      for (const byte of Buffer.from(`${CODE_A}\r\n`)) {
        socket.write(Buffer.from([byte]));
        await tick(1);
      }
      await h.waitForFrames(1);
      expect(frames(h.events)).to.deep.equal([{ kind: 'code', text: CODE_A }]);
    });

    it('delivers several frames of one chunk in order: codes with GS, no-reads, garbage, oversized runs', async () => {
      const scanner = await fakeScanner();
      const h = harness(connectConfig(scanner.port));
      await h.waitFor('transport.connected');
      const socket = await scanner.nextSocket();
      socket.write(`${CODE_A}\r\nNoRead\r\nbad\u0007\r\n${'x'.repeat(100)}\r\n]d2${CODE_B}\r\n`);
      await h.waitForFrames(5);
      expect(frames(h.events)).to.deep.equal([
        { kind: 'code', text: CODE_A },
        { kind: 'noread', text: 'NoRead' },
        { kind: 'garbage', bytes: 4, reason: 'control characters in frame' },
        { kind: 'garbage', bytes: 100, reason: 'no terminator within 64 bytes' },
        { kind: 'code', text: `]d2${CODE_B}` },
      ]);
    });

    it('writes commands and the configured trigger to the reader', async () => {
      const scanner = await fakeScanner();
      const h = harness(connectConfig(scanner.port, { trigger: '||>TRIGGER ON\r\n' }));
      await h.waitFor('transport.connected');
      const received = collect(await scanner.nextSocket());
      h.send({ type: 'WRITE', data: 'OK\r\n' });
      h.send({ type: 'TRIGGER' });
      expect(await received.until('||>TRIGGER ON\r\n')).to.equal('OK\r\n||>TRIGGER ON\r\n');
    });

    it('reports a refused connection as failed, exactly once', async () => {
      const h = harness(connectConfig(await freePort()));
      const failed = await h.waitFor('transport.failed');
      expect(failed.reason).to.match(/ECONNREFUSED/);
      await tick(100);
      expect(h.events.map((e) => e.type)).to.deep.equal(['transport.failed']);
    });

    it('fails when the reader goes away, and a fresh invocation connects after it restarts', async () => {
      const first = await startFakeScanner();
      const port = first.port;
      const h = harness(connectConfig(port));
      await h.waitFor('transport.connected');
      await first.nextSocket();
      await first.close();
      const failed = await h.waitFor('transport.failed');
      expect(failed.reason).to.equal('connection closed by scanner');

      const second = await fakeScanner(port);
      h.send({ type: 'RESTART' }); // what the scanner machine does after its backoff
      const again = await h.waitFor('transport.connected', failed.index + 1);
      expect(again.peer).to.equal(`127.0.0.1:${port}`);
      (await second.nextSocket()).write(`${CODE_B}\r\n`);
      await h.waitForFrames(1, again.index);
      expect(frames(h.events)).to.deep.equal([{ kind: 'code', text: CODE_B }]);
      expect(h.events.filter((e) => e.type === 'transport.failed')).to.have.length(1);
    });

    it('closes the socket and goes quiet when stopped', async () => {
      const scanner = await fakeScanner();
      const h = harness(connectConfig(scanner.port));
      await h.waitFor('transport.connected');
      const socket = await scanner.nextSocket();
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      h.send({ type: 'STOP' });
      await closed;
      await tick(50);
      expect(h.events.map((e) => e.type)).to.deep.equal(['transport.connected']);
    });
  });

  describe('listen mode', () => {
    it('reports the bound port, accepts a reader, sees it leave and come back', async () => {
      const h = harness(listenConfig());
      const { port } = await h.waitFor('transport.listening');
      expect(port).to.be.greaterThan(0);

      const reader = await connectClient(port);
      const connected = await h.waitFor('transport.connected');
      expect(connected.peer).to.equal(`127.0.0.1:${reader.localPort}`);
      reader.write(`${CODE_A}\r\nNO READ\r\n`);
      await h.waitForFrames(2);
      reader.end();
      const lost = await h.waitFor('transport.peerLost');
      expect(lost.reason).to.equal('scanner closed the connection');

      const again = await connectClient(port);
      cleanups.push(() => again.destroy());
      const reconnected = await h.waitFor('transport.connected', lost.index + 1);
      again.write(`${CODE_B}\r\n`);
      await h.waitForFrames(1, reconnected.index);
      expect(frames(h.events)).to.deep.equal([
        { kind: 'code', text: CODE_A },
        { kind: 'noread', text: 'NO READ' },
        { kind: 'code', text: CODE_B },
      ]);
      expect(h.events.some((e) => e.type === 'transport.failed')).to.equal(false);
    });

    it('with replacePeer, a second reader replaces the first, which is disconnected and reported lost', async () => {
      const h = harness(listenConfig(0, { replacePeer: true }));
      const { port } = await h.waitFor('transport.listening');
      const first = await connectClient(port);
      const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
      first.on('error', () => {});
      const c1 = await h.waitFor('transport.connected');
      const second = await connectClient(port);
      cleanups.push(() => second.destroy());
      const lost = await h.waitFor('transport.peerLost', c1.index + 1);
      expect(lost.reason).to.match(/^replaced by a new connection from 127\.0\.0\.1:\d+ \(replacePeer is set\)$/);
      const c2 = await h.waitFor('transport.connected', lost.index + 1);
      expect(c2.peer).to.equal(`127.0.0.1:${second.localPort}`);
      await firstClosed;

      const received = collect(second);
      h.send({ type: 'WRITE', data: 'NG duplicate\r\n' });
      expect(await received.until('\r\n')).to.equal('NG duplicate\r\n');
      await tick(50);
      expect(h.events.filter((e) => e.type === 'transport.peerLost')).to.have.length(1);
    });

    it('by default a second connection cannot take over a live reader: it is closed and reported, the reader keeps the line', async () => {
      const h = harness(listenConfig());
      const { port } = await h.waitFor('transport.listening');
      const reader = await connectClient(port);
      cleanups.push(() => reader.destroy());
      const c1 = await h.waitFor('transport.connected');
      reader.write(`${CODE_A}\r\n`);
      await h.waitForFrames(1);

      const intruder = await connectClient(port);
      const intruderPort = intruder.localPort;
      intruder.on('error', () => {});
      intruder.write(`${CODE_B}\r\n`);
      expect(await closedWithin(intruder)).to.equal(true);
      const refused = await h.waitFor('transport.refused', c1.index + 1);
      expect(refused.peer).to.equal(`127.0.0.1:${intruderPort}`);
      expect(refused.reason).to.match(/a reader is connected from 127\.0\.0\.1:\d+ .*replacePeer/);

      // The live reader still gets the replies and its codes still count; the intruder's never did.
      const received = collect(reader);
      h.send({ type: 'WRITE', data: 'OK\r\n' });
      expect(await received.until('\r\n')).to.equal('OK\r\n');
      reader.write(`${CODE_A}\r\n`);
      await h.waitForFrames(2);
      expect(frames(h.events)).to.deep.equal([
        { kind: 'code', text: CODE_A },
        { kind: 'code', text: CODE_A },
      ]);
      expect(h.events.filter((e) => e.type === 'transport.peerLost' || e.type === 'transport.connected')).to.have.length(1);
    });

    it('a reader silent for peerIdleMs counts as dead: a new connection replaces it', async () => {
      const h = harness(listenConfig(0, { peerIdleMs: 1000 }));
      const { port } = await h.waitFor('transport.listening');
      const stale = await connectClient(port);
      stale.on('error', () => {});
      cleanups.push(() => stale.destroy());
      const c1 = await h.waitFor('transport.connected');
      await tick(1100);
      const fresh = await connectClient(port);
      cleanups.push(() => fresh.destroy());
      const lost = await h.waitFor('transport.peerLost', c1.index + 1);
      expect(lost.reason).to.match(/\(the old one was silent for \d+ ms\)$/);
      const c2 = await h.waitFor('transport.connected', lost.index + 1);
      expect(c2.peer).to.equal(`127.0.0.1:${fresh.localPort}`);
      expect(await closedWithin(stale)).to.equal(true);
    });

    it('allowFrom: a connection from an address outside it is closed and reported; one inside is accepted', async () => {
      const h = harness(listenConfig(0, { allowFrom: ['127.0.0.1/32'] }));
      const { port } = await h.waitFor('transport.listening');
      const outsider = await connectClient(port, '127.0.0.2');
      outsider.on('error', () => {});
      outsider.write(`${CODE_B}\r\n`);
      expect(await closedWithin(outsider)).to.equal(true);
      const refused = await h.waitFor('transport.refused');
      expect(refused.reason).to.equal('127.0.0.2 is not in allowFrom');
      expect(h.events.some((e) => e.type === 'transport.connected' || e.type === 'transport.frame')).to.equal(false);

      const reader = await connectClient(port, '127.0.0.1');
      cleanups.push(() => reader.destroy());
      await h.waitFor('transport.connected');
      reader.write(`${CODE_A}\r\n`);
      await h.waitForFrames(1);
      expect(frames(h.events)).to.deep.equal([{ kind: 'code', text: CODE_A }]);
    });

    it('a flood of refused connections is reported once per few seconds, not once per connection', async () => {
      const h = harness(listenConfig(0, { allowFrom: ['10.0.0.0/8'] }));
      const { port } = await h.waitFor('transport.listening');
      for (let i = 0; i < 30; i++) {
        const s = await connectClient(port);
        s.on('error', () => {});
        await closedWithin(s);
      }
      await h.waitFor('transport.refused');
      await tick(50);
      expect(h.events.filter((e) => e.type === 'transport.refused')).to.have.length(1);
    });

    it('fails when the port is already taken', async () => {
      const squatter = net.createServer();
      await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
      cleanups.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
      const h = harness(listenConfig((squatter.address() as net.AddressInfo).port));
      const failed = await h.waitFor('transport.failed');
      expect(failed.reason).to.match(/^EADDRINUSE/);
    });

    it('closes the server and the reader connection when stopped', async () => {
      const h = harness(listenConfig());
      const { port } = await h.waitFor('transport.listening');
      const reader = await connectClient(port);
      reader.on('error', () => {});
      await h.waitFor('transport.connected');
      const closed = new Promise<void>((resolve) => reader.once('close', () => resolve()));
      h.send({ type: 'STOP' });
      await closed;
      const refused = await connectClient(port).then(
        (s) => (s.destroy(), false),
        (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
      );
      expect(refused).to.equal(true);
      expect(h.events.map((e) => e.type)).to.deep.equal(['transport.listening', 'transport.connected']);
    });
  });
});
