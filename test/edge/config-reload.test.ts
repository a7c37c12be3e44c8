import net from 'node:net';
import { expect } from 'chai';
import { checkCode } from '../../src/domain/codes/index.js';
import { expectData } from '../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { validCode } from '../support/scan-fixtures.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Reload in place (POST /api/v1/config/reload, PUT /api/v1/config): a device whose settings did
 * not change keeps its connection, and the line never loses an acknowledged code while the
 * configuration is reloaded under it. Real TCP on loopback; a reader that waits for the edge's
 * decision line (reply) after every code, so "acknowledged" is exactly what the reader was told.
 */

const RATE_PER_SECOND = 200;
const printer = (over: Record<string, unknown> = {}) => ({ id: 'zebra-1', model: 'ZEBRA_ZPL', host: '127.0.0.1', port: 1, backoff: { baseMs: 1000, maxMs: 5000 }, ...over });

/** A reader on one socket: writes codes, matches each reply line to the oldest unanswered code. */
class Reader {
  readonly acked: string[] = [];
  readonly pending: string[] = [];
  closed = false;
  private buffer = '';
  constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const code = this.pending.shift();
        if (code !== undefined && line === 'OK') this.acked.push(code);
      }
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => undefined);
  }
  send(code: string): boolean {
    if (this.closed) return false;
    this.pending.push(code);
    this.socket.write(`${code}\r\n`);
    return true;
  }
}

