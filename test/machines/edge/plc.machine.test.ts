import { expect } from 'chai';
import { SimulatedClock } from 'xstate';
import { plcHealth } from '../../../machines/edge/plc.machine.js';
import { startPlcRig } from '../../support/plc-fixtures.js';

describe('plc machine', () => {
  it('forwards reads to the link while connected and hands the value back to the requester', () => {
    const rig = startPlcRig();
    try {
      rig.link.latest().emit({ type: 'plc.connected' });
      const reply = rig.request({ type: 'READ', address: 'hr:1' });
      expect(rig.link.latest().commands[0]).to.deep.include({ type: 'plc.request', request: { op: 'read', address: 'hr:1' } });
      rig.link.latest().answer({ ok: true, value: 42 });
      expect(reply()).to.deep.include({ ok: true, value: 42 });
      const health = plcHealth(rig.snapshot());
      expect(health).to.deep.include({ plcId: 'p1', state: 'connected', connected: true, reads: 1, writes: 0, failures: 0, latencyMs: 1, lastError: null });
    } finally {
      rig.stop();
    }
  });

  it('counts a failed request and shows its error in the health snapshot, without dropping the link', () => {
    const rig = startPlcRig();
    try {
      rig.link.latest().emit({ type: 'plc.connected' });
      const reply = rig.request({ type: 'WRITE', address: 'coil:1', value: true });
      rig.link.latest().answer({ ok: false, code: 'TIMEOUT', error: 'no answer within 100 ms' });
      expect(reply()).to.deep.include({ ok: false, code: 'TIMEOUT' });
      expect(plcHealth(rig.snapshot())).to.deep.include({ state: 'connected', writes: 1, failures: 1, lastError: 'no answer within 100 ms' });
    } finally {
      rig.stop();
    }
  });

  it('forwards BROWSE and refuses every request at once while not connected', () => {
    const rig = startPlcRig();
    try {
      expect(rig.request({ type: 'BROWSE' })()).to.deep.include({ ok: false, code: 'NOT_CONNECTED' });
      rig.link.latest().emit({ type: 'plc.connected' });
      rig.request({ type: 'BROWSE' });
      expect(rig.link.latest().commands.at(-1)?.request).to.deep.equal({ op: 'browse' });
    } finally {
      rig.stop();
    }
  });

  it('safe state stop: a lost link pauses the scan line once, with the reason, and does not resume it on reconnect', () => {
    const clock = new SimulatedClock();
    const rig = startPlcRig({ safeState: 'stop' }, { clock });
    try {
      rig.link.latest().emit({ type: 'plc.connected' });
      rig.link.latest().emit({ type: 'plc.lost', reason: 'connection closed by the peer' });
      expect(rig.emitted).to.deep.include({ type: 'plc.disconnected', plcId: 'p1', reason: 'connection closed by the peer', safeState: 'stop' });
      expect(rig.lineEvents).to.deep.equal([{ type: 'PAUSE', reason: 'PLC p1 disconnected: connection closed by the peer' }]);
      // Retries that fail stay in the same outage.
      clock.increment(100);
      rig.link.latest().emit({ type: 'plc.failed', reason: 'ECONNREFUSED' });
      clock.increment(100);
      expect(rig.lineEvents).to.have.length(1);
      rig.link.latest().emit({ type: 'plc.connected' });
      expect(rig.lineEvents.map((e) => e.type)).to.deep.equal(['PAUSE']);
      expect(rig.snapshot().context.outage).to.equal(false);
    } finally {
      rig.stop();
    }
  });

  it('safe state reject_all: a lost link is announced, the line keeps running, the outage is flagged until reconnect', () => {
    const clock = new SimulatedClock();
    const rig = startPlcRig({ safeState: 'reject_all' }, { clock });
    try {
      rig.link.latest().emit({ type: 'plc.failed', reason: 'ECONNREFUSED' });
      expect(rig.emitted).to.deep.include({ type: 'plc.disconnected', plcId: 'p1', reason: 'ECONNREFUSED', safeState: 'reject_all' });
      expect(rig.lineEvents).to.deep.equal([]);
      expect(plcHealth(rig.snapshot())).to.deep.include({ state: 'backoff', outage: true, lastError: 'ECONNREFUSED' });
      clock.increment(100);
      rig.link.latest().emit({ type: 'plc.connected' });
      expect(plcHealth(rig.snapshot())).to.deep.include({ state: 'connected', outage: false, attempt: 0 });
    } finally {
      rig.stop();
    }
  });

  it('backs off longer after each failed attempt, up to the cap', () => {
    const clock = new SimulatedClock();
    const rig = startPlcRig({ backoff: { baseMs: 100, maxMs: 400 } }, { clock });
    try {
      for (let attempt = 0; attempt < 4; attempt++) {
        rig.link.latest().emit({ type: 'plc.failed', reason: 'ECONNREFUSED' });
        const links = rig.link.links.length;
        clock.increment(Math.min(400, 100 * 2 ** attempt));
        expect(rig.link.links, `attempt ${attempt}`).to.have.length(links + 1);
      }
      expect(rig.snapshot().context.attempt).to.equal(4);
      expect(rig.errors).to.deep.equal([]);
    } finally {
      rig.stop();
    }
  });
});
