import { expect } from 'chai';
import { type AnyActorRef, createActor, fromCallback } from 'xstate';
import { type LineSettings, type RejectionConfirmedEvent, type RolesEvent, type ScanDecidedEvent, type ScanReply, type ScanLineEvent, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import { checkCode } from '../../../src/domain/codes/index.js';
import type { RoleJob, RoleResult } from '../../../src/domain/scanner-role.js';
import { createFakeCommitter, invalidCode, startRecorder, validCode } from '../../support/scan-fixtures.js';

const SETTINGS: LineSettings = { industry: 'milk', productionLineId: 'line-7', productId: 'prod-1', party: 'P-1', deviceId: 'edge-9' };

/** A role handler the test answers by hand, as the committer fake does. */
function createFakeRoles() {
  const jobs: Array<RoleJob<AnyActorRef>> = [];
  let toLine: ((event: ScanLineEvent) => void) | null = null;
  const logic = fromCallback<RolesEvent, void>(({ receive, sendBack }) => {
    toLine = sendBack as (event: ScanLineEvent) => void;
    receive(({ job }) => jobs.push(job));
  });
  return {
    logic,
    jobs,
    done(job: RoleJob<AnyActorRef>, result: RoleResult) {
      toLine!({ type: 'role.done', job, result });
    },
  };
}

function startLine(options: { roles?: boolean } = {}) {
  const committer = createFakeCommitter();
  const roles = createFakeRoles();
  const machine = options.roles === false ? scanLineMachine.provide({ actors: { committer: committer.logic } }) : scanLineMachine.provide({ actors: { committer: committer.logic, roles: roles.logic } });
  const actor = createActor(machine, { input: { settings: SETTINGS } });
  const emitted: Array<{ type: string }> = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  const replies = startRecorder<ScanReply>();
  const decided = () => emitted.filter((e): e is ScanDecidedEvent => e.type === 'scan.decided');
  const confirmations = () => emitted.filter((e): e is RejectionConfirmedEvent => e.type === 'scanner.rejectionConfirmed');
  return { actor, committer, roles, emitted, errors, replies, decided, confirmations, snapshot: () => actor.getSnapshot() };
}

describe('scan line machine: scanner roles', () => {
  let line: ReturnType<typeof startLine>;
  afterEach(() => {
    expect(line.errors).to.deep.equal([]);
    line.actor.stop();
    line.replies.stop();
  });

  it('ADD (and no role) stays on the committer path; its scan.decided carries role ADD', () => {
    line = startLine();
    line.actor.send({ type: 'SCAN', code: validCode(1), source: 'cam-1' });
    line.actor.send({ type: 'SCAN', code: validCode(2), source: 'cam-1', role: 'ADD' });
    expect(line.committer.jobs).to.have.length(2);
    expect(line.committer.jobs.map((j) => j.role)).to.deep.equal([undefined, undefined]);
    expect(line.roles.jobs).to.deep.equal([]);
    line.committer.doneAll();
    expect(line.decided().map((e) => [e.role, e.decision.outcome])).to.deep.equal([
      ['ADD', 'accepted'],
      ['ADD', 'accepted'],
    ]);
  });

  for (const role of ['REMOVE', 'VERIFY_LOCAL_BUFFER', 'REJECTION', 'PACKAGE', 'BOX', 'REJECTION_FEEDBACK'] as const) {
    it(`${role}: validated like any scan, handed to the role handler, released with its result and role`, () => {
      line = startLine();
      const code = validCode(10);
      const check = checkCode(code, 'milk');
      if (!check.valid) throw new Error('fixture');
      line.actor.send({ type: 'SCAN', code, source: 'st-1', role, replyTo: line.replies.ref, requestId: 'r-1', receivedAt: '2031-01-01T00:00:00.000Z' });
      expect(line.committer.jobs, 'never the ADD committer').to.deep.equal([]);
      expect(line.roles.jobs).to.have.length(1);
      const job = line.roles.jobs[0]!;
      expect(job).to.deep.include({ role, deviceId: 'edge-9', productionLineId: 'line-7', requestId: 'r-1' });
      expect(job.item).to.deep.include({ outcome: 'candidate', code: check.code.normalised, source: 'st-1' });
      expect(job.item.bottle!.identificationCode).to.equal(check.code.identificationCode);
      expect(line.snapshot().context.inFlight).to.equal(1);
      expect(line.replies.events, 'answered only after the role handler').to.deep.equal([]);

      line.roles.done(job, { outcome: 'accepted', bottleId: 'B1', message: 'done it' });
      const decision = line.replies.events[0]!.decisions[0]!;
      expect(decision).to.deep.include({ code: check.code.normalised, source: 'st-1', outcome: 'accepted', valid: true, duplicate: false, bottleId: 'B1', message: 'done it', timestamp: '2031-01-01T00:00:00.000Z' });
      expect(line.replies.events[0]!.requestId).to.equal('r-1');
      expect(line.decided()).to.deep.equal([{ type: 'scan.decided', decision, role }]);
      expect(line.snapshot().context.inFlight).to.equal(0);
      expect(line.snapshot().context.counters).to.deep.include({ scans: 1, accepted: 1 });
    });
  }

  it('an invalid code goes to the role handler as invalid (it records it); refusals and duplicates count as such', () => {
    line = startLine();
    line.actor.send({ type: 'SCAN', code: invalidCode(3), source: 'st-1', role: 'REMOVE' });
    line.actor.send({ type: 'SCAN', code: validCode(4), source: 'st-1', role: 'REMOVE' });
    line.actor.send({ type: 'SCAN', code: validCode(5), source: 'st-1', role: 'VERIFY_LOCAL_BUFFER' });
    const [bad, unknown, consumed] = line.roles.jobs;
    expect(bad!.item).to.deep.include({ outcome: 'invalid', reason: 'GTIN check digit mismatch', bottle: null });
    line.roles.done(bad!, { outcome: 'invalid', bottleId: null, message: 'GTIN check digit mismatch' });
    line.roles.done(unknown!, { outcome: 'refused', bottleId: null, message: 'Unknown code' });
    line.roles.done(consumed!, { outcome: 'duplicate', bottleId: null, message: 'Already consumed' });
    expect(line.decided().map((e) => [e.role, e.decision.outcome, e.decision.valid, e.decision.duplicate])).to.deep.equal([
      ['REMOVE', 'invalid', false, false],
      ['REMOVE', 'refused', false, false],
      ['VERIFY_LOCAL_BUFFER', 'duplicate', false, true],
    ]);
    expect(line.snapshot().context.counters).to.deep.include({ scans: 3, invalid: 1, refused: 1, duplicates: 1, accepted: 0 });
  });

  it('REJECTION_FEEDBACK emits scanner.rejectionConfirmed as the frame arrives, with the normalised code', () => {
    line = startLine();
    const code = validCode(6);
    const check = checkCode(`]d2${code}`, 'milk');
    if (!check.valid) throw new Error('fixture');
    line.actor.send({ type: 'SCAN', code: `]d2${code}`, source: 'fb-1', role: 'REJECTION_FEEDBACK', receivedAt: '2031-01-01T00:00:01.000Z' });
    expect(line.confirmations()).to.deep.equal([{ type: 'scanner.rejectionConfirmed', code: check.code.normalised, scannerId: 'fb-1', at: '2031-01-01T00:00:01.000Z' }]);
    expect(line.decided(), 'the scan itself is released after it is recorded').to.deep.equal([]);
    // Garbage is confirmed as read; other roles confirm nothing.
    line.actor.send({ type: 'SCAN', code: 'garbage', source: 'fb-1', role: 'REJECTION_FEEDBACK' });
    line.actor.send({ type: 'SCAN', code: validCode(7), source: 'rj-1', role: 'REJECTION' });
    line.actor.send({ type: 'SCAN', code: validCode(8), source: 'cam-1' });
    expect(line.confirmations().map((c) => c.code)).to.deep.equal([check.code.normalised, 'garbage']);
    expect(line.confirmations()[1]!.at).to.be.a('string');
  });

  it('a paused or disabled line refuses role scans through the committer, keeping the role; feedback is still confirmed', () => {
    line = startLine();
    line.actor.send({ type: 'PAUSE', reason: 'jam' });
    line.actor.send({ type: 'SCAN', code: validCode(9), source: 'st-1', role: 'PACKAGE', replyTo: line.replies.ref });
    line.actor.send({ type: 'SCAN', code: validCode(10), source: 'fb-1', role: 'REJECTION_FEEDBACK' });
    line.actor.send({ type: 'DISABLE', reason: 'audit' });
    line.actor.send({ type: 'SCAN', code: validCode(11), source: 'st-1', role: 'REMOVE' });
    line.actor.send({ type: 'SCAN', code: validCode(12), source: 'fb-1', role: 'REJECTION_FEEDBACK' });
    expect(line.roles.jobs).to.deep.equal([]);
    expect(line.committer.jobs.map((j) => [j.role, j.items[0]!.outcome])).to.deep.equal([
      ['PACKAGE', 'refused'],
      ['REJECTION_FEEDBACK', 'refused'],
      ['REMOVE', 'refused'],
      ['REJECTION_FEEDBACK', 'refused'],
    ]);
    expect(line.confirmations()).to.have.length(2);
    line.committer.doneAll();
    expect(line.decided().map((e) => [e.role, e.decision.outcome, e.decision.message])).to.deep.equal([
      ['PACKAGE', 'refused', 'Line paused: jam'],
      ['REJECTION_FEEDBACK', 'refused', 'Line paused: jam'],
      ['REMOVE', 'refused', 'device disabled by the factory: audit'],
      ['REJECTION_FEEDBACK', 'refused', 'device disabled by the factory: audit'],
    ]);
  });

  it('a no-read at a role station is released with that role (the reject loop must not take it for the line scanner)', () => {
    line = startLine();
    line.actor.send({ type: 'NOREAD', text: 'NoRead', source: 'rj-1', role: 'REJECTION' });
    line.actor.send({ type: 'NOREAD', text: 'NoRead', source: 'cam-1' });
    line.committer.doneAll();
    expect(line.decided().map((e) => [e.role, e.decision.outcome])).to.deep.equal([
      ['REJECTION', 'noread'],
      ['ADD', 'noread'],
    ]);
  });

  it('draining waits for role scans in flight too, and refuses new ones at once', () => {
    line = startLine();
    line.actor.send({ type: 'SCAN', code: validCode(13), source: 'st-1', role: 'BOX' });
    line.actor.send({ type: 'DRAIN' });
    expect(line.snapshot().value).to.equal('draining');
    line.actor.send({ type: 'SCAN', code: validCode(14), source: 'st-1', role: 'BOX', replyTo: line.replies.ref });
    expect(line.roles.jobs).to.have.length(1);
    expect(line.replies.events[0]!.decisions[0]).to.deep.include({ outcome: 'refused', message: 'Line stopping' });
    line.roles.done(line.roles.jobs[0]!, { outcome: 'accepted', bottleId: null, message: null });
    expect(line.snapshot().value).to.equal('drained');
  });

  it('without a role handler provided, role scans are refused with the reason (the line still answers)', () => {
    line = startLine({ roles: false });
    line.actor.send({ type: 'SCAN', code: validCode(15), source: 'st-1', role: 'PACKAGE', replyTo: line.replies.ref });
    expect(line.replies.events[0]!.decisions[0]).to.deep.include({ outcome: 'refused', message: 'Scanner role PACKAGE is not available on this line' });
    expect(line.snapshot().context.inFlight).to.equal(0);
  });
});
