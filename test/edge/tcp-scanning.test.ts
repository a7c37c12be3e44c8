import { expect } from 'chai';
import { checkCode, generateCode, GS } from '../../src/domain/codes/index.js';
import { seededRng } from '../../src/line-sim/frame-source.js';
import type { EdgeEvent } from '../../src/edge/edge-events.js';
import { ScannerSimulator, type ScannerSimulatorOptions } from '../../src/line-sim/scanner-simulator.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { validCode } from '../support/scan-fixtures.js';
import { waitFor } from '../support/wait-for.js';

/**
 * A whole edge and the line simulator over real TCP on loopback: what a reader sends ends up as
 * bottles and scans, through framing, the scanner actor, the scan line and the group commit.
 */
describe('edge: scanning over TCP', function () {
  this.timeout(30_000);
  let t: TestEdge | null = null;
  const sims: ScannerSimulator[] = [];

  afterEach(async () => {
    await Promise.all(sims.splice(0).map((sim) => sim.stop()));
    await t?.stop();
    t = null;
  });

  async function startSim(options: Partial<ScannerSimulatorOptions> & Pick<ScannerSimulatorOptions, 'mode'>) {
    const sim = new ScannerSimulator({ industry: 'milk', ratePerSecond: 0, seed: 42, ...options });
    sims.push(sim);
    await sim.start();
    return sim;
  }
  const scannerConfig = (over: Record<string, unknown>) => ({ id: 'tcp-1', transport: 'tcp', host: '127.0.0.1', backoff: { baseMs: 10, maxMs: 50 }, ...over });
  const edge = () => t!.edge.system;
  const scanner = (id = 'tcp-1') => edge().scanner(id)!;
  const scannerState = (id = 'tcp-1') => JSON.stringify(scanner(id).getSnapshot().value);
  const bottleTotal = async () => (await edge().queries.bottles.count()).total;
  const scans = () => edge().queries.bottles.recentScans(500);
  const stored = async (code: string) => {
    const check = checkCode(code, 'milk');
    if (!check.valid) throw new Error('fixture code must be valid');
    return edge().queries.bottles.findByIdentificationCode(check.code.identificationCode);
  };
  /** A frame the simulator really delivered (it drops frames while no peer is connected). */
  const send = (sim: ScannerSimulator, kind: 'valid' | 'duplicate' | 'invalid' | 'noread') => {
    const frame = sim.sendFrame(kind);
    expect(frame.delivered, `${kind} frame delivered`).to.equal(true);
    expect(frame.kind).to.equal(kind);
    return frame;
  };

  it('connect mode: every kind of frame arrives; valid codes become bottles, the rest are recorded as scans only', async () => {
    const sim = await startSim({ mode: 'listen' });
    t = await startTestEdge({ scanners: [scannerConfig({ mode: 'connect', port: sim.port })] });
    await waitFor(() => sim.connected && scannerState() === '{"active":"connected"}', 5000, 'the edge to dial the reader');

    const kinds = ['valid', 'valid', 'noread', 'valid', 'duplicate', 'invalid', 'valid', 'noread', 'duplicate', 'invalid', 'valid'] as const;
    const frames = kinds.map((kind) => send(sim, kind));
    await waitFor(async () => (await scans()).length === frames.length, 5000, 'every frame to be recorded');

    const outcomes = (await scans()).map((s) => s.outcome).reverse();
    expect(outcomes).to.deep.equal(['accepted', 'accepted', 'noread', 'accepted', 'duplicate', 'invalid', 'accepted', 'noread', 'duplicate', 'invalid', 'accepted']);
    expect(await bottleTotal()).to.equal(5);
    for (const frame of frames.filter((f) => f.kind === 'valid')) expect(await stored(frame.code), frame.code).to.be.a('string');
    expect(scanner().getSnapshot().context).to.deep.include({ frames: 11, codes: 9, noReads: 2, garbage: 0 });
    expect(edge().scanLine().getSnapshot().context.counters).to.deep.include({ accepted: 5, duplicates: 2, invalid: 2, noReads: 2 });
  });

  it('connect mode: when the reader goes away and comes back on the same port, the scanner backs off, reconnects and scanning resumes', async () => {
    const first = await startSim({ mode: 'listen' });
    const port = first.port;
    t = await startTestEdge({ scanners: [scannerConfig({ mode: 'connect', port })] });
    const states: string[] = [];
    const unsubscribe = edge().bus.subscribe('scanner.state', (event: Extract<EdgeEvent, { type: 'scanner.state' }>) => {
      states.push(event.state);
    });
    try {
      await waitFor(() => first.connected && scannerState() === '{"active":"connected"}', 5000, 'the first connection');
      send(first, 'valid');
      await waitFor(async () => (await bottleTotal()) === 1, 5000, 'the first bottle');

      await first.stop();
      sims.splice(sims.indexOf(first), 1);
      await waitFor(() => states.includes('backoff'), 5000, 'the scanner to back off');

      const second = await startSim({ mode: 'listen', port, seed: 43 });
      await waitFor(() => second.connected && scannerState() === '{"active":"connected"}', 5000, 'the reconnection');
      expect(states.at(-1)).to.equal('connected');
      expect(scanner().getSnapshot().context.attempt).to.equal(0);

      const frames = [send(second, 'valid'), send(second, 'valid'), send(second, 'valid')];
      await waitFor(async () => (await bottleTotal()) === 4, 5000, 'scanning to resume');
      for (const frame of frames) expect(await stored(frame.code)).to.be.a('string');
    } finally {
      unsubscribe();
    }
  });

  it('keeps every valid code around split frames and garbage bytes', async () => {
    const sim = await startSim({ mode: 'listen' });
    t = await startTestEdge({ scanners: [scannerConfig({ mode: 'connect', port: sim.port })] });
    await waitFor(() => sim.connected && scannerState() === '{"active":"connected"}', 5000, 'the connection');
    const [c1, c2, c3] = [validCode(9001), validCode(9002), validCode(9003)];
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    // c1 one byte per write.
    for (const byte of Buffer.from(`${c1}\r\n`, 'utf8')) {
      sim.sendRaw(Buffer.from([byte]));
      await tick();
    }
    // Binary noise with its own line end: one garbage frame, not a code.
    sim.sendRaw(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x07, 0x0d, 0x0a]));
    // c2 as many readers send it (symbology identifier, printable GS), split mid-code.
    const c2wire = `]d2${c2.split(GS).join('<GS>')}\r\n`;
    sim.sendRaw(c2wire.slice(0, 9));
    await tick();
    sim.sendRaw(c2wire.slice(9));
    // A run far past maxFrameBytes with no terminator, then its end: discarded as garbage.
    sim.sendRaw('x'.repeat(10_000));
    await tick();
    sim.sendRaw('yyy\r\n');
    sim.sendRaw(`${c3}\r\n`);

    await waitFor(async () => (await bottleTotal()) === 3, 5000, 'the three codes to be stored');
    for (const code of [c1, c2, c3]) expect(await stored(code), code).to.be.a('string');
    await waitFor(() => scanner().getSnapshot().context.garbage >= 2, 5000, 'the garbage to be counted');
    expect(scanner().getSnapshot().context.codes).to.equal(3);
    expect((await scans()).map((s) => s.outcome)).to.deep.equal(['accepted', 'accepted', 'accepted']);
  });

  it('listen mode with replies: the reader gets one decision line per frame, in order', async () => {
    t = await startTestEdge({ scanners: [scannerConfig({ id: 'push-1', mode: 'listen', port: 0, reply: { accept: 'OK', reject: 'NG' } })] });
    const port = await waitFor(() => scanner('push-1').getSnapshot().context.listeningPort as number | null, 5000, 'the edge to listen');
    const sim = await startSim({ mode: 'connect', port, reconnectMs: 50 });
    const replies: string[] = [];
    sim.on('reply', (line: string) => replies.push(line));
    await waitFor(() => sim.connected && scannerState('push-1') === '{"active":"connected"}', 5000, 'the reader to connect');

    const kinds = ['valid', 'valid', 'duplicate', 'invalid', 'valid', 'noread', 'valid'] as const;
    for (const kind of kinds) send(sim, kind);
    await waitFor(() => replies.length >= kinds.length, 5000, () => `a reply per frame, got ${JSON.stringify(replies)}`);
    expect(replies).to.deep.equal(['OK', 'OK', 'NG', 'NG', 'OK', 'NG', 'OK']);
    expect(await bottleTotal()).to.equal(4);
  });
  it('production order (issue 14): started over the API, the right product is accepted and recorded under the order, another GTIN is refused WRONG_PRODUCT and the reader told NG', async () => {
    t = await startTestEdge({ scanners: [scannerConfig({ id: 'push-1', mode: 'listen', port: 0, reply: { accept: 'OK', reject: 'NG' } })] });
    const port = await waitFor(() => scanner('push-1').getSnapshot().context.listeningPort as number | null, 5000, 'the edge to listen');
    const sim = await startSim({ mode: 'connect', port, reconnectMs: 50 });
    const replies: string[] = [];
    sim.on('reply', (line: string) => replies.push(line));
    await waitFor(() => sim.connected && scannerState('push-1') === '{"active":"connected"}', 5000, 'the reader to connect');

    const gtin = '04607001234562';
    const created = await t.request('POST', '/api/v1/orders', {
      token: t.tokens.operator,
      body: { number: 'PO-TCP-1', gtins: [gtin], lot: 'L-TCP', productionDate: '2026-12-07', expiryDate: '2026-12-21', plannedQuantity: 10 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const orderId = (created.body as { data: { id: string } }).data.id;
    const started = await t.request('POST', `/api/v1/orders/${orderId}/start`, { token: t.tokens.operator, body: {} });
    expect(started.status, JSON.stringify(started.body)).to.equal(200);

    const right = generateCode('milk', { gtin, rng: seededRng(101) });
    const wrong = generateCode('milk', { gtin: '10614141000415', rng: seededRng(102) });
    sim.sendRaw(`${right}\r\n`);
    sim.sendRaw(`${wrong}\r\n`);
    await waitFor(() => replies.length >= 2, 5000, () => `a reply per frame, got ${JSON.stringify(replies)}`);
    expect(replies).to.deep.equal(['OK', 'NG']);
    const recent = (await scans()).reverse();
    expect(recent.map((s) => s.outcome)).to.deep.equal(['accepted', 'refused']);
    expect(recent[1]).to.deep.include({ reasonCode: 'WRONG_PRODUCT' });
    const bottle = await edge().db.reader('bottles').where({ identification_code: `01${gtin}21${(checkCode(right, 'milk') as { code: { serial: string } }).code.serial}` }).first();
    expect(bottle?.order_id).to.equal(orderId);
    expect(await bottleTotal()).to.equal(1);
  });
});
