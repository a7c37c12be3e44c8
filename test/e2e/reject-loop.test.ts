import { expect } from 'chai';
import { type ModbusSimulator, type RecordedWrite, startModbusSimulator } from '../../adapters/plcs/modbus-simulator.js';
import type { ScanDecision } from '../../machines/edge/scan-line.machine.js';
import type { EdgeEvent } from '../../src/edge/edge-events.js';
import { ScannerSimulator } from '../../src/line-sim/scanner-simulator.js';
import { expectData, expectError, itRequiresAuth } from '../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The reject loop end to end: a real edge with a TCP line scanner and a TCP REJECTION_FEEDBACK
 * scanner (both in listen mode, fed by scanner simulators), and the Modbus TCP simulator as the
 * PLC with the eject output bound to a coil. What the PLC really received is the simulator's
 * record of writes.
 */
const EJECT_COIL = 10;
const PLC = 'line-plc';

function edgeConfig(sim: ModbusSimulator, options: { safeState?: 'stop' | 'reject_all'; feedbackWindowMs?: number; stopLine?: boolean } = {}) {
  return {
    line: { industry: 'milk' },
    scanners: [
      { id: 'line', transport: 'tcp', mode: 'listen', host: '127.0.0.1', port: 0, role: 'ADD', reply: { accept: 'OK', reject: 'NG' } },
      { id: 'feedback', transport: 'tcp', mode: 'listen', host: '127.0.0.1', port: 0, role: 'REJECTION_FEEDBACK' },
    ],
    plcs: [
      { id: PLC, protocol: 'MODBUS_TCP', host: sim.host, port: sim.port, timeoutMs: 300, pollIntervalMs: 50, backoff: { baseMs: 20, maxMs: 100 }, safeState: options.safeState ?? 'stop' },
    ],
    plcBindings: { eject: { plcId: PLC, address: `coil:${EJECT_COIL}`, kind: 'coil', pulseMs: 20 } },
    rejectLoop: { enabled: true, feedbackWindowMs: options.feedbackWindowMs ?? 5000, stopLineOnMissedReject: options.stopLine ?? true },
  };
}

interface Rig {
  t: TestEdge;
  plc: ModbusSimulator;
  line: ScannerSimulator;
  feedback: ScannerSimulator;
  events: EdgeEvent[];
  /** Sends one frame from the line scanner and waits for its decision. */
  scan(kind: 'valid' | 'invalid' | 'duplicate'): Promise<ScanDecision>;
  /** The feedback reader reads this code in the reject path. */
  confirm(code: string): void;
  ejectWrites(): RecordedWrite[];
  status(): Promise<Record<string, unknown> & { counters: Record<string, number> }>;
  stop(): Promise<void>;
}

async function connectReader(t: TestEdge, scannerId: string): Promise<ScannerSimulator> {
  const port = await waitFor(() => t.edge.system.scanner(scannerId)?.getSnapshot().context.listeningPort, 5000, `scanner ${scannerId} to listen`);
  const reader = new ScannerSimulator({ mode: 'connect', host: '127.0.0.1', port, industry: 'milk', ratePerSecond: 0, seed: 7 });
  await reader.start();
  await waitFor(() => t.edge.system.scanner(scannerId)?.getSnapshot().context.peer, 5000, `scanner ${scannerId} to be connected`);
  return reader;
}

async function startRig(options: Parameters<typeof edgeConfig>[1] = {}): Promise<Rig> {
  const plc = await startModbusSimulator();
  const t = await startTestEdge(edgeConfig(plc, options));
  const events: EdgeEvent[] = [];
  t.edge.system.bus.subscribe('*', (event) => events.push(event));
  const line = await connectReader(t, 'line');
  const feedback = await connectReader(t, 'feedback');
  const status = async () => expectData(await t.request('GET', '/api/v1/reject-loop/status', { token: t.tokens.operator }));
  await waitFor(async () => (await status()).plcConnected, 5000, 'the eject PLC to be connected');
  return {
    t,
    plc,
    line,
    feedback,
    events,
    async scan(kind) {
      const before = events.filter((e) => e.type === 'scan.decided').length;
      line.sendFrame(kind);
      const decided = await waitFor(() => events.filter((e) => e.type === 'scan.decided')[before], 5000, `the decision on a ${kind} frame`);
      return (decided as Extract<EdgeEvent, { type: 'scan.decided' }>).decision;
    },
    confirm(code) {
      feedback.sendRaw(`${code}\r\n`);
    },
    ejectWrites: () => plc.writes.filter((w) => w.table === 'coil' && w.address === EJECT_COIL),
    status,
    async stop() {
      await line.stop();
      await feedback.stop();
      await t.stop();
      await plc.close();
    },
  };
}

