import { expect } from 'chai';
import { createActor } from 'xstate';
import {
  countDevices,
  type DeploymentDevice,
  type DeploymentInput,
  deploymentMachine,
  nextDeviceState,
  thresholdCrossed,
} from '../../../machines/factory/deployment.machine.js';

const T0 = '2024-05-01T10:00:00.000Z';
const at = (s: number) => `2024-05-01T10:00:${String(s).padStart(2, '0')}.000Z`;
const device = (state: DeploymentDevice['state'], error: string | null = null): DeploymentDevice => ({ state, error, updatedAt: T0 });
const queued = (...ids: string[]) => Object.fromEntries(ids.map((id) => [id, device('queued')]));

function start(input: Partial<DeploymentInput> & { devices: Record<string, DeploymentDevice> }) {
  const actor = createActor(deploymentMachine, { input: { status: 'running', abortThresholdPercent: 50, abortMinDevices: 2, ...input } });
  actor.start();
  return actor;
}

describe('deployment machine', () => {
  describe('nextDeviceState', () => {
    it('progress only moves forward; staging counts as verifying', () => {
      const downloading = nextDeviceState(device('queued'), { type: 'device.progress', deviceId: 'a', stage: 'downloading', at: at(1) });
      expect(downloading).to.deep.equal({ state: 'downloading', error: null, updatedAt: at(1) });
      const verifying = nextDeviceState(downloading, { type: 'device.progress', deviceId: 'a', stage: 'staging', at: at(2) });
      expect(verifying.state).to.equal('verifying');
      // A late "downloading" (e.g. a resumed download reported again) does not move it back.
      expect(nextDeviceState(verifying, { type: 'device.progress', deviceId: 'a', stage: 'downloading', at: at(3) })).to.equal(verifying);
      expect(nextDeviceState(verifying, { type: 'device.progress', deviceId: 'a', stage: 'verifying', at: at(3) })).to.equal(verifying);
    });

    it('final states never change', () => {
      for (const state of ['installed', 'failed', 'timed_out'] as const) {
        const d = device(state);
        for (const event of [
          { type: 'device.progress', deviceId: 'a', stage: 'downloading', at: at(1) },
          { type: 'device.result', deviceId: 'a', ok: true, at: at(1) },
          { type: 'device.result', deviceId: 'a', ok: false, at: at(1) },
          { type: 'device.timeout', deviceId: 'a', at: at(1) },
          { type: 'device.canceled', deviceId: 'a', at: at(1) },
        ] as const) {
          expect(nextDeviceState(d, event), `${state} ${event.type}`).to.equal(d);
        }
      }
    });

    it('results, timeouts and cancels, with their reasons', () => {
      expect(nextDeviceState(device('verifying'), { type: 'device.result', deviceId: 'a', ok: false, error: 'E_SHA256', at: at(1) })).to.deep.equal({ state: 'failed', error: 'E_SHA256', updatedAt: at(1) });
      expect(nextDeviceState(device('queued'), { type: 'device.timeout', deviceId: 'a', at: at(1) }).state).to.equal('timed_out');
      expect(nextDeviceState(device('queued'), { type: 'device.canceled', deviceId: 'a', at: at(1) })).to.deep.equal({ state: 'failed', error: 'command canceled', updatedAt: at(1) });
      // The abort canceled a skipped device's command: it stays skipped.
      const skipped = device('skipped');
      expect(nextDeviceState(skipped, { type: 'device.canceled', deviceId: 'a', at: at(1) })).to.equal(skipped);
      // Its command could not be canceled and ran: recorded as it ended.
      expect(nextDeviceState(skipped, { type: 'device.result', deviceId: 'a', ok: true, at: at(1) }).state).to.equal('installed');
    });
  });

  describe('thresholdCrossed: more than N % of at least M finished devices failed', () => {
    const counts = (installed: number, failed: number, timedOut = 0, queuedN = 0) => ({ ...countDevices({}), total: installed + failed + timedOut + queuedN, installed, failed, timed_out: timedOut, queued: queuedN });
    const cases: Array<[string, ReturnType<typeof counts>, number, number, boolean]> = [
      ['1 failure, fewer than M finished', counts(0, 1, 0, 5), 50, 2, false],
      ['1 of 2 is 50 %: not more than 50 %', counts(1, 1), 50, 2, false],
      ['2 of 3 is more than 50 %', counts(1, 2), 50, 2, true],
      ['timed out counts as failed', counts(1, 1, 1), 50, 2, true],
      ['0 %: any failure, once M finished', counts(9, 1), 0, 10, true],
      ['0 %: no failure, no abort', counts(10, 0), 0, 1, false],
      ['100 %: never', counts(0, 10), 100, 1, false],
      ['queued devices do not count', counts(1, 1, 0, 100), 40, 2, true],
    ];
    for (const [title, c, n, m, expected] of cases) it(title, () => expect(thresholdCrossed(c, n, m)).to.equal(expected));
  });

  it('all installed → completed, final, no reason', () => {
    const actor = start({ devices: queued('a', 'b') });
    actor.send({ type: 'device.result', deviceId: 'a', ok: true, at: at(1) });
    expect(actor.getSnapshot().value).to.equal('running');
    actor.send({ type: 'device.result', deviceId: 'b', ok: true, at: at(2) });
    const snapshot = actor.getSnapshot();
    expect(snapshot.value).to.equal('completed');
    expect(snapshot.status).to.equal('done');
    expect(snapshot.context).to.include({ status: 'completed', finishedAt: at(2), reason: null });
  });

  it('all finished with failures below the threshold → failed, with the count as reason', () => {
    const actor = start({ devices: queued('a', 'b', 'c'), abortMinDevices: 3 });
    actor.send({ type: 'device.result', deviceId: 'a', ok: true, at: at(1) });
    actor.send({ type: 'device.result', deviceId: 'b', ok: true, at: at(2) });
    actor.send({ type: 'device.timeout', deviceId: 'c', at: at(3) });
    expect(actor.getSnapshot().context).to.include({ status: 'failed', finishedAt: at(3), reason: '1 of 3 devices failed or timed out' });
  });

  it('crossing the threshold aborts: queued devices are skipped, devices at work are followed to their end', () => {
    const actor = start({ devices: queued('a', 'b', 'c', 'd', 'e') });
    actor.send({ type: 'device.progress', deviceId: 'c', stage: 'downloading', at: at(1) });
    actor.send({ type: 'device.result', deviceId: 'a', ok: false, error: 'E_SHA256', at: at(2) });
    expect(actor.getSnapshot().value).to.equal('running'); // 1 finished: fewer than 2
    actor.send({ type: 'device.timeout', deviceId: 'b', at: at(3) });
    let context = actor.getSnapshot().context;
    expect(actor.getSnapshot().value).to.equal('aborted');
    expect(context).to.include({ status: 'aborted', finishedAt: at(3) });
    expect(context.reason).to.equal('2 of 2 finished devices failed or timed out: more than 50% of at least 2');
    expect(context.devices.c!.state).to.equal('downloading');
    expect(context.devices.d).to.deep.equal({ state: 'skipped', error: 'deployment aborted before the device started', updatedAt: at(3) });
    expect(context.devices.e!.state).to.equal('skipped');

    actor.send({ type: 'device.result', deviceId: 'c', ok: true, at: at(4) });
    actor.send({ type: 'device.canceled', deviceId: 'd', at: at(5) });
    context = actor.getSnapshot().context;
    expect(context.devices.c!.state).to.equal('installed');
    expect(context.devices.d!.state).to.equal('skipped');
    expect(context).to.include({ status: 'aborted', finishedAt: at(3) });
  });

  it('events for devices not in the deployment change nothing', () => {
    const actor = start({ devices: queued('a') });
    const before = actor.getSnapshot().context;
    actor.send({ type: 'device.result', deviceId: 'stranger', ok: false, at: at(1) });
    expect(actor.getSnapshot().context).to.deep.equal(before);
    expect(actor.getSnapshot().context.devices).to.equal(before.devices);
  });

  describe('abort by hand (deployment.abort)', () => {
    it('skips queued devices, follows devices at work, and records who and why', () => {
      const actor = start({ devices: { a: device('downloading'), b: device('queued'), c: device('installed') } });
      actor.send({ type: 'deployment.abort', by: 'alice', reason: '  wrong release  ', at: at(3) });
      let context = actor.getSnapshot().context;
      expect(actor.getSnapshot().value).to.equal('aborted');
      expect(context).to.include({ status: 'aborted', finishedAt: at(3), reason: 'wrong release', abortedBy: 'alice' });
      expect(context.devices.b).to.deep.equal({ state: 'skipped', error: 'deployment aborted before the device started', updatedAt: at(3) });
      expect(context.devices.c!.state).to.equal('installed');
      actor.send({ type: 'device.result', deviceId: 'a', ok: false, error: 'E_FLASH', at: at(4) });
      context = actor.getSnapshot().context;
      expect(context.devices.a).to.deep.equal({ state: 'failed', error: 'E_FLASH', updatedAt: at(4) });
      expect(context).to.include({ status: 'aborted', finishedAt: at(3), reason: 'wrong release', abortedBy: 'alice' });
    });

    it('without a reason it says so; a second abort, or one after the end, changes nothing', () => {
      const actor = start({ devices: queued('a', 'b') });
      actor.send({ type: 'deployment.abort', by: 'alice', at: at(1) });
      const first = actor.getSnapshot().context;
      expect(first).to.include({ reason: 'aborted by hand', abortedBy: 'alice' });
      actor.send({ type: 'deployment.abort', by: 'bob', reason: 'again', at: at(2) });
      expect(actor.getSnapshot().context).to.equal(first);
      const completed = start({ devices: queued('a') });
      completed.send({ type: 'device.result', deviceId: 'a', ok: true, at: at(1) });
      completed.send({ type: 'deployment.abort', by: 'alice', at: at(2) });
      expect(completed.getSnapshot().context).to.include({ status: 'completed', abortedBy: null, reason: null });
    });

    it('a threshold abort names nobody; a stored manual abort comes back with its author', () => {
      const actor = start({ devices: { a: device('failed'), b: device('failed'), c: device('queued') } });
      expect(actor.getSnapshot().context).to.include({ status: 'aborted', abortedBy: null });
      const restored = start({ status: 'aborted', devices: { a: device('skipped') }, finishedAt: at(1), reason: 'r', abortedBy: 'alice' });
      expect(restored.getSnapshot().context).to.include({ status: 'aborted', abortedBy: 'alice', reason: 'r' });
    });
  });

  describe('restore from stored rows', () => {
    it('an aborted deployment comes back aborted, as stored', () => {
      const devices = { a: device('failed', 'x'), b: device('failed', 'y'), c: device('downloading'), d: device('skipped') };
      const actor = start({ status: 'aborted', devices, finishedAt: at(9), reason: 'stored reason' });
      expect(actor.getSnapshot().value).to.equal('aborted');
      expect(actor.getSnapshot().context).to.include({ finishedAt: at(9), reason: 'stored reason' });
      expect(actor.getSnapshot().context.devices).to.deep.equal(devices);
    });

    it('completed and failed come back final', () => {
      expect(start({ status: 'completed', devices: { a: device('installed') }, finishedAt: at(1) }).getSnapshot().status).to.equal('done');
      expect(start({ status: 'failed', devices: { a: device('failed') }, finishedAt: at(1) }).getSnapshot().value).to.equal('failed');
    });

    it('a running deployment whose stored devices already cross the threshold aborts at once, dated by its last change', () => {
      const devices = { a: { ...device('failed'), updatedAt: at(7) }, b: { ...device('timed_out'), updatedAt: at(8) }, c: device('queued') };
      const snapshot = start({ devices }).getSnapshot();
      expect(snapshot.value).to.equal('aborted');
      expect(snapshot.context.finishedAt).to.equal(at(8));
      expect(snapshot.context.devices.c).to.deep.equal({ state: 'skipped', error: 'deployment aborted before the device started', updatedAt: at(8) });
    });
  });
});
