import { expect } from 'chai';
import { SimulatedClock } from 'xstate';
import type { ScanReply, ScanDecision } from '../../../machines/edge/scan-line.machine.js';
import { type ScannerRig, startScannerRig } from '../../support/scanner-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

const decision = (valid: boolean): ScanDecision => ({
  code: 'x',
  source: 's1',
  outcome: valid ? 'accepted' : 'duplicate',
  valid,
  duplicate: !valid,
  gtin: null,
  message: valid ? null : 'Duplicate code',
  reasonCode: valid ? null : 'DUPLICATE',
  reasonParams: valid ? null : {},
  bottleId: null,
  timestamp: null,
});
const decided = (valid: boolean): ScanReply => ({ type: 'scan.reply', requestId: null, decisions: [decision(valid)] });

describe('scanner machine', () => {
  let rig: ScannerRig;
  afterEach(() => {
    expect(rig.errors).to.deep.equal([]);
    rig.stop();
  });

  /** Brings the rig to active.connected. */
  function connect(r: ScannerRig, peer = '10.0.0.5:4000') {
    r.transport.latest().emit({ type: 'transport.connected', peer });
    expect(r.snapshot().value).to.deep.equal({ active: 'connected' });
  }

  describe('connection', () => {
    it('invokes its transport with the configured input, and is connected on transport.connected', () => {
      rig = startScannerRig();
      expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
      expect(rig.transport.connections).to.have.length(1);
      expect(rig.transport.latest().input).to.deep.equal({ kind: 'fake', port: 1234 });

      connect(rig);
      expect(rig.snapshot().context).to.deep.include({ peer: '10.0.0.5:4000', attempt: 0, lastError: null });
      expect(rig.emitted).to.deep.equal([{ type: 'scanner.state', scannerId: 's1', state: 'connected', reason: null }]);
    });

    it('remembers the port a listening transport bound', () => {
      rig = startScannerRig();
      rig.transport.latest().emit({ type: 'transport.listening', port: 40123 });
      expect(rig.snapshot().context.listeningPort).to.equal(40123);
      expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
    });

    it('reports a connection its listening transport refused (scanner.refused), connected or not, and stays as it was', () => {
      rig = startScannerRig();
      rig.transport.latest().emit({ type: 'transport.refused', peer: '203.0.113.9:5555', reason: '203.0.113.9 is not in allowFrom' });
      expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.refused', peer: '10.0.0.6:4001', reason: 'a reader is connected from 10.0.0.5:4000' });
      expect(rig.snapshot().value).to.deep.equal({ active: 'connected' });
      expect(rig.snapshot().context.peer).to.equal('10.0.0.5:4000');
      expect(rig.emitted.filter((e) => e.type === 'scanner.refused')).to.deep.equal([
        { type: 'scanner.refused', scannerId: 's1', peer: '203.0.113.9:5555', reason: '203.0.113.9 is not in allowFrom' },
        { type: 'scanner.refused', scannerId: 's1', peer: '10.0.0.6:4001', reason: 'a reader is connected from 10.0.0.5:4000' },
      ]);
    });

    it('backs off after transport.failed, then invokes a new transport after the delay', async () => {
      rig = startScannerRig({ backoff: { baseMs: 10, maxMs: 40 } });
      const first = rig.transport.latest();
      first.emit({ type: 'transport.failed', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:23' });
      expect(rig.snapshot().value).to.equal('backoff');
      expect(first.stopped, 'the failed transport is torn down').to.equal(true);
      expect(rig.snapshot().context.lastError).to.match(/^ECONNREFUSED/);
      expect(rig.emitted.at(-1)).to.deep.equal({ type: 'scanner.state', scannerId: 's1', state: 'backoff', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:23' });

      await waitFor(() => rig.transport.connections.length === 2, 2000, 'a second transport');
      expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
      expect(rig.snapshot().context.attempt).to.equal(1);
      expect(rig.transport.latest().stopped).to.equal(false);
    });

    it('waits longer after each failed attempt, within the cap, and starts over once connected', () => {
      const clock = new SimulatedClock();
      rig = startScannerRig({ backoff: { baseMs: 100, maxMs: 400 } }, { clock });
      // Jitter 0.5: the delay for attempt n is in [ceiling/2, ceiling], ceiling = min(max, base·2^n).
      const ceilings = [100, 200, 400, 400];
      ceilings.forEach((ceiling, attempt) => {
        expect(rig.snapshot().context.attempt).to.equal(attempt);
        rig.transport.latest().emit({ type: 'transport.failed', reason: `refused #${attempt}` });
        expect(rig.snapshot().value).to.equal('backoff');
        const invoked = rig.transport.connections.length;
        clock.increment(ceiling / 2 - 1);
        expect(rig.transport.connections, `no retry before ${ceiling / 2} ms`).to.have.length(invoked);
        clock.increment(ceiling / 2 + 1);
        expect(rig.transport.connections, `a retry by ${ceiling} ms`).to.have.length(invoked + 1);
        expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
      });
      expect(rig.snapshot().context.attempt).to.equal(4);
      connect(rig);
      expect(rig.snapshot().context.attempt).to.equal(0);
      expect(rig.snapshot().context.lastError).to.equal(null);
    });

    it('goes back to connecting on transport.peerLost, keeping the same transport (it still listens)', () => {
      rig = startScannerRig();
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.peerLost', reason: 'scanner closed the connection' });
      expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
      expect(rig.snapshot().context).to.deep.include({ peer: null, lastError: 'scanner closed the connection' });
      expect(rig.transport.connections).to.have.length(1);
      expect(rig.transport.latest().stopped).to.equal(false);
      connect(rig, '10.0.0.6:4001');
      expect(rig.snapshot().context.peer).to.equal('10.0.0.6:4001');
    });

    it('re-creates its transport on TEST, from connected and from backoff', () => {
      const clock = new SimulatedClock();
      rig = startScannerRig({}, { clock });
      connect(rig);
      rig.scanner.send({ type: 'TEST' });
      expect(rig.transport.connections).to.have.length(2);
      expect(rig.transport.connections[0]!.stopped).to.equal(true);
      expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });

      rig.transport.latest().emit({ type: 'transport.failed', reason: 'down' });
      rig.transport.latest().emit({ type: 'transport.failed', reason: 'ignored: already stopped' });
      expect(rig.snapshot().value).to.equal('backoff');
      rig.scanner.send({ type: 'TEST' });
      expect(rig.transport.connections, 'no waiting for the backoff').to.have.length(3);
      expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
      expect(rig.snapshot().context.attempt).to.equal(0);
    });

    it('disconnects on STOP (from connected and from backoff) and stays so until START', () => {
      const clock = new SimulatedClock();
      rig = startScannerRig({}, { clock });
      connect(rig);
      rig.scanner.send({ type: 'STOP' });
      expect(rig.snapshot().value).to.equal('disconnected');
      expect(rig.transport.latest().stopped).to.equal(true);
      expect(rig.emitted.at(-1)).to.deep.equal({ type: 'scanner.state', scannerId: 's1', state: 'disconnected', reason: 'stopped' });
      clock.increment(60_000);
      expect(rig.transport.connections).to.have.length(1);

      rig.scanner.send({ type: 'START' });
      expect(rig.snapshot().value).to.deep.equal({ active: 'connecting' });
      expect(rig.transport.connections).to.have.length(2);

      rig.transport.latest().emit({ type: 'transport.failed', reason: 'down' });
      rig.scanner.send({ type: 'STOP' });
      expect(rig.snapshot().value).to.equal('disconnected');
      clock.increment(60_000);
      expect(rig.transport.connections, 'a stopped scanner does not retry').to.have.length(2);
    });
  });

  describe('frames', () => {
    it('forwards a code to the scan line by systemId, and counts it', () => {
      rig = startScannerRig();
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'code', text: '0104600000000017215ABCDE\u001d93ABCD' } });
      expect(rig.lineEvents).to.deep.equal([{ type: 'SCAN', code: '0104600000000017215ABCDE\u001d93ABCD', source: 's1' }]);
      expect(rig.snapshot().context).to.deep.include({ frames: 1, codes: 1, noReads: 0, garbage: 0 });
    });

    it('finds the line under another systemId when told to', () => {
      rig = startScannerRig({ lineSystemId: 'line.B' });
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'code', text: 'abc' } });
      expect(rig.lineEvents.map((e) => e.type)).to.deep.equal(['SCAN']);
    });

    it('turns a no-read into NOREAD for the line and an emitted scanner.noread', () => {
      rig = startScannerRig();
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'noread', text: 'NoRead' } });
      expect(rig.lineEvents).to.deep.equal([{ type: 'NOREAD', text: 'NoRead', source: 's1' }]);
      expect(rig.emitted.at(-1)).to.deep.equal({ type: 'scanner.noread', scannerId: 's1', text: 'NoRead' });
      expect(rig.snapshot().context).to.deep.include({ frames: 1, codes: 0, noReads: 1 });
    });

    it('counts and reports garbage without forwarding it', () => {
      rig = startScannerRig();
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'garbage', bytes: 17, reason: 'control characters in frame' } });
      expect(rig.lineEvents).to.deep.equal([]);
      expect(rig.emitted.at(-1)).to.deep.equal({ type: 'scanner.garbage', scannerId: 's1', bytes: 17, reason: 'control characters in frame' });
      expect(rig.snapshot().context).to.deep.include({ frames: 1, codes: 0, noReads: 0, garbage: 1 });
    });
  });

  describe('replies', () => {
    it('asks for the decision and writes accept / reject lines through the transport', () => {
      rig = startScannerRig({ reply: { accept: 'OK', reject: 'NG' } });
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'code', text: 'code-1' } });
      const scan = rig.lineEvents[0] as { type: 'SCAN'; replyTo?: unknown };
      expect(scan.replyTo, 'the scanner asks for the decision').to.equal(rig.scanner);

      rig.scanner.send(decided(true));
      rig.scanner.send(decided(false));
      expect(rig.transport.latest().commands).to.deep.equal([
        { type: 'transport.write', data: 'OK\r\n' },
        { type: 'transport.write', data: 'NG\r\n' },
      ]);
    });

    it('asks for the decision on a no-read too, so every frame gets its line', () => {
      rig = startScannerRig({ reply: { accept: 'OK', reject: 'NG' } });
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'noread', text: 'NoRead' } });
      expect(rig.lineEvents[0]).to.deep.include({ type: 'NOREAD', replyTo: rig.scanner });
      rig.scanner.send({ type: 'scan.reply', requestId: null, decisions: [{ ...decision(false), outcome: 'noread', duplicate: false, message: 'No read' }] });
      expect(rig.transport.latest().commands).to.deep.equal([{ type: 'transport.write', data: 'NG\r\n' }]);
    });

    it('writes nothing and asks for nothing without reply configured', () => {
      rig = startScannerRig();
      connect(rig);
      rig.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'code', text: 'code-1' } });
      rig.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'noread', text: 'NoRead' } });
      expect(rig.lineEvents[0]).to.not.have.property('replyTo');
      expect(rig.lineEvents[1]).to.not.have.property('replyTo');
      rig.scanner.send(decided(true));
      expect(rig.transport.latest().commands).to.deep.equal([]);
    });
  });
});
