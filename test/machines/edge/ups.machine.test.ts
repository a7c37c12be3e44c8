import { expect } from 'chai';
import { createActor, SimulatedClock } from 'xstate';
import { criticalReason, upsPolicyMachine } from '../../../machines/edge/ups-policy.machine.js';
import { upsConnectionState } from '../../../machines/edge/ups.machine.js';
import { reading, startPolicyRig, startUpsRig } from './ups-rig.js';

describe('UPS machine', () => {
  it('waits longer after each failure, within the cap, and starts over once connected', () => {
    const clock = new SimulatedClock();
    const rig = startUpsRig({ clock, backoff: { baseMs: 100, maxMs: 400 } });
    try {
      [100, 200, 400, 400].forEach((ceiling, attempt) => {
        expect(rig.snapshot().context.attempt).to.equal(attempt);
        rig.latest().emit({ type: 'ups.failed', reason: `refused #${attempt}` });
        const made = rig.connections.length;
        clock.increment(ceiling / 2 - 1);
        expect(rig.connections, `no retry before ${ceiling / 2} ms`).to.have.length(made);
        clock.increment(ceiling / 2 + 1);
        expect(rig.connections, `a retry by ${ceiling} ms`).to.have.length(made + 1);
      });
      expect(rig.snapshot().context.failures).to.equal(4);
      rig.latest().emit({ type: 'ups.connected', peer: '127.0.0.1:3493' });
      expect(rig.snapshot().context).to.deep.include({ attempt: 0, lastError: null, peer: '127.0.0.1:3493' });
      expect(rig.errors).to.deep.equal([]);
    } finally {
      rig.stop();
    }
  });

  it('counts readings and keeps the last one across a lost connection (a lost link is not a power failure)', () => {
    const clock = new SimulatedClock();
    const rig = startUpsRig({ clock });
    try {
      rig.latest().emit({ type: 'ups.connected', peer: 'p' });
      const sample = reading('OB DISCHRG', 70, 1);
      rig.latest().emit({ type: 'ups.reading', reading: sample });
      rig.latest().emit({ type: 'ups.failed', reason: 'closed' });
      expect(rig.snapshot().context).to.deep.include({ readings: 1, failures: 1, reading: sample, lastError: 'closed' });
      expect(rig.policyEvents).to.have.length(1);
      expect(upsConnectionState(rig.snapshot().value)).to.equal('backoff');
    } finally {
      rig.stop();
    }
  });
});

describe('UPS policy machine', () => {
  it('names why the UPS is critical', () => {
    expect(criticalReason(reading('OL', 100, 0), 20)).to.equal(null);
    expect(criticalReason(reading('OL LB', 5, 0), 20), 'charging a low battery on mains is fine').to.equal(null);
    expect(criticalReason(reading('OB', 21, 0), 20)).to.equal(null);
    expect(criticalReason(reading('OB', 20, 0), 20)).to.equal('UPS battery at 20% (threshold 20%)');
    expect(criticalReason(reading('OB LB', null, 0), 20)).to.equal('UPS low battery');
    expect(criticalReason(reading('FSD OL', 90, 0), 20)).to.equal('UPS forced shutdown (FSD)');
    expect(criticalReason(reading('OB', null, 0), 20), 'no charge reported: rely on LB').to.equal(null);
  });

  it('pauses with "on battery", flushes, and records the sync queue\'s answer', () => {
    const rig = startPolicyRig();
    try {
      rig.send({ type: 'UPS.READING', reading: reading('OB DISCHRG', 64, 1000) });
      expect(rig.line).to.deep.equal([{ type: 'PAUSE', reason: 'on battery' }]);
      expect(rig.sync.map((e) => e.type)).to.deep.equal(['SYNC_NOW']);
      expect(rig.snapshot().context.lastFlush).to.deep.equal({ state: 'sending', targetReady: true, reason: null });
      expect(rig.emitted).to.deep.equal([{ type: 'ups.policy', state: 'onBattery', reason: 'on battery (64%)', onBattery: true }]);
    } finally {
      rig.stop();
    }
  });

  it('a flickering return: on battery again during the hold-off cancels the resume, and the hold-off starts over', () => {
    const rig = startPolicyRig({ resumeHoldOffMs: 5000 });
    try {
      rig.send({ type: 'UPS.READING', reading: reading('OB', 90, 1000) });
      rig.send({ type: 'UPS.READING', reading: reading('OL', 90, 2000) });
      expect(rig.snapshot().context.resumeAt).to.equal(7000);
      rig.send({ type: 'UPS.READING', reading: reading('OB', 89, 3000) });
      rig.send({ type: 'CHECK', now: 7000 });
      expect(rig.snapshot().value).to.equal('onBattery');
      rig.send({ type: 'UPS.READING', reading: reading('OL', 89, 4000) });
      rig.send({ type: 'CHECK', now: 7000 });
      expect(rig.snapshot().value, 'the first deadline no longer counts').to.equal('holdOff');
      rig.send({ type: 'CHECK', now: 9000 });
      expect(rig.snapshot().value).to.equal('online');
      expect(rig.line.map((e) => e.type)).to.deep.equal(['PAUSE', 'PAUSE', 'RESUME']);
    } finally {
      rig.stop();
    }
  });

  it('works without a scan line or sync queue in the system (nothing to pause, no crash)', () => {
    const errors: unknown[] = [];
    const actor = createActor(upsPolicyMachine, { input: { lowBatteryPercent: 20, resumeHoldOffMs: 0 } });
    actor.subscribe({ error: (e) => errors.push(e) });
    const shutdowns: unknown[] = [];
    actor.on('ups.shutdownRequested', (e) => shutdowns.push(e));
    actor.start();
    actor.send({ type: 'UPS.READING', reading: reading('OB LB', 3, 1) });
    expect(actor.getSnapshot().value).to.equal('critical');
    expect(shutdowns).to.deep.equal([{ type: 'ups.shutdownRequested', reason: 'UPS low battery' }]);
    expect(errors).to.deep.equal([]);
    actor.stop();
  });
});
