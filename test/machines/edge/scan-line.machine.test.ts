import { expect } from 'chai';
import { createActor } from 'xstate';
import { type LineSettings, type ScanReply, type ScanDecision, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import { checkCode, GS } from '../../../src/domain/codes/index.js';
import { createFakeCommitter, invalidCode, startRecorder, validCode } from '../../support/scan-fixtures.js';

const SETTINGS: LineSettings = { industry: 'milk', productionLineId: 'line-7', productId: 'prod-1', party: 'P-1', deviceId: 'edge-9' };

function startLine(settings: Partial<LineSettings> = {}) {
  const committer = createFakeCommitter();
  const actor = createActor(scanLineMachine.provide({ actors: { committer: committer.logic } }), { input: { settings: { ...SETTINGS, ...settings } } });
  const emitted: Array<{ type: string; decision?: ScanDecision; state?: string; reason?: string | null }> = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  const replies = startRecorder<ScanReply>();
  const decisions = () => emitted.filter((e) => e.type === 'scan.decided').map((e) => e.decision!);
  const lineStates = () => emitted.filter((e) => e.type === 'line.state').map((e) => e.state);
  return { actor, committer, emitted, errors, replies, decisions, lineStates, snapshot: () => actor.getSnapshot() };
}

type Line = ReturnType<typeof startLine>;

describe('scan line machine', () => {
  let line: Line;
  afterEach(() => {
    expect(line.errors).to.deep.equal([]);
    line.actor.stop();
    line.replies.stop();
  });

  it('hands a valid code to the committer as a candidate keyed by its identification code', () => {
    line = startLine();
    const code = validCode(1);
    const check = checkCode(code, 'milk');
    if (!check.valid) throw new Error('fixture code must be valid');
    // A reader that adds the symbology identifier and renders GS as text still yields the same code.
    line.actor.send({ type: 'SCAN', code: `]d2${code.replace(GS, '<GS>')}`, source: 'cam-1', receivedAt: '2030-01-02T03:04:05.000Z' });

    expect(line.committer.jobs).to.have.length(1);
    const [item] = line.committer.jobs[0]!.items;
    expect(item).to.deep.include({ code, source: 'cam-1', receivedAt: '2030-01-02T03:04:05.000Z', outcome: 'candidate', reason: null, gtin: check.code.gtin });
    expect(item!.bottle).to.deep.equal({
      identifier: code,
      identificationCode: check.code.identificationCode,
      gtin: check.code.gtin,
      serial: check.code.serial,
      productionLineId: 'line-7',
      productId: 'prod-1',
      party: 'P-1',
      deviceId: 'edge-9',
      isPreprint: false,
    });
    expect(line.snapshot().context.inFlight).to.equal(1);
  });

  it('records an invalid code as an invalid item with the domain reason, and never as a candidate', () => {
    line = startLine();
    const code = invalidCode(2);
    line.actor.send({ type: 'SCAN', code, source: 'cam-1', replyTo: line.replies.ref });

    const [item] = line.committer.jobs[0]!.items;
    expect(item).to.deep.include({ outcome: 'invalid', reason: 'GTIN check digit mismatch', bottle: null });
    expect(item!.gtin).to.equal(code.slice(2, 16)); // the GTIN read from the code, wrong digit and all
    line.committer.done(line.committer.jobs[0]!);
    const decision = line.replies.events[0]!.decisions[0]!;
    expect(decision).to.deep.include({ outcome: 'invalid', valid: false, duplicate: false, message: 'GTIN check digit mismatch', bottleId: null });
  });

  it('releases a decision only after its commit: a reply to replyTo and an emitted event', () => {
    line = startLine();
    const code = validCode(3);
    line.actor.send({ type: 'SCAN', code, source: 'cam-1', replyTo: line.replies.ref, requestId: 'r-1' });

    expect(line.replies.events, 'nothing is answered before the commit').to.deep.equal([]);
    expect(line.decisions()).to.deep.equal([]);
    expect(line.snapshot().context.counters.accepted).to.equal(0);

    const job = line.committer.jobs[0]!;
    line.committer.done(job, [{ outcome: 'accepted', bottleId: 'B1' }]);

    expect(line.replies.events).to.have.length(1);
    const reply = line.replies.events[0]!;
    expect(reply.type).to.equal('scan.reply');
    expect(reply.requestId).to.equal('r-1');
    expect(reply.decisions).to.have.length(1);
    expect(reply.decisions[0]).to.deep.include({ code, source: 'cam-1', outcome: 'accepted', valid: true, duplicate: false, message: null, bottleId: 'B1', gtin: code.slice(2, 16) });
    expect(reply.decisions[0]!.timestamp).to.be.a('string');
    expect(line.decisions()).to.deep.equal(reply.decisions);
    expect(line.snapshot().context.inFlight).to.equal(0);
  });

  it('answers a duplicate with the bottle that already holds the code', () => {
    line = startLine();
    line.actor.send({ type: 'SCAN', code: validCode(4), source: 'cam-1', replyTo: line.replies.ref });
    line.committer.done(line.committer.jobs[0]!, [{ outcome: 'duplicate', bottleId: 'EXISTING' }]);
    expect(line.replies.events[0]!.decisions[0]).to.deep.include({ outcome: 'duplicate', valid: false, duplicate: true, message: 'Duplicate code', bottleId: 'EXISTING' });
    expect(line.snapshot().context.counters).to.deep.include({ scans: 1, duplicates: 1, accepted: 0 });
  });

  it('turns a failed commit into an error decision ("Storage unavailable") for every item of the group', () => {
    line = startLine();
    line.actor.send({ type: 'SCAN', code: validCode(5), source: 'cam-1', replyTo: line.replies.ref, requestId: 'a' });
    line.actor.send({ type: 'SCAN', code: validCode(6), source: 'cam-1', replyTo: line.replies.ref, requestId: 'b' });
    expect(line.snapshot().context.inFlight).to.equal(2);
    line.committer.fail(line.committer.jobs, 'SQLITE_FULL: database or disk is full');

    expect(line.replies.events.map((r) => r.requestId)).to.deep.equal(['a', 'b']);
    for (const reply of line.replies.events) {
      const decision = reply.decisions[0]!;
      expect(decision).to.deep.include({ outcome: 'error', valid: false, bottleId: null });
      expect(decision.message).to.match(/^Storage unavailable/).and.to.include('SQLITE_FULL');
    }
    expect(line.snapshot().context.counters).to.deep.include({ scans: 2, errors: 2, accepted: 0 });
    expect(line.snapshot().context.inFlight).to.equal(0);
    expect(line.snapshot().value).to.equal('running');
  });

  it('counts every outcome once its commit is released', () => {
    line = startLine();
    line.actor.send({ type: 'SCAN', code: validCode(7), source: 'cam-1' });
    line.actor.send({ type: 'SCAN', code: validCode(8), source: 'cam-1' });
    line.actor.send({ type: 'SCAN', code: invalidCode(9), source: 'cam-1' });
    line.actor.send({ type: 'NOREAD', text: 'NoRead', source: 'cam-1' });
    expect(line.snapshot().context.counters).to.deep.equal({ scans: 0, accepted: 0, duplicates: 0, invalid: 0, noReads: 0, refused: 0, errors: 0 });
    expect(line.snapshot().context.inFlight).to.equal(4);

    const [a, b, c, d] = line.committer.jobs;
    line.committer.done(a!);
    line.committer.done(b!, [{ outcome: 'duplicate', bottleId: 'bottle-1-0' }]);
    line.committer.done(c!);
    line.committer.done(d!);
    expect(line.snapshot().context.counters).to.deep.equal({ scans: 3, accepted: 1, duplicates: 1, invalid: 1, noReads: 1, refused: 0, errors: 0 });
    expect(line.snapshot().context.inFlight).to.equal(0);
    expect(line.snapshot().context.lastScanAt).to.be.a('string');
  });

  it('records a no-read as a noread scan (never a bottle) and counts it apart from scans', () => {
    line = startLine();
    line.actor.send({ type: 'NOREAD', text: 'NoRead', source: 'cam-2', receivedAt: '2030-01-01T00:00:00.000Z' });
    const [item] = line.committer.jobs[0]!.items;
    expect(item).to.deep.include({ code: 'NoRead', source: 'cam-2', outcome: 'noread', bottle: null });
    line.committer.done(line.committer.jobs[0]!);
    expect(line.decisions()[0]).to.deep.include({ outcome: 'noread', valid: false, message: 'No read', timestamp: '2030-01-01T00:00:00.000Z' });
    expect(line.snapshot().context.counters).to.deep.include({ noReads: 1, scans: 0 });
  });

  it('answers a no-read that asks for its decision, after its commit, or at once while draining', () => {
    line = startLine();
    line.actor.send({ type: 'NOREAD', text: 'NoRead', source: 'cam-2', replyTo: line.replies.ref, requestId: 'nr-1' });
    expect(line.replies.events).to.deep.equal([]);
    line.committer.done(line.committer.jobs[0]!);
    expect(line.replies.events.map((r) => [r.requestId, r.decisions[0]!.outcome, r.decisions[0]!.valid])).to.deep.equal([['nr-1', 'noread', false]]);

    line.actor.send({ type: 'SCAN', code: validCode(27), source: 'cam-2' });
    line.actor.send({ type: 'DRAIN' });
    line.actor.send({ type: 'NOREAD', text: 'NoRead', source: 'cam-2', replyTo: line.replies.ref, requestId: 'nr-2' });
    expect(line.committer.jobs).to.have.length(2);
    expect(line.replies.events.at(-1)).to.deep.include({ requestId: 'nr-2' });
    expect(line.replies.events.at(-1)!.decisions[0]).to.deep.include({ outcome: 'noread', valid: false, message: 'No read' });
    expect(line.snapshot().context.counters.noReads).to.equal(2);
  });

  describe('paused', () => {
    it('records scans as refused with the reason, and resumes', () => {
      line = startLine();
      line.actor.send({ type: 'PAUSE', reason: 'jam at the labeller' });
      expect(line.snapshot().value).to.equal('paused');
      expect(line.emitted.at(-1)).to.deep.equal({ type: 'line.state', state: 'paused', reason: 'jam at the labeller' });

      line.actor.send({ type: 'SCAN', code: validCode(10), source: 'cam-1', replyTo: line.replies.ref });
      const [item] = line.committer.jobs[0]!.items;
      expect(item).to.deep.include({ outcome: 'refused', reason: 'Line paused: jam at the labeller', bottle: null });
      expect(line.replies.events, 'a refused scan is still answered only after it is recorded').to.deep.equal([]);
      line.committer.done(line.committer.jobs[0]!);
      expect(line.replies.events[0]!.decisions[0]).to.deep.include({ outcome: 'refused', valid: false, message: 'Line paused: jam at the labeller' });
      expect(line.snapshot().context.counters).to.deep.include({ scans: 1, refused: 1 });

      line.actor.send({ type: 'RESUME' });
      expect(line.snapshot().value).to.equal('running');
      expect(line.snapshot().context.pauseReason).to.equal(null);
      line.actor.send({ type: 'SCAN', code: validCode(11), source: 'cam-1' });
      expect(line.committer.jobs[1]!.items[0]!.outcome).to.equal('candidate');
    });

    it('refuses a bulk submission at once, without a commit', () => {
      line = startLine();
      line.actor.send({ type: 'PAUSE', reason: 'changeover' });
      line.actor.send({ type: 'SUBMIT_BOTTLES', bottles: [{ identifier: validCode(12) }, { identifier: validCode(13) }], replyTo: line.replies.ref, requestId: 'bulk' });
      expect(line.committer.jobs).to.deep.equal([]);
      const reply = line.replies.events[0]!;
      expect(reply.requestId).to.equal('bulk');
      expect(reply.decisions.map((d) => [d.outcome, d.message])).to.deep.equal([
        ['refused', 'Line paused: changeover'],
        ['refused', 'Line paused: changeover'],
      ]);
    });
  });

  describe('draining', () => {
    it('waits for in-flight commits, refusing new scans at once, then reports drained', () => {
      line = startLine();
      line.actor.send({ type: 'SCAN', code: validCode(14), source: 'cam-1', replyTo: line.replies.ref, requestId: 'in-flight' });
      line.actor.send({ type: 'DRAIN' });
      expect(line.snapshot().value).to.equal('draining');

      line.actor.send({ type: 'SCAN', code: validCode(15), source: 'cam-1', replyTo: line.replies.ref, requestId: 'late' });
      expect(line.committer.jobs, 'no commit starts while draining').to.have.length(1);
      expect(line.replies.events.map((r) => [r.requestId, r.decisions[0]!.outcome, r.decisions[0]!.message])).to.deep.equal([['late', 'refused', 'Line stopping']]);

      line.committer.done(line.committer.jobs[0]!);
      expect(line.snapshot().value).to.equal('drained');
      expect(line.replies.events.map((r) => [r.requestId, r.decisions[0]!.outcome])).to.deep.equal([
        ['late', 'refused'],
        ['in-flight', 'accepted'],
      ]);
      expect(line.lineStates()).to.deep.equal(['running', 'draining', 'drained']);

      line.actor.send({ type: 'SCAN', code: validCode(16), source: 'cam-1', replyTo: line.replies.ref });
      expect(line.replies.events.at(-1)!.decisions[0]).to.deep.include({ outcome: 'refused', message: 'Line stopped' });
      expect(line.committer.jobs).to.have.length(1);
    });

    it('is drained at once when nothing is in flight', () => {
      line = startLine();
      line.actor.send({ type: 'DRAIN' });
      expect(line.snapshot().value).to.equal('drained');
    });

    it('waits for the commits of a paused line too', () => {
      line = startLine();
      line.actor.send({ type: 'PAUSE', reason: 'jam' });
      line.actor.send({ type: 'SCAN', code: validCode(17), source: 'cam-1' });
      line.actor.send({ type: 'DRAIN' });
      expect(line.snapshot().value).to.equal('draining');
      line.committer.doneAll();
      expect(line.snapshot().value).to.equal('drained');
    });

    it('counts a no-read while draining without starting a commit', () => {
      line = startLine();
      line.actor.send({ type: 'SCAN', code: validCode(18), source: 'cam-1' });
      line.actor.send({ type: 'DRAIN' });
      line.actor.send({ type: 'NOREAD', text: 'NoRead', source: 'cam-1' });
      expect(line.committer.jobs).to.have.length(1);
      expect(line.snapshot().context.counters.noReads).to.equal(1);
    });

    it('refuses a bulk submission while draining', () => {
      line = startLine();
      line.actor.send({ type: 'SCAN', code: validCode(19), source: 'cam-1' });
      line.actor.send({ type: 'DRAIN' });
      line.actor.send({ type: 'SUBMIT_BOTTLES', bottles: [{ identifier: validCode(20) }], replyTo: line.replies.ref });
      expect(line.replies.events[0]!.decisions[0]).to.deep.include({ outcome: 'refused', message: 'Line stopping', source: 'api' });
      expect(line.committer.jobs).to.have.length(1);
    });
  });

  describe('SUBMIT_BOTTLES', () => {
    it('commits all bottles as one job and answers once, decisions in order', () => {
      line = startLine();
      const good = validCode(21);
      const check = checkCode(good, 'milk');
      if (!check.valid) throw new Error('fixture code must be valid');
      const other = validCode(22);
      const otherGtin = checkCode(other, 'milk');
      if (!otherGtin.valid) throw new Error('fixture code must be valid');
      line.actor.send({
        type: 'SUBMIT_BOTTLES',
        bottles: [
          { identifier: good, gtin: check.code.gtin, productionLineId: 'line-X', party: 'P-9', isPreprint: true },
          { identifier: validCode(23), gtin: otherGtin.code.gtin },
          { identifier: invalidCode(24) },
        ],
        deviceId: 'tablet-3',
        replyTo: line.replies.ref,
        requestId: 'bulk-1',
      });

      expect(line.committer.jobs).to.have.length(1);
      const items = line.committer.jobs[0]!.items;
      expect(items.map((i) => i.outcome)).to.deep.equal(['candidate', 'invalid', 'invalid']);
      expect(items[0]!.source).to.equal('api');
      expect(items[0]!.bottle).to.deep.include({ productionLineId: 'line-X', productId: 'prod-1', party: 'P-9', deviceId: 'tablet-3', isPreprint: true });
      expect(items[1]).to.deep.include({ reason: 'GTIN does not match the code', bottle: null });
      expect(items[2]!.reason).to.equal('GTIN check digit mismatch');
      expect(line.replies.events).to.deep.equal([]);

      line.committer.done(line.committer.jobs[0]!);
      expect(line.replies.events).to.have.length(1);
      expect(line.replies.events[0]!.requestId).to.equal('bulk-1');
      expect(line.replies.events[0]!.decisions.map((d) => [d.outcome, d.message])).to.deep.equal([
        ['accepted', null],
        ['invalid', 'GTIN does not match the code'],
        ['invalid', 'GTIN check digit mismatch'],
      ]);
      expect(line.decisions()).to.have.length(3);
      expect(line.snapshot().context.counters).to.deep.include({ scans: 3, accepted: 1, invalid: 2 });
    });
  });

  it('applies settings updates to later scans', () => {
    line = startLine();
    line.actor.send({ type: 'SETTINGS.UPDATE', settings: { party: 'P-2', productionLineId: 'line-8' } });
    line.actor.send({ type: 'SCAN', code: validCode(25), source: 'cam-1' });
    expect(line.committer.jobs[0]!.items[0]!.bottle).to.deep.include({ party: 'P-2', productionLineId: 'line-8', productId: 'prod-1' });
    // A code valid for milk is not a water code: the industry setting decides validation.
    line.actor.send({ type: 'SETTINGS.UPDATE', settings: { industry: 'water' } });
    line.actor.send({ type: 'SCAN', code: validCode(26), source: 'cam-1' });
    expect(line.committer.jobs[1]!.items[0]!.outcome).to.equal('invalid');
  });
});
