import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Industry } from '../domain/codes/index.js';
import { FrameSource, seededRng, type SimFrameKind, type SimFraming } from './frame-source.js';

export interface ScannerSimulatorOptions {
  /** 'listen': the simulator is a reader the edge dials. 'connect': it pushes to the edge. */
  mode: 'listen' | 'connect';
  host?: string;
  /** listen: 0 = any free port; connect: the edge's port. */
  port?: number;
  industry: Industry;
  /** Frames per second while a peer is connected; 0 = only frames sent with sendFrame. */
  ratePerSecond: number;
  /** Fractions, the rest valid. */
  mix?: { duplicate?: number; invalid?: number; noRead?: number };
  framing?: SimFraming;
  symbologyPrefix?: boolean;
  gsAs?: 'byte' | '<GS>' | '{GS}';
  /** Valid codes use one of these GTINs (see FrameSourceOptions.gtins). */
  gtins?: readonly string[];
  /** Stop emitting after N frames and emit 'done'. */
  total?: number;
  seed?: number;
  /** connect mode: delay between connection attempts (default 500 ms). */
  reconnectMs?: number;
}

export interface ScannerSimulatorStats {
  sent: number;
  valid: number;
  duplicate: number;
  invalid: number;
  noRead: number;
  replies: number;
  /** Frames built by sendFrame while no peer was connected (a real reader loses them too). */
  dropped: number;
}

const DEFAULT_RECONNECT_MS = 500;
// Above this much unsent data the line "stalls" instead of queueing without bound on a slow edge.
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * A barcode reader on loopback. Events: 'listening' {port}, 'connected' {peer},
 * 'disconnected' {peer}, 'frame' {kind, code}, 'reply' (line), 'done'.
 */
export class ScannerSimulator extends EventEmitter {
  readonly stats: ScannerSimulatorStats = { sent: 0, valid: 0, duplicate: 0, invalid: 0, noRead: 0, replies: 0, dropped: 0 };
  private readonly source: FrameSource;
  private readonly peers = new Set<net.Socket>();
  private server: net.Server | null = null;
  private rateTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private running = false;
  private finished = false;
  private credit = 0;
  private lastTick = 0;
  private boundPort = 0;

  constructor(readonly options: ScannerSimulatorOptions) {
    super();
    if (!(options.ratePerSecond >= 0)) throw new RangeError('ratePerSecond must be >= 0');
    if (options.mode === 'connect' && !options.port) throw new RangeError('connect mode needs the target port');
    this.source = new FrameSource({
      industry: options.industry,
      mix: options.mix,
      framing: options.framing,
      symbologyPrefix: options.symbologyPrefix,
      gsAs: options.gsAs,
      gtins: options.gtins,
      rng: seededRng(options.seed ?? Math.floor(Math.random() * 2 ** 32)),
    });
  }