const alarms = (rig: Rig) => rig.events.filter((e): e is Extract<EdgeEvent, { type: 'line.alarm' }> => e.type === 'line.alarm');
const lineState = (rig: Rig) => rig.t.edge.system.scanLine().getSnapshot().value as string;

describe('reject loop end to end (TCP scanners + Modbus TCP simulator)', function () {
  this.timeout(20_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('invalid and duplicate codes pulse the eject coil (true, then false), valid ones do not; feedback confirms them', async () => {
    rig = await startRig();
    const good = await rig.scan('valid');
    expect(good.outcome).to.equal('accepted');
    const bad = await rig.scan('invalid');
    expect(bad.outcome).to.equal('invalid');
    await waitFor(() => rig!.ejectWrites().length >= 2, 5000, 'the eject pulse for the invalid code');
    expect(rig.ejectWrites().map((w) => w.value)).to.deep.equal([true, false]);

    const twin = await rig.scan('duplicate');
    expect(twin.outcome).to.equal('duplicate');
    await waitFor(() => rig!.ejectWrites().length >= 4, 5000, 'the eject pulse for the duplicate');
    const good2 = await rig.scan('valid');
    expect(good2.outcome).to.equal('accepted');
    // The valid units' decisions were released; nothing more reached the coil for them.
    await waitFor(async () => (await rig!.status()).counters.units === 4, 5000, 'the loop to see all four units');
    expect(rig.ejectWrites().map((w) => w.value)).to.deep.equal([true, false, true, false]);

    rig.confirm(bad.code);
    rig.confirm(twin.code);
    const status = await waitFor(async () => {
      const s = await rig!.status();
      return s.counters.confirmed === 2 ? s : null;
    }, 5000, 'both ejects to be confirmed');
    expect(status.counters).to.deep.include({ units: 4, good: 2, ejects: 2, ejected: 2, confirmed: 2, missed: 0, ejectFailures: 0 });
    expect(status.openWindows).to.equal(0);
    expect(alarms(rig)).to.deep.equal([]);
    expect(lineState(rig)).to.equal('running');
  });

  it('a reject whose REJECTION_FEEDBACK never arrives raises REJECT_NOT_CONFIRMED and pauses the line', async () => {
    rig = await startRig({ feedbackWindowMs: 200, stopLine: true });
    const bad = await rig.scan('invalid');
    const alarm = await waitFor(() => alarms(rig!).find((a) => a.code === 'REJECT_NOT_CONFIRMED'), 5000, 'the missed-reject alarm');
    expect(alarm).to.deep.include({ source: 'rejectLoop', unitCode: bad.code });
    await waitFor(() => lineState(rig!) === 'paused', 5000, 'the line to pause');
    expect(rig.t.edge.system.scanLine().getSnapshot().context.pauseReason).to.equal(`reject not confirmed: ${bad.code}`);
    expect((await rig.status()).counters).to.deep.include({ missed: 1, confirmed: 0 });
    // Journaled: an alarm waiting for a person, and the pause it caused (by the system).
    await rig.t.edge.system.journal.flush();
    const entries = await rig.t.edge.system.journal.store.page({ category: ['line'], acknowledged: false }, { limit: 20 });
    expect(entries.find((e) => e.messageKey === 'line.reject_alarm')?.params).to.deep.include({ code: 'REJECT_NOT_CONFIRMED', unit: bad.code });
    expect(entries.find((e) => e.messageKey === 'line.paused')).to.deep.include({ severity: 'alarm', user: null });
    // A paused line refuses the next unit, and the loop ejects it.
    const next = await rig.scan('valid');
    expect(next.outcome).to.equal('refused');
    await waitFor(() => rig!.ejectWrites().length >= 3, 5000, 'the eject of the refused unit');
  });

  it('without stopLineOnMissedReject a missed reject alarms but the line keeps running', async () => {
    rig = await startRig({ feedbackWindowMs: 100, stopLine: false });
    await rig.scan('invalid');
    await waitFor(() => alarms(rig!).find((a) => a.code === 'REJECT_NOT_CONFIRMED'), 5000, 'the missed-reject alarm');
    expect(lineState(rig)).to.equal('running');
  });

  it('PLC killed with safe state stop: the line pauses, the loss is journaled, ejects fail loudly', async () => {
    rig = await startRig({ safeState: 'stop', stopLine: false });
    await rig.plc.close();
    await waitFor(() => lineState(rig!) === 'paused', 5000, 'the line to pause (safe state stop)');
    const alarm = await waitFor(() => alarms(rig!).find((a) => a.code === 'PLC_DISCONNECTED'), 5000, 'the PLC_DISCONNECTED alarm');
    expect(alarm).to.deep.include({ source: 'plc', safeState: 'stop' });
    const journal = rig.t.edge.logRing.lines(500, 'warn');
    expect(journal.some((l) => l.msg === 'PLC disconnected: line in its safe state' && l.safeState === 'stop')).to.equal(true);
    await waitFor(async () => (await rig!.status()).plcConnected === false, 5000, 'the loop to see the link down');
    // The paused line refuses the unit; its eject cannot be written and says so.
    await rig.scan('valid');
    await waitFor(() => alarms(rig!).find((a) => a.code === 'EJECT_FAILED'), 5000, 'the EJECT_FAILED alarm');
    expect((await rig.status()).counters).to.deep.include({ ejects: 1, ejectFailures: 1, rejectedBySafeState: 0 });
  });

  it('PLC killed with safe state reject_all: the line keeps running and every unit counts as a reject', async () => {
    rig = await startRig({ safeState: 'reject_all', stopLine: false });
    await rig.plc.close();
    const alarm = await waitFor(() => alarms(rig!).find((a) => a.code === 'PLC_DISCONNECTED'), 5000, 'the PLC_DISCONNECTED alarm');
    expect(alarm).to.deep.include({ safeState: 'reject_all' });
    await waitFor(async () => (await rig!.status()).rejectAll === true, 5000, 'the loop to reject all');
    await waitFor(() => rig!.t.edge.system.scanLine().getSnapshot().context.rejectAll, 5000, 'the scan line to know the safe state');
    const unit = await rig.scan('valid');
    // Reject safety (issue 14): the unit is ejected by the PLC's fail-safe, so it is stored Rejected and never reported.
    expect(unit).to.deep.include({ outcome: 'refused', reasonCode: 'REJECTED_BY_SAFE_STATE' });
    const stored = await rig.t.edge.system.db.reader('bottles').where({ id: unit.bottleId }).first();
    expect(stored.status).to.equal(4);
    expect(await rig.t.edge.system.db.reader('outbox').where({ kind: 'bottle.created', ref_id: unit.bottleId })).to.have.length(0);
    // The feedback reader sees it leave: the stored unit records the confirmation.
    rig.confirm(unit.code);
    await waitFor(async () => (await rig!.t.edge.system.db.reader('bottles').where({ id: unit.bottleId }).first()).rejection_confirmed_at, 5000, 'the confirmation on the unit');
    expect(lineState(rig)).to.equal('running');
    const status = await waitFor(async () => {
      const s = await rig!.status();
      return s.counters.ejectFailures === 1 ? s : null;
    }, 5000, 'the eject attempt to fail');
    expect(status.counters).to.deep.include({ units: 1, good: 0, ejects: 1, rejectedBySafeState: 1 });
    expect(rig.t.edge.logRing.lines(500, 'warn').some((l) => l.msg === 'PLC disconnected: line in its safe state' && l.safeState === 'reject_all')).to.equal(true);
  });

  describe('authentication (loop enabled)', () => {
    let plc: ModbusSimulator;
    let t: TestEdge;
    before(async () => {
      plc = await startModbusSimulator();
      t = await startTestEdge(edgeConfig(plc));
    });
    after(async () => {
      await t?.stop();
      await plc?.close();
    });
    itRequiresAuth(() => t, [{ method: 'GET', path: '/api/v1/reject-loop/status' }]);
  });

  it('GET /reject-loop/status is 503 when the loop is not enabled', async () => {
    const t = await startTestEdge();
    try {
      expectError(await t.request('GET', '/api/v1/reject-loop/status', { token: t.tokens.operator }), 503, 'SERVICE_UNAVAILABLE');
    } finally {
      await t.stop();
    }
  });
});
