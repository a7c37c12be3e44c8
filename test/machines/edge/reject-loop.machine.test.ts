import { expect } from 'chai';
import { startRejectLoopRig } from '../../support/reject-loop-rig.js';

/** Behaviours of the reject loop one at a time (the model-based test walks their combinations). */
describe('reject loop machine', () => {
  let rig: ReturnType<typeof startRejectLoopRig>;
  afterEach(() => {
    expect(rig.errors).to.deep.equal([]);
    rig.stop();
  });

  it('ejects invalid, duplicate, refused, no-read and error units and lets accepted ones pass', () => {
    rig = startRejectLoopRig();
    for (const [i, outcome] of ['accepted', 'invalid', 'duplicate', 'refused', 'noread', 'error', 'accepted'].entries()) rig.unit(`c${i}`, outcome, 1000 + i);
    expect(rig.ejects.map((e) => e.code)).to.deep.equal(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(rig.ejects[0]).to.deep.equal({ type: 'EJECT', code: 'c1', pulseMs: 50 });
    expect(rig.snapshot().context.counters).to.include({ units: 7, good: 2, ejects: 5 });
    // A no-read opens no window: the feedback reader could not name it either.
    expect(rig.snapshot().context.windows.map((w) => w.code)).to.deep.equal(['c1', 'c2', 'c3', 'c5']);
  });

  it('acts only on units from the line reader: ADD role, or no roles configured, never bottles posted over HTTP', () => {
    rig = startRejectLoopRig();
    rig.unit('a', 'invalid', 1, { role: 'ADD' });
    rig.unit('b', 'invalid', 2, { role: 'REMOVE' });
    rig.unit('c', 'invalid', 3, { role: 'REJECTION_FEEDBACK' });
    rig.unit('d', 'invalid', 4, { role: null });
    rig.unit('e', 'invalid', 5, { source: 'api' });
    expect(rig.ejects.map((e) => e.code)).to.deep.equal(['a', 'd']);
    expect(rig.snapshot().context.counters.units).to.equal(2);
  });

  it('closes a window on confirmation and counts a confirmation nobody waited for as unexpected', () => {
    rig = startRejectLoopRig();
    rig.unit('x', 'invalid', 100);
    rig.loop.send({ type: 'CONFIRMED', code: 'x', at: 200 });
    rig.loop.send({ type: 'CONFIRMED', code: 'y', at: 210 });
    expect(rig.snapshot().context.windows).to.deep.equal([]);
    expect(rig.snapshot().context.counters).to.include({ confirmed: 1, unexpected: 1, missed: 0 });
    expect(rig.liveTimers()).to.deep.equal([]);
  });

  it('two ejects of the same code need two confirmations (a duplicate and its twin)', () => {
    rig = startRejectLoopRig();
    rig.unit('x', 'duplicate', 100);
    rig.unit('x', 'duplicate', 150);
    rig.loop.send({ type: 'CONFIRMED', code: 'x', at: 200 });
    expect(rig.snapshot().context.windows).to.deep.equal([{ code: 'x', openedAt: 150, deadline: 1150, why: 'duplicate' }]);
  });

  it('arms the timer for the earliest deadline and raises one alarm per expired window, then pauses the line', () => {
    rig = startRejectLoopRig();
    rig.unit('a', 'invalid', 100);
    rig.unit('b', 'invalid', 400);
    expect(rig.liveTimers().map((t) => t.at)).to.deep.equal([1100]);
    rig.liveTimers()[0]!.fire(1100);
    expect(rig.alarms()).to.deep.equal([
      {
        type: 'line.alarm',
        code: 'REJECT_NOT_CONFIRMED',
        message: 'rejected unit a was not confirmed by the feedback reader within 1000 ms',
        at: new Date(1100).toISOString(),
        source: 'rejectLoop',
        unitCode: 'a',
      },
    ]);
    expect(rig.lineEvents).to.deep.equal([{ type: 'PAUSE', reason: 'reject not confirmed: a' }]);
    // Re-armed for the one left.
    expect(rig.liveTimers().map((t) => t.at)).to.deep.equal([1400]);
    rig.loop.send({ type: 'CONFIRMED', code: 'b', at: 1300 });
    expect(rig.liveTimers()).to.deep.equal([]);
    expect(rig.snapshot().context.counters).to.include({ missed: 1, confirmed: 1 });
  });

  it('a timer that fires early re-arms without an alarm', () => {
    rig = startRejectLoopRig();
    rig.unit('a', 'invalid', 100);
    rig.liveTimers()[0]!.fire(900);
    expect(rig.alarms()).to.deep.equal([]);
    expect(rig.liveTimers().map((t) => t.at)).to.deep.equal([1100]);
  });

  it('alarms without pausing when stopLineOnMissedReject is off', () => {
    rig = startRejectLoopRig({ stopLineOnMissedReject: false });
    rig.unit('a', 'invalid', 100);
    rig.liveTimers()[0]!.fire(5000);
    expect(rig.alarms()).to.have.length(1);
    expect(rig.lineEvents).to.deep.equal([]);
  });

  it('opens no windows when the line has no feedback reader', () => {
    rig = startRejectLoopRig({ feedbackWindowMs: null });
    rig.unit('a', 'invalid', 100);
    expect(rig.ejects).to.have.length(1);
    expect(rig.snapshot().context.windows).to.deep.equal([]);
    expect(rig.liveTimers()).to.deep.equal([]);
  });

  it('a unit the line refused for the safe state counts as rejected by it; a confirmation says why each unit was ejected', () => {
    rig = startRejectLoopRig();
    rig.unit('safe', 'refused', 20, { reasonCode: 'REJECTED_BY_SAFE_STATE' });
    rig.unit('bad', 'invalid', 30);
    expect(rig.snapshot().context.counters).to.include({ rejectedBySafeState: 1, ejects: 2 });
    rig.loop.send({ type: 'CONFIRMED', code: 'bad', at: 40 });
    rig.loop.send({ type: 'CONFIRMED', code: 'safe', at: 50 });
    expect(rig.emitted.filter((e) => e.type === 'rejectLoop.confirmed').map((e) => [e.unitCode, e.why])).to.deep.equal([
      ['bad', 'invalid'],
      ['safe', 'reject_all'],
    ]);
  });

  it('while a reject_all outage is in force, every unit is ejected; after it is over only rejects', () => {
    rig = startRejectLoopRig();
    rig.plcSays({ type: 'PLC.LINK', connected: false, rejectAll: true, at: 10 });
    rig.unit('good', 'accepted', 20);
    rig.unit('bad', 'invalid', 30);
    expect(rig.ejects.map((e) => e.code)).to.deep.equal(['good', 'bad']);
    expect(rig.emitted.filter((e) => e.type === 'rejectLoop.eject').map((e) => e.outcome)).to.deep.equal(['reject_all', 'invalid']);
    expect(rig.snapshot().context.counters).to.include({ rejectedBySafeState: 1, ejects: 2, good: 0 });
    rig.plcSays({ type: 'PLC.LINK', connected: true, rejectAll: false, at: 40 });
    rig.unit('good2', 'accepted', 50);
    expect(rig.ejects).to.have.length(2);
  });

  it('another PLC in a reject_all outage makes every unit a reject while the eject PLC is still up', () => {
    rig = startRejectLoopRig();
    rig.plcSays({ type: 'PLC.LINK', connected: true, rejectAll: true, at: 10 });
    rig.unit('good', 'accepted', 20);
    expect(rig.ejects.map((e) => e.code)).to.deep.equal(['good']);
    expect(rig.snapshot().value).to.deep.include({ link: 'connected' });
  });

  it('with safe state stop, a PLC outage does not turn good units into rejects', () => {
    rig = startRejectLoopRig();
    rig.plcSays({ type: 'PLC.LINK', connected: false, rejectAll: false, at: 10 });
    rig.unit('good', 'accepted', 20);
    expect(rig.ejects).to.deep.equal([]);
    expect(rig.snapshot().value).to.deep.include({ link: 'disconnected' });
  });

  it('starts disconnected (and rejecting all) when the PLC was down at start', () => {
    rig = startRejectLoopRig({ plcConnected: false, rejectAll: true });
    expect(rig.snapshot().value).to.deep.equal({ link: 'disconnected', windows: 'idle' });
    rig.unit('good', 'accepted', 20);
    expect(rig.ejects).to.have.length(1);
  });

  it('a failed eject alarms again once the link was lost and is back', () => {
    rig = startRejectLoopRig({ stopLineOnMissedReject: false });
    rig.plcSays({ type: 'EJECT.FAILED', code: 'a', error: 'x', at: 1 });
    rig.plcSays({ type: 'PLC.LINK', connected: false, rejectAll: false, at: 2 });
    rig.plcSays({ type: 'EJECT.FAILED', code: 'b', error: 'x', at: 3 });
    rig.plcSays({ type: 'PLC.LINK', connected: true, rejectAll: false, at: 4 });
    rig.plcSays({ type: 'EJECT.FAILED', code: 'c', error: 'x', at: 5 });
    expect(rig.alarms().map((a) => a.unitCode)).to.deep.equal(['a', 'c']);
    expect(rig.lineEvents).to.deep.equal([]);
  });

  it('a failed eject raises one alarm per failing spell and pauses the line each time when configured', () => {
    rig = startRejectLoopRig();
    rig.unit('a', 'invalid', 100);
    rig.unit('b', 'invalid', 110);
    rig.plcSays({ type: 'EJECT.FAILED', code: 'a', error: 'not connected', at: 101 });
    rig.plcSays({ type: 'EJECT.FAILED', code: 'b', error: 'not connected', at: 111 });
    expect(rig.alarms().map((a) => [a.code, a.unitCode])).to.deep.equal([['EJECT_FAILED', 'a']]);
    expect(rig.lineEvents.map((e) => e.type === 'PAUSE' && e.reason)).to.deep.equal(['eject failed: a', 'eject failed: b']);
    rig.plcSays({ type: 'EJECT.DONE', code: 'c' });
    rig.plcSays({ type: 'EJECT.FAILED', code: 'd', error: 'timeout', at: 200 });
    expect(rig.alarms().map((a) => a.unitCode)).to.deep.equal(['a', 'd']);
    expect(rig.snapshot().context.counters).to.include({ ejected: 1, ejectFailures: 3 });
    // The windows stay open: a PLC's own fail-safe may still have ejected them.
    expect(rig.snapshot().context.windows.map((w) => w.code)).to.deep.equal(['a', 'b']);
  });
});
