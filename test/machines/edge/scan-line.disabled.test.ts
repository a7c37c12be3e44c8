import { expect } from 'chai';
import { createActor } from 'xstate';
import { type LineSettings, type ScanReply, disabledMessage, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import { createFakeCommitter, startRecorder, validCode } from '../../support/scan-fixtures.js';

const SETTINGS: LineSettings = { industry: 'milk', productionLineId: 'line-7', productId: 'prod-1', party: 'P-1', deviceId: 'edge-9' };

/** disable_device / enable_device as the scan line sees them: DISABLE, ENABLE and the disabledReason input. */
function startLine(disabledReason: string | null = null) {
  const committer = createFakeCommitter();
  const actor = createActor(scanLineMachine.provide({ actors: { committer: committer.logic } }), { input: { settings: SETTINGS, disabledReason } });
  const emitted: Array<{ type: string; state?: string; reason?: string | null }> = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  const replies = startRecorder<ScanReply>();
  return { actor, committer, emitted, errors, replies, value: () => actor.getSnapshot().value, context: () => actor.getSnapshot().context };
}

describe('scan line machine: disabled by the factory', () => {
  let line: ReturnType<typeof startLine>;
  afterEach(() => {
    expect(line.errors).to.deep.equal([]);
    line.actor.stop();
    line.replies.stop();
  });

  it('DISABLE refuses every scan with the reason (recorded like a paused line), ENABLE brings it back', () => {
    line = startLine();
    line.actor.send({ type: 'DISABLE', reason: 'audit of line 7' });
    expect(line.value()).to.equal('disabled');
    expect(line.emitted.filter((e) => e.type === 'line.state').at(-1)).to.deep.equal({ type: 'line.state', state: 'disabled', reason: 'device disabled by the factory: audit of line 7' });

    line.actor.send({ type: 'SCAN', code: validCode(1), source: 'cam-1', replyTo: line.replies.ref });
    const job = line.committer.jobs.at(-1)!;
    expect(job.items[0]).to.deep.include({ outcome: 'refused', reason: disabledMessage('audit of line 7') });
    line.committer.done(job, [{ outcome: 'refused', bottleId: null }]);
    expect(line.replies.events.at(-1)!.decisions[0]).to.deep.include({ outcome: 'refused', message: 'device disabled by the factory: audit of line 7' });

    line.actor.send({ type: 'SUBMIT_BOTTLES', bottles: [{ identifier: validCode(2) }], replyTo: line.replies.ref });
    expect(line.replies.events.at(-1)!.decisions[0]).to.deep.include({ outcome: 'refused', message: 'device disabled by the factory: audit of line 7' });

    line.actor.send({ type: 'ENABLE' });
    expect(line.value()).to.equal('running');
    expect(line.context().disabledReason).to.equal(null);
    line.actor.send({ type: 'SCAN', code: validCode(3), source: 'cam-1' });
    expect(line.committer.jobs.at(-1)!.items[0]!.outcome).to.equal('candidate');
  });

  it('starts disabled when its input says so (persisted across a restart)', () => {
    line = startLine('maintenance');
    expect(line.value()).to.equal('disabled');
    expect(line.context().disabledReason).to.equal('maintenance');
  });

  it('an operator RESUME does not re-enable it; PAUSE is ignored while disabled', () => {
    line = startLine();
    line.actor.send({ type: 'PAUSE', reason: 'jam' });
    line.actor.send({ type: 'DISABLE', reason: 'recall' });
    expect(line.value()).to.equal('disabled');
    line.actor.send({ type: 'RESUME' });
    line.actor.send({ type: 'PAUSE', reason: 'jam again' });
    expect(line.value()).to.equal('disabled');
    line.actor.send({ type: 'DISABLE', reason: 'recall, batch 2' });
    expect(line.context().disabledReason).to.equal('recall, batch 2');
  });

  it('drains as usual; a drained line that resumes while disabled stays disabled', () => {
    line = startLine();
    line.actor.send({ type: 'DISABLE', reason: 'recall' });
    line.actor.send({ type: 'DRAIN' });
    expect(line.value()).to.equal('drained');
    line.actor.send({ type: 'RESUME' });
    expect(line.value()).to.equal('disabled');
    // Enabled while drained: runs when resumed.
    line.actor.send({ type: 'DRAIN' });
    line.actor.send({ type: 'ENABLE' });
    line.actor.send({ type: 'RESUME' });
    expect(line.value()).to.equal('running');
  });
});
