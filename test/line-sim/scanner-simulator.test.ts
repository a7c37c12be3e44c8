import net from 'node:net';
import { once } from 'node:events';
import { expect } from 'chai';
import { FrameDecoder } from '../../adapters/scanners/frame-decoder.js';
import { framingSchema, type Frame } from '../../adapters/scanners/framing.js';
import { checkCode } from '../../src/domain/codes/index.js';
import { ScannerSimulator, type ScannerSimulatorOptions } from '../../src/line-sim/scanner-simulator.js';

/** Reads frames from a socket through the edge's own decoder. */
function decodeFrom(socket: net.Socket, suffix: 'CRLF' | 'STX_ETX' = 'CRLF') {
  const decoder = new FrameDecoder(framingSchema.parse({ suffix }));
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    frames.push(...decoder.push(chunk));
    for (const w of [...waiters]) w();
  });
  const until = (count: number, timeoutMs = 10_000): Promise<Frame[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (frames.length < count) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(frames);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`expected ${count} frames, got ${frames.length}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { frames, until };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

describe('ScannerSimulator', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  function simulator(options: Partial<ScannerSimulatorOptions>): ScannerSimulator {
    const sim = new ScannerSimulator({ mode: 'listen', industry: 'milk', ratePerSecond: 0, seed: 42, ...options });
    cleanups.push(() => sim.stop());
    return sim;
  }
  async function client(port: number): Promise<net.Socket> {
    const s = await connect(port);
    cleanups.push(() => s.destroy());
    return s;
  }

  describe('listen mode', () => {
    it('streams the configured mix at its rate to a connected edge until total, then emits done', async () => {
      const sim = simulator({ ratePerSecond: 5000, total: 600, mix: { duplicate: 0.1, invalid: 0.1, noRead: 0.1 } });
      const { port } = await sim.start();
      expect(port).to.be.greaterThan(0);
      const sent: Array<{ kind: string; code: string }> = [];
      sim.on('frame', (f) => sent.push(f));
      const socket = await client(port);
      const reader = decodeFrom(socket);
      await once(sim, 'done');
      const frames = await reader.until(600);

      expect(frames).to.have.length(600);
      expect(sim.stats.sent).to.equal(600);
      expect(sim.stats.valid + sim.stats.duplicate + sim.stats.invalid + sim.stats.noRead).to.equal(600);
      for (const kind of ['duplicate', 'invalid', 'noRead'] as const) expect(sim.stats[kind], kind).to.be.within(30, 100);
      // The decoder sees exactly what the simulator says it sent, in order.
      expect(frames.map((f) => (f.kind === 'garbage' ? 'garbage' : f.text))).to.deep.equal(sent.map((s) => s.code));
      expect(frames.filter((f) => f.kind === 'noread')).to.have.length(sim.stats.noRead);
      const codes = frames.filter((f): f is Extract<Frame, { kind: 'code' }> => f.kind === 'code').map((f) => f.text);
      const valid = codes.filter((c) => checkCode(c, 'milk').valid);
      expect(codes.length - valid.length).to.equal(sim.stats.invalid);
      expect(valid.length - new Set(valid).size).to.equal(sim.stats.duplicate);

      // After 'done' the rate loop is quiet.
      await new Promise((r) => setTimeout(r, 100));
      expect(sim.stats.sent).to.equal(600);
    });

    it('sendFrame and sendRaw write immediately; STX/ETX framing with ]d2 and <GS> round-trips', async () => {
      const sim = simulator({ framing: 'STX_ETX', symbologyPrefix: true, gsAs: '<GS>' });
      const { port } = await sim.start();
      const connected = once(sim, 'connected');
      const socket = await client(port);
      await connected;
      const reader = decodeFrom(socket, 'STX_ETX');
      const a = sim.sendFrame('valid');
      const b = sim.sendFrame('duplicate');
      const c = sim.sendFrame('noread');
      sim.sendRaw('junk');
      sim.sendRaw(Buffer.from('\u0002tail\u0003'));
      const frames = await reader.until(5);
      expect(a).to.include({ kind: 'valid', delivered: true });
      expect(a.code).to.match(/^\]d201\d{14}21.{6}<GS>93.{4}$/);
      expect(b).to.deep.equal({ kind: 'duplicate', code: a.code, delivered: true });
      expect(c).to.deep.equal({ kind: 'noread', code: 'NoRead', delivered: true });
      expect(frames).to.deep.equal([
        { kind: 'code', text: a.code },
        { kind: 'code', text: a.code },
        { kind: 'noread', text: 'NoRead' },
        { kind: 'garbage', bytes: 4, reason: 'bytes outside STX…ETX' },
        { kind: 'code', text: 'tail' },
      ]);
      expect(sim.stats).to.include({ sent: 3, valid: 1, duplicate: 1, noRead: 1, dropped: 0 });
    });

    it('counts a frame sent with no peer as dropped, not sent', async () => {
      const sim = simulator({});
      await sim.start();
      expect(sim.sendFrame('valid').delivered).to.equal(false);
      expect(sim.stats).to.include({ sent: 0, valid: 0, dropped: 1 });
    });

    it('emits each reply line the edge writes back', async () => {
      const sim = simulator({});
      const { port } = await sim.start();
      const socket = await client(port);
      const replies: string[] = [];
      sim.on('reply', (line: string) => replies.push(line));
      socket.write('OK\r\nNG dup');
      socket.write('licate\r\n\r\nOK\n');
      while (replies.length < 3) await once(sim, 'reply');
      expect(replies).to.deep.equal(['OK', 'NG duplicate', 'OK']);
      expect(sim.stats.replies).to.equal(3);
    });

    it('stop() closes the listener and connected peers', async () => {
      const sim = simulator({});
      const { port } = await sim.start();
      const socket = await client(port);
      const closed = once(socket, 'close');
      await sim.stop();
      await closed;
      const refused = await connect(port).then(
        (s) => (s.destroy(), false),
        (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
      );
      expect(refused).to.equal(true);
    });
  });

  describe('connect mode', () => {
    it('pushes to the edge and reconnects after the edge restarts', async () => {
      const edge1 = net.createServer();
      await new Promise<void>((r) => edge1.listen(0, '127.0.0.1', () => r()));
      const port = (edge1.address() as net.AddressInfo).port;
      const firstSocket = once(edge1, 'connection') as Promise<[net.Socket]>;

      const sim = simulator({ mode: 'connect', port, reconnectMs: 50 });
      expect(await sim.start()).to.deep.equal({ port });
      const [s1] = await firstSocket;
      const r1 = decodeFrom(s1);
      while (!sim.connected) await once(sim, 'connected');
      const first = sim.sendFrame('valid');
      expect((await r1.until(1))[0]).to.deep.equal({ kind: 'code', text: first.code });

      // The edge goes down: the simulator notices, retries, and is back once the edge listens again.
      const disconnected = once(sim, 'disconnected');
      s1.destroy();
      await new Promise<void>((r) => edge1.close(() => r()));
      await disconnected;
      await new Promise((r) => setTimeout(r, 150)); // a few refused attempts
      expect(sim.connected).to.equal(false);

      const edge2 = net.createServer();
      cleanups.push(() => new Promise<void>((r) => edge2.close(() => r())));
      const secondSocket = once(edge2, 'connection') as Promise<[net.Socket]>;
      await new Promise<void>((r) => edge2.listen(port, '127.0.0.1', () => r()));
      const [s2] = await secondSocket;
      cleanups.push(() => s2.destroy());
      const r2 = decodeFrom(s2);
      while (!sim.connected) await once(sim, 'connected');
      const second = sim.sendFrame('valid');
      expect((await r2.until(1))[0]).to.deep.equal({ kind: 'code', text: second.code });
    });

    it('needs a target port', () => {
      expect(() => new ScannerSimulator({ mode: 'connect', industry: 'milk', ratePerSecond: 1 })).to.throw(/port/);
    });
  });
});
