import { expect } from 'chai';
import type { ScanDecision } from '../../machines/edge/scan-line.machine.js';
import type { EdgeEvent } from '../../src/edge/edge-events.js';
import { ScannerSimulator } from '../../src/line-sim/scanner-simulator.js';
import { expectData } from '../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { peerMissing } from '../support/peers.js';
import { pymodbusMissing, startPymodbusTcp, type PymodbusPeer } from '../support/pymodbus-peer.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The reject loop end to end against a PLC we did not write: a real edge with a TCP line scanner
 * and a REJECTION_FEEDBACK scanner (fed by scanner simulators), and pymodbus as the Modbus TCP PLC
 * with the eject output on a coil. What the PLC received is pymodbus's own record of the writes.
 * (reject-loop.test.ts runs the same loop, with its failure modes, on our Modbus simulator.)
 */
const EJECT_COIL = 10;

describe('reject loop end to end on pymodbus (real Modbus TCP peer)', function () {
  const missing = pymodbusMissing();
  if (missing) {
    peerMissing(`needs the Debian Modbus peer: ${missing}`);
    return;
  }
  this.timeout(60_000);
  let plc: PymodbusPeer & { port: number };
  let t: TestEdge;
  const readers: ScannerSimulator[] = [];
  const events: EdgeEvent[] = [];

  const connectReader = async (scannerId: string) => {
    const port = await waitFor(() => t.edge.system.scanner(scannerId)?.getSnapshot().context.listeningPort, 5000, `scanner ${scannerId} to listen`);
    const reader = new ScannerSimulator({ mode: 'connect', host: '127.0.0.1', port, industry: 'milk', ratePerSecond: 0, seed: 11 });
    await reader.start();
    readers.push(reader);
    await waitFor(() => t.edge.system.scanner(scannerId)?.getSnapshot().context.peer, 5000, `scanner ${scannerId} to be connected`);
    return reader;
  };

  before(async () => {
    plc = await startPymodbusTcp();
    t = await startTestEdge({
      line: { industry: 'milk' },
      scanners: [
        { id: 'line', transport: 'tcp', mode: 'listen', host: '127.0.0.1', port: 0, role: 'ADD', reply: { accept: 'OK', reject: 'NG' } },
        { id: 'feedback', transport: 'tcp', mode: 'listen', host: '127.0.0.1', port: 0, role: 'REJECTION_FEEDBACK' },
      ],
      plcs: [{ id: 'line-plc', protocol: 'MODBUS_TCP', host: '127.0.0.1', port: plc.port, unitId: 1, timeoutMs: 1000, pollIntervalMs: 100, backoff: { baseMs: 20, maxMs: 200 }, safeState: 'stop' }],
      plcBindings: { eject: { plcId: 'line-plc', address: `coil:${EJECT_COIL}`, kind: 'coil', pulseMs: 20 } },
      rejectLoop: { enabled: true, feedbackWindowMs: 5000, stopLineOnMissedReject: true },
    });
    t.edge.system.bus.subscribe('*', (event) => void events.push(event));
  });
  after(async () => {
    for (const reader of readers) await reader.stop();
    await t?.stop();
    await plc?.stop();
  });

  const status = async () => expectData(await t.request('GET', '/api/v1/reject-loop/status', { token: t.tokens.operator })) as Record<string, any>;
  const ejectWrites = () => plc.writes.filter((w) => w.table === 'coil' && w.address === EJECT_COIL).map((w) => w.value);

  it('an invalid code pulses the eject coil on pymodbus (1, then 0), a valid one does not; the feedback reader confirms the eject', async () => {
    const line = await connectReader('line');
    const feedback = await connectReader('feedback');
    await waitFor(async () => (await status()).plcConnected, 10_000, 'the eject PLC (pymodbus) to be connected');
    const scan = async (kind: 'valid' | 'invalid') => {
      const before = events.filter((e) => e.type === 'scan.decided').length;
      line.sendFrame(kind);
      const decided = await waitFor(() => events.filter((e) => e.type === 'scan.decided')[before], 5000, `the decision on a ${kind} frame`);
      return (decided as Extract<EdgeEvent, { type: 'scan.decided' }>).decision as ScanDecision;
    };

    expect((await scan('valid')).outcome).to.equal('accepted');
    const bad = await scan('invalid');
    expect(bad.outcome).to.equal('invalid');
    await waitFor(() => ejectWrites().length >= 2, 5000, () => `the eject pulse on pymodbus; output: ${plc.output()}`);
    expect(ejectWrites()).to.deep.equal([1, 0]);
    await waitFor(async () => (await status()).counters.units === 2, 5000, 'the loop to see both units');
    expect(ejectWrites(), 'nothing more for the valid unit').to.deep.equal([1, 0]);

    feedback.sendRaw(`${bad.code}\r\n`);
    const confirmed = await waitFor(async () => {
      const s = await status();
      return s.counters.confirmed === 1 ? s : null;
    }, 5000, 'the eject to be confirmed');
    expect(confirmed.counters).to.deep.include({ units: 2, good: 1, ejects: 1, ejected: 1, confirmed: 1, missed: 0, ejectFailures: 0 });
  });
});