  get connected(): boolean {
    return this.peers.size > 0;
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<{ port: number }> {
    if (this.running) throw new Error('scanner simulator already started');
    this.running = true;
    const host = this.options.host ?? '127.0.0.1';
    if (this.options.mode === 'listen') {
      const server = net.createServer((socket) => this.attach(socket));
      this.server = server;
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(this.options.port ?? 0, host, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        this.running = false;
        this.server = null;
        throw err;
      }
      // Accept errors (e.g. EMFILE) after binding must not crash the process.
      server.on('error', (err) => this.emit('warning', err));
      this.boundPort = (server.address() as net.AddressInfo).port;
      this.emit('listening', { port: this.boundPort });
    } else {
      this.boundPort = this.options.port ?? 0;
      this.dial(host, this.boundPort);
    }
    this.startRate();
    return { port: this.boundPort };
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopRate();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    // end() lets frames already written reach the peer before the FIN; destroy bounds the wait.
    const closing = [...this.peers].map(
      (socket) =>
        new Promise<void>((resolve) => {
          const force = setTimeout(() => socket.destroy(), 1000);
          socket.once('close', () => {
            clearTimeout(force);
            resolve();
          });
          socket.end();
        }),
    );
    const server = this.server;
    this.server = null;
    const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await Promise.all([...closing, serverClosed]);
  }

  /** Send one frame now. Returns the kind actually sent and the code text (without framing). */
  sendFrame(kind?: SimFrameKind): { kind: SimFrameKind; code: string; delivered: boolean } {
    const frame = this.source.next(kind);
    const delivered = this.writeToPeers(frame.wire);
    if (delivered) this.count(frame);
    else this.stats.dropped++;
    this.checkDone();
    return { kind: frame.kind, code: frame.code, delivered };
  }

  /** Send bytes as they are (garbage, partial frames, custom framing). */
  sendRaw(bytes: Buffer | string): void {
    this.writeToPeers(bytes);
  }

  private count(frame: { kind: SimFrameKind; code: string; wire: string }): void {
    this.source.remember(frame);
    this.stats.sent++;
    if (frame.kind === 'noread') this.stats.noRead++;
    else this.stats[frame.kind]++;
    if (this.listenerCount('frame') > 0) this.emit('frame', { kind: frame.kind, code: frame.code });
  }

  private writeToPeers(data: Buffer | string): boolean {
    let delivered = false;
    for (const socket of this.peers) {
      if (socket.destroyed || !socket.writable) continue;
      socket.write(data);
      delivered = true;
    }
    return delivered;
  }

  private attach(socket: net.Socket): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.peers.add(socket);
    // Replies are lines (e.g. "OK" / "NG duplicate"); CR, LF and CRLF all end one.
    let partial = '';
    socket.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split(/\r\n|\r|\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.length === 0) continue;
        this.stats.replies++;
        this.emit('reply', line);
      }
    });
    socket.on('error', () => {}); // 'close' follows; the reconnect logic lives there
    socket.once('close', () => {
      this.peers.delete(socket);
      this.emit('disconnected', { peer });
    });
    this.lastTick = performance.now();
    this.credit = 0;
    this.emit('connected', { peer });
  }

  private dial(host: string, port: number): void {
    const socket = net.connect({ host, port });
    socket.once('connect', () => this.attach(socket));
    socket.on('error', () => {});
    socket.once('close', () => {
      if (!this.running) return;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        if (this.running) this.dial(host, port);
      }, this.options.reconnectMs ?? DEFAULT_RECONNECT_MS);
    });
  }

  private startRate(): void {
    const rate = this.options.ratePerSecond;
    if (rate <= 0 || this.finished) return;
    // Slow lines tick once per frame; fast lines tick every 10 ms and send a batch per tick.
    const tickMs = Math.max(10, Math.min(200, 1000 / rate));
    this.lastTick = performance.now();
    this.rateTimer = setInterval(() => this.tick(), tickMs);
  }

  private stopRate(): void {
    if (this.rateTimer) clearInterval(this.rateTimer);
    this.rateTimer = null;
  }

  private tick(): void {
    const now = performance.now();
    const elapsed = now - this.lastTick;
    this.lastTick = now;
    if (!this.connected) return; // the line waits for its reader's host
    if ([...this.peers].some((s) => s.writableLength > MAX_BUFFERED_BYTES)) {
      this.credit = 0;
      return;
    }
    // Credit carries fractions between ticks; the cap stops a burst after the loop was blocked.
    const rate = this.options.ratePerSecond;
    this.credit = Math.min(this.credit + (rate * elapsed) / 1000, Math.max(1, rate / 2));
    let n = Math.floor(this.credit);
    if (this.options.total !== undefined) n = Math.min(n, this.options.total - this.stats.sent);
    if (n <= 0) return;
    this.credit -= n;
    const frames = [];
    for (let i = 0; i < n; i++) frames.push(this.source.next());
    if (!this.writeToPeers(frames.map((f) => f.wire).join(''))) return;
    for (const frame of frames) this.count(frame);
    this.checkDone();
  }

  private checkDone(): void {
    if (this.finished || this.options.total === undefined || this.stats.sent < this.options.total) return;
    this.finished = true;
    this.stopRate();
    this.emit('done', { ...this.stats });
  }
}