describe('edge: configuration reload in place', function () {
  this.timeout(60_000);
  let t: TestEdge | null = null;
  const cleanups: Array<() => void | Promise<void>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await t?.stop();
    t = null;
  });

  const system = () => t!.edge.system;
  const admin = () => ({ token: t!.tokens.admin });
  const reload = async () => expectData(await t!.request('POST', '/api/v1/config/reload', { ...admin(), body: { actor: 'test' } }));
  const stored = async (code: string) => {
    const check = checkCode(code, 'milk');
    if (!check.valid) throw new Error('fixture code must be valid');
    return system().queries.bottles.findByIdentificationCode(check.code.identificationCode);
  };

  /** An edge with a listen-mode scanner that answers every frame, and a reader connected to it. */
  async function edgeWithListeningScanner(): Promise<Reader> {
    t = await startTestEdge({
      scanners: [{ id: 'push-1', transport: 'TCP', mode: 'listen', port: 0, reply: { accept: 'OK', reject: 'NG' }, backoff: { baseMs: 10, maxMs: 50 } }],
      printers: [printer()],
    });
    const port = await waitFor(() => system().scanner('push-1')?.getSnapshot().context.listeningPort as number | null, 5000, 'the scanner to listen');
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    cleanups.push(() => void socket.destroy());
    await waitFor(() => system().scanner('push-1')?.getSnapshot().context.peer, 5000, 'the edge to see the reader');
    return new Reader(socket);
  }

  it("a connected scanner's socket survives a reload that changes only a printer; the printer restarts", async () => {
    const reader = await edgeWithListeningScanner();
    const scannerBefore = system().scanner('push-1');
    const printerBefore = system().root.system.get('printer.zebra-1');
    expect(reader.send(validCode(1))).to.equal(true);
    await waitFor(() => reader.acked.length === 1, 5000, 'the first code acknowledged');

    // Through the API…
    const put = expectData(await t!.request('PUT', '/api/v1/config', { ...admin(), body: { set: { 'l2.override.printers': [printer({ connectTimeoutMs: 1500 })] } } }));
    expect(put.report.printers).to.deep.equal({ started: ['zebra-1'], kept: [], removed: [] });
    expect(put.report.scanners).to.deep.include({ kept: ['push-1'], restarted: [], started: [], stopped: [] });
    // …and behind it, then a reload.
    await system().settingsStore.set('l2.override.printers', [{ ...printer({ connectTimeoutMs: 2500 }), name: 'zebra-1', params: { statusPollMs: 100, idleStatusMs: 5000, confirmTimeoutMs: 10000 } }]);
    const reloaded = await reload();
    expect(reloaded.report.printers.started).to.deep.equal(['zebra-1']);
    expect(reloaded.report.scanners.kept).to.deep.equal(['push-1']);

    expect(system().scanner('push-1')).to.equal(scannerBefore);
    expect(system().root.system.get('printer.zebra-1')).to.not.equal(printerBefore);
    expect(reader.closed).to.equal(false);
    expect(reader.send(validCode(2))).to.equal(true);
    await waitFor(() => reader.acked.length === 2, 5000, 'a code after the reloads acknowledged on the same socket');
    expect(await stored(validCode(2))).to.be.a('string');
    expect(reader.closed).to.equal(false);
  });

  it('a reload that changes the scanner restarts it (its connection too)', async () => {
    const reader = await edgeWithListeningScanner();
    const before = system().scanner('push-1');
    await system().settingsStore.set('l2.override.scanners', [{ id: 'push-1', transport: 'TCP', mode: 'listen', port: 0, reply: { accept: 'OK', reject: 'NG' }, backoff: { baseMs: 20, maxMs: 50 } }]);
    const reloaded = await reload();
    expect(reloaded.report.scanners.restarted).to.deep.equal(['push-1']);
    await waitFor(() => reader.closed, 5000, 'the old connection to close');
    await waitFor(() => system().scanner('push-1') && system().scanner('push-1') !== before, 5000, 'a new scanner actor');
  });

  it('scanning at ~200 codes/s through reloads: the socket stays and every acknowledged code is stored', async () => {
    const reader = await edgeWithListeningScanner();
    const total = 800;
    let sent = 0;
    // 200 codes/s by the wall clock: a late timer tick sends what is due (timers lag on a busy machine).
    const started = Date.now();
    const sender = setInterval(() => {
      const due = Math.min(total, Math.floor((Date.now() - started) / (1000 / RATE_PER_SECOND)));
      while (sent < due && reader.send(validCode(10_000 + sent))) sent++;
    }, 5);
    cleanups.push(() => clearInterval(sender));

    // Reloads while the codes flow, each with something else changed behind the API.
    const changes: Array<[string, unknown]> = [
      ['l2.override.printers', [printer({ connectTimeoutMs: 1200 })]],
      ['l2.override.line.batchSize', 25],
      ['l2.override.sync.batchSize', 100],
      ['l2.override.printers', []],
      ['l2.override.line.palletSize', 10],
    ];
    for (const [key, value] of changes) {
      await waitFor(() => sent >= (changes.findIndex(([k, v]) => k === key && v === value) + 1) * 120, 10_000, 'codes flowing');
      await system().settingsStore.set(key, value);
      const report = (await reload()).report;
      expect(report.scanners.kept).to.deep.equal(['push-1']);
    }
    await waitFor(() => sent === total, 20_000, () => `all ${total} codes sent (sent ${sent})`);
    clearInterval(sender);
    await waitFor(() => reader.pending.length === 0, 10_000, () => `every code answered (${reader.pending.length} pending)`);

    expect(reader.closed, 'the reader socket stayed open').to.equal(false);
    expect(reader.acked).to.have.length(total);
    const missing: string[] = [];
    for (const code of reader.acked) if (!(await stored(code))) missing.push(code);
    expect(missing, 'acknowledged but not stored').to.deep.equal([]);
    expect((await system().queries.bottles.count()).total).to.equal(total);
    expect(system().config.line.batchSize).to.equal(25);
  });

  it('scanning through reloads that restart the scanner itself (connect mode): every acknowledged code is stored', async () => {
    // The reader listens; the edge dials it, and dials again after each restart.
    const readers: Reader[] = [];
    const server = net.createServer((socket) => readers.push(new Reader(socket)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    cleanups.push(() => readers.forEach((r) => r.socket.destroy()));
    const port = (server.address() as net.AddressInfo).port;
    const scanner = (baseMs: number) => ({ id: 'dial-1', transport: 'TCP', mode: 'connect', host: '127.0.0.1', port, reply: { accept: 'OK', reject: 'NG' }, backoff: { baseMs, maxMs: 50 } });
    t = await startTestEdge({ scanners: [scanner(10)] });
    await waitFor(() => readers.length === 1, 5000, 'the edge to dial the reader');

    let next = 0;
    const started = Date.now();
    const sender = setInterval(() => {
      const due = Math.floor((Date.now() - started) / (1000 / RATE_PER_SECOND));
      const current = readers.at(-1);
      // Codes that fall due while no reader is connected are not sent (a real reader would not read them either).
      if (!current || current.closed) next = Math.max(next, due);
      while (next < due && current && !current.closed && current.send(validCode(20_000 + next))) next++;
    }, 5);
    cleanups.push(() => clearInterval(sender));

    for (const baseMs of [11, 12, 13]) {
      await waitFor(() => next >= (baseMs - 10) * 100, 10_000, 'codes flowing');
      await system().settingsStore.set('l2.override.scanners', [scanner(baseMs)]);
      expect((await reload()).report.scanners.restarted).to.deep.equal(['dial-1']);
    }
    await waitFor(() => readers.length === 4 && readers[3]!.acked.length >= 50, 10_000, 'scanning resumed on the last connection');
    clearInterval(sender);
    await waitFor(() => readers.at(-1)!.pending.length === 0, 10_000, 'the last connection answered');

    const acked = readers.flatMap((r) => r.acked);
    expect(acked.length).to.be.greaterThan(300);
    const missing: string[] = [];
    for (const code of acked) if (!(await stored(code))) missing.push(code);
    expect(missing, 'acknowledged but not stored').to.deep.equal([]);
  });
});
