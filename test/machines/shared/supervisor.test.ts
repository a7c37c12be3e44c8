import { expect } from 'chai';
import type { AnyActorRef } from 'xstate';
import { startSupervisor, testPolicy } from './supervisor-fixtures.js';

const W = { id: 'w', src: 'worker', systemId: 'worker-1', input: { label: 'a' } };

describe('supervisor machine', () => {
  it('spawns its input children with their systemId and input', () => {
    const { actor, child } = startSupervisor([W]);
    expect(actor.getSnapshot().context.children.w).to.deep.equal({ status: 'RUNNING', restarts: [] });
    expect(actor.system.get('worker-1')).to.equal(child('w'));
    expect(child('w')!.getSnapshot().context.label).to.equal('a');
    actor.stop();
  });

  it('restarts a failed child after the backoff with the same id, systemId and input', () => {
    const { actor, clock, emitted, errors, child } = startSupervisor([W]);
    const first = child('w')!;
    first.send({ type: 'FAIL' });

    const afterFailure = actor.getSnapshot();
    expect(afterFailure.status).to.equal('active');
    expect(afterFailure.context.children.w.status).to.equal('RESTARTING');
    expect(afterFailure.context.children.w.lastError).to.equal('boom');
    expect(afterFailure.children.w, 'dead ref dropped').to.equal(undefined);

    clock.increment(99); // attempt 0 waits baseMs = 100 (jitter 0)
    expect(actor.getSnapshot().context.children.w.status).to.equal('RESTARTING');
    clock.increment(1);

    const second = child('w')!;
    expect(second).to.not.equal(first);
    expect(actor.getSnapshot().context.children.w.status).to.equal('RUNNING');
    expect(actor.system.get('worker-1')).to.equal(second);
    expect(second.getSnapshot().context.label).to.equal('a');
    expect(emitted).to.deep.equal([{ type: 'supervisor.childRestarted', id: 'w', attempt: 1, error: 'boom' }]);
    expect(errors).to.deep.equal([]);
    actor.stop();
  });

  it('backs off exponentially between consecutive restarts', () => {
    const { actor, clock, child } = startSupervisor([W], { ...testPolicy, maxRestarts: 5 });
    child('w')!.send({ type: 'FAIL' });
    clock.increment(100);
    child('w')!.send({ type: 'FAIL' });
    clock.increment(199);
    expect(actor.getSnapshot().context.children.w.status).to.equal('RESTARTING');
    clock.increment(1);
    expect(actor.getSnapshot().context.children.w.status).to.equal('RUNNING');
    actor.stop();
  });

  it('marks a child FAILED and emits childFailed after more than maxRestarts failures in the window', () => {
    const { actor, clock, emitted, errors, child } = startSupervisor([W]);
    for (let i = 0; i < 2; i++) {
      child('w')!.send({ type: 'FAIL' });
      clock.increment(400);
    }
    child('w')!.send({ type: 'FAIL' });
    const snap = actor.getSnapshot();
    expect(snap.status).to.equal('active');
    expect(snap.context.children.w.status).to.equal('FAILED');
    expect(snap.children.w).to.equal(undefined);
    expect(actor.system.get('worker-1')).to.equal(undefined);
    expect(emitted.at(-1)).to.deep.equal({ type: 'supervisor.childFailed', id: 'w', error: 'boom' });
    clock.increment(10_000);
    expect(actor.getSnapshot().context.children.w.status, 'no restart once FAILED').to.equal('FAILED');
    expect(errors).to.deep.equal([]);
    actor.stop();
  });

  it('forgets failures older than the window', () => {
    const { actor, clock, child } = startSupervisor([W]);
    for (let i = 0; i < 2; i++) {
      child('w')!.send({ type: 'FAIL' });
      clock.increment(400);
    }
    clock.increment(10_000);
    child('w')!.send({ type: 'FAIL' });
    expect(actor.getSnapshot().context.children.w.status).to.equal('RESTARTING');
    expect(actor.getSnapshot().context.children.w.restarts).to.have.length(1);
    actor.stop();
  });

  it('restarts a FAILED child on supervisor.restartChild and resets its count', () => {
    const { actor, clock, emitted, child } = startSupervisor([W], { ...testPolicy, maxRestarts: 0 });
    child('w')!.send({ type: 'FAIL' });
    expect(actor.getSnapshot().context.children.w.status).to.equal('FAILED');

    actor.send({ type: 'supervisor.restartChild', id: 'w' });
    expect(actor.getSnapshot().context.children.w).to.include({ status: 'RUNNING' });
    expect(actor.getSnapshot().context.children.w.restarts).to.deep.equal([]);
    expect(actor.system.get('worker-1')).to.equal(child('w'));
    expect(emitted.at(-1)).to.deep.equal({ type: 'supervisor.childRestarted', id: 'w', attempt: 0, error: 'boom', manual: true });
    clock.increment(1_000);
    actor.stop();
  });

  it('a manual restart during backoff cancels the pending automatic restart', () => {
    const { actor, clock, emitted, child } = startSupervisor([W]);
    child('w')!.send({ type: 'FAIL' }); // automatic restart due at t=100
    actor.send({ type: 'supervisor.restartChild', id: 'w' });
    clock.increment(50);
    child('w')!.send({ type: 'FAIL' }); // fresh window: attempt 0 again, due at t=150
    clock.increment(50);
    expect(actor.getSnapshot().context.children.w.status, 'the stale t=100 timer must not fire').to.equal('RESTARTING');
    clock.increment(50);
    expect(actor.getSnapshot().context.children.w.status).to.equal('RUNNING');
    expect(emitted.filter((e) => e.type === 'supervisor.childRestarted')).to.have.length(2);
    actor.stop();
  });

  it('manually restarts a running child, replacing it under the same systemId', () => {
    const { actor, child } = startSupervisor([W]);
    const first = child('w')!;
    actor.send({ type: 'supervisor.restartChild', id: 'w' });
    expect(child('w')).to.not.equal(first);
    expect(first.getSnapshot().status).to.equal('stopped');
    expect(actor.system.get('worker-1')).to.equal(child('w'));
    actor.stop();
  });

  it('leaves a child that finishes normally STOPPED', () => {
    const { actor, clock, emitted, child } = startSupervisor([W]);
    child('w')!.send({ type: 'FINISH' });
    expect(actor.getSnapshot().context.children.w.status).to.equal('STOPPED');
    expect(child('w')).to.equal(undefined);
    clock.increment(10_000);
    expect(actor.getSnapshot().context.children.w.status).to.equal('STOPPED');
    expect(emitted).to.deep.equal([{ type: 'supervisor.childStopped', id: 'w' }]);
    actor.stop();
  });

  it('spawns and removes children at runtime', () => {
    const { actor, clock, child } = startSupervisor([W]);
    actor.send({ type: 'supervisor.spawn', child: { id: 'scanner-2', src: 'worker', systemId: 'scanner-2', input: { label: 's2' } } });
    expect(actor.getSnapshot().context.children['scanner-2'].status).to.equal('RUNNING');
    const s2 = actor.system.get('scanner-2') as AnyActorRef;
    expect(s2.getSnapshot().context.label).to.equal('s2');

    child('scanner-2')!.send({ type: 'FAIL' });
    actor.send({ type: 'supervisor.remove', id: 'scanner-2' });
    clock.increment(1_000);
    expect(actor.getSnapshot().context.children).to.not.have.property('scanner-2');
    expect(actor.getSnapshot().context.specs).to.not.have.property('scanner-2');
    expect(child('scanner-2'), 'the pending restart was cancelled').to.equal(undefined);
    expect(actor.system.get('scanner-2')).to.equal(undefined);
    expect(actor.getSnapshot().context.children.w.status).to.equal('RUNNING');
    actor.stop();
  });

  it('removes a running child and stops it', () => {
    const { actor, child } = startSupervisor([W]);
    const w = child('w')!;
    actor.send({ type: 'supervisor.remove', id: 'w' });
    expect(w.getSnapshot().status).to.equal('stopped');
    expect(actor.system.get('worker-1')).to.equal(undefined);
    actor.stop();
  });

  it('stopAll stops every child and cancels pending restarts', () => {
    const { actor, clock, child } = startSupervisor([W, { id: 'x', src: 'worker' }]);
    child('w')!.send({ type: 'FAIL' });
    const x = child('x')!;
    actor.send({ type: 'supervisor.stopAll' });
    clock.increment(10_000);
    const snap = actor.getSnapshot();
    expect(snap.status).to.equal('active');
    expect(snap.context.children.w.status).to.equal('STOPPED');
    expect(snap.context.children.x.status).to.equal('STOPPED');
    expect(x.getSnapshot().status).to.equal('stopped');
    expect(Object.keys(snap.children)).to.deep.equal([]);
    actor.stop();
  });

  describe('never errors because of a child', () => {
    it('marks an unknown src FAILED instead of throwing', () => {
      const { actor, emitted, errors } = startSupervisor([{ id: 'ghost', src: 'nope' }]);
      expect(actor.getSnapshot().status).to.equal('active');
      expect(actor.getSnapshot().context.children.ghost).to.deep.include({ status: 'FAILED' });
      expect(emitted[0]).to.include({ type: 'supervisor.childFailed', id: 'ghost' });
      actor.send({ type: 'supervisor.spawn', child: { id: 'ghost2', src: 'toString' } });
      expect(actor.getSnapshot().context.children.ghost2.status).to.equal('FAILED');
      expect(errors).to.deep.equal([]);
      actor.stop();
    });

    it('refuses a systemId already held by another child', () => {
      const { actor, errors } = startSupervisor([W, { id: 'dup', src: 'worker', systemId: 'worker-1' }]);
      expect(actor.getSnapshot().context.children.w.status).to.equal('RUNNING');
      expect(actor.getSnapshot().context.children.dup).to.deep.include({ status: 'FAILED' });
      actor.send({ type: 'supervisor.spawn', child: { id: 'dup2', src: 'worker', systemId: 'worker-1' } });
      expect(actor.getSnapshot().context.children.dup2.status).to.equal('FAILED');
      expect(actor.getSnapshot().status).to.equal('active');
      expect(errors).to.deep.equal([]);
      actor.stop();
    });

    it('survives a child that crashes on every start until it is FAILED', async () => {
      const { actor, clock, emitted, errors } = startSupervisor([{ id: 'c', src: 'crashOnStart', systemId: 'c' }]);
      // A promise actor rejects asynchronously: let each rejection land, then pass the backoff.
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setImmediate(r));
        clock.increment(400);
      }
      expect(actor.getSnapshot().status).to.equal('active');
      expect(actor.getSnapshot().context.children.c.status).to.equal('FAILED');
      expect(emitted.map((e) => e.type)).to.deep.equal([
        'supervisor.childRestarted',
        'supervisor.childRestarted',
        'supervisor.childFailed',
      ]);
      expect(errors).to.deep.equal([]);
      actor.stop();
    });

    it('survives a child machine that throws synchronously in its initial entry', () => {
      const { actor, clock, emitted, errors } = startSupervisor([{ id: 't', src: 'throwOnEntry', systemId: 't' }]);
      clock.increment(400);
      clock.increment(400);
      expect(actor.getSnapshot().status).to.equal('active');
      expect(actor.getSnapshot().context.children.t).to.deep.include({ status: 'FAILED', lastError: 'bad config' });
      expect(emitted.map((e) => e.type)).to.deep.equal(['supervisor.childRestarted', 'supervisor.childRestarted', 'supervisor.childFailed']);
      expect(errors).to.deep.equal([]);
      actor.stop();
    });

    it('ignores error and done events for ids it does not supervise', () => {
      const { actor, errors } = startSupervisor([W]);
      actor.send({ type: 'xstate.error.actor.stranger', error: new Error('x') });
      actor.send({ type: 'xstate.done.actor.stranger' });
      actor.send({ type: 'xstate.error.actor.w', error: new Error('forged') });
      expect(actor.getSnapshot().status).to.equal('active');
      expect(actor.getSnapshot().context.children.w.status).to.equal('RUNNING');
      expect(errors).to.deep.equal([]);
      actor.stop();
    });
  });
});
