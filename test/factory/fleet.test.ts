import { expect } from 'chai';
import { type AnyActorRef, type AnyEventObject, createActor, fromCallback } from 'xstate';
import { deadlineTimer } from '../../adapters/timers/deadline-timer.js';
import {
  type DeadlineCheck,
  type DeadlineInput,
  type DeviceSessionEmitted,
  deviceSessionMachine,
} from '../../machines/factory/device-session.machine.js';
import { createSupervisorMachine } from '../../machines/shared/supervisor.machine.js';
import { bridgeEmitsToBus } from '../../src/runtime/emit-bridge.js';
import { createFleet, type FleetOptions, sessionSystemId } from '../../src/factory/fleet.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The fleet composed as the factory composes it: a root supervisor with the shard supervisor
 * registered as `deviceShard`, and the session (with a real deadline timer) registered in the
 * shard as `deviceSession`.
 */
function startFleet(options: Partial<Omit<FleetOptions, 'root'>> = {}, deadline = deadlineTimer) {
  const shard = createSupervisorMachine({ deviceSession: deviceSessionMachine.provide({ actors: { deadline } }) });
  const root = createActor(createSupervisorMachine({ deviceShard: shard }), { input: { children: [] } });
  const errors: unknown[] = [];
  root.subscribe({ error: (error) => errors.push(error) });
  root.start();
  const fleet = createFleet({ root, staleAfterMs: 15_000, offlineAfterMs: 60_000, ...options });
  const events: DeviceSessionEmitted[] = [];
  fleet.onEvent((event) => events.push(event));
  return { root, fleet, events, errors };
}
type Rig = ReturnType<typeof startFleet>;

const ids = (n: number, prefix = 'edge') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
const children = (ref: AnyActorRef) => Object.keys((ref.getSnapshot() as { children: Record<string, unknown> }).children);

describe('fleet', () => {
  let rig: Rig;
  afterEach(() => {
    rig.fleet.dispose();
    rig.root.stop();
    expect(rig.errors).to.deep.equal([]);
  });

  it('shards 250 sessions first-fit under the root: 100 + 100 + 50, each with systemId device.<id>', () => {
    rig = startFleet();
    for (const id of ids(250)) expect(rig.fleet.add(id, null)).to.equal(true);
    expect(rig.fleet.shards()).to.deep.equal([
      { id: 'deviceShard.0', sessions: 100 },
      { id: 'deviceShard.1', sessions: 100 },
      { id: 'deviceShard.2', sessions: 50 },
    ]);
    expect(children(rig.root)).to.deep.equal(['deviceShard.0', 'deviceShard.1', 'deviceShard.2']);
    const shard2 = rig.root.system.get('fleet.shard.2') as AnyActorRef;
    expect(children(shard2)).to.deep.equal(ids(250).slice(200));
    const session = rig.root.system.get(sessionSystemId('edge-0249')) as AnyActorRef;
    expect(session._parent).to.equal(shard2);
  });

  it('drives 250 sessions online → stale → offline with real timers, and reports each change', async () => {
    // A second between stale and offline: a CHECK that comes that late (a loaded machine) finds the
    // session already offline and, rightly, reports only that — this test wants to see both steps.
    rig = startFleet({ staleAfterMs: 100, offlineAfterMs: 1_100 });
    const devices = ids(250);
    for (const id of devices) rig.fleet.add(id, null);
    expect(rig.fleet.counts()).to.deep.equal({ online: 0, stale: 0, offline: 250 });
    const at = Date.now();
    for (const id of devices) expect(rig.fleet.heartbeat(id, at)).to.equal(true);
    expect(rig.fleet.counts()).to.deep.equal({ online: 250, stale: 0, offline: 0 });
    await waitFor(() => rig.fleet.counts().offline === 250, 10_000, () => `all offline: ${JSON.stringify(rig.fleet.counts())}`);
    for (const [status, previous, when] of [['online', 'offline', at], ['stale', 'online', at + 100], ['offline', 'stale', at + 1_100]] as const) {
      const changes = rig.events.filter((e) => e.type === 'device.statusChanged' && e.status === status);
      expect(changes.map((e) => e.deviceId).sort()).to.deep.equal(devices);
      expect(new Set(changes.map((e) => `${(e as { previous: string }).previous}@${e.at}`))).to.deep.equal(new Set([`${previous}@${when}`]));
    }
  });

  it('derives each session from the persisted last-seen time (seen 10 s ago, staleAfter 15 s → online)', () => {
    const now = 1_700_000_000_000;
    const armed: number[] = [];
    const deadline = fromCallback<DeadlineCheck, DeadlineInput>(({ input }) => {
      armed.push(input.at);
    });
    rig = startFleet({ now: () => now }, deadline);
    rig.fleet.add('recent', now - 10_000);
    rig.fleet.add('quiet', now - 20_000);
    rig.fleet.add('gone', now - 3_600_000);
    rig.fleet.add('new', null);
    expect(rig.fleet.list().map((v) => [v.deviceId, v.status])).to.deep.equal([
      ['recent', 'online'],
      ['quiet', 'stale'],
      ['gone', 'offline'],
      ['new', 'offline'],
    ]);
    expect(armed).to.deep.equal([now + 5_000, now - 20_000 + 60_000]);
    expect(rig.events).to.deep.equal([]);
  });

  it('session events reach onEvent; the root emit bridge does not see them (it follows direct children only)', () => {
    rig = startFleet();
    const onBus: AnyEventObject[] = [];
    const detach = bridgeEmitsToBus(rig.root, { publish: (e: never) => onBus.push(e) });
    try {
      rig.fleet.add('edge-1', null);
      rig.fleet.heartbeat('edge-1', 1_000, { softwareVersion: '2.0.0' });
      expect(rig.events.map((e) => e.type)).to.deep.equal(['device.statusChanged', 'device.reported']);
      expect(rig.events[1]).to.deep.equal({ type: 'device.reported', deviceId: 'edge-1', status: 'online', reported: { softwareVersion: '2.0.0' }, at: 1_000 });
      expect(onBus.filter((e) => e.type.startsWith('device.'))).to.deep.equal([]);
    } finally {
      detach();
    }
  });

  it('lists and counts 1,000 devices from snapshots, in the order they were added', () => {
    rig = startFleet();
    const devices = ids(1000);
    for (const id of devices) rig.fleet.add(id, null);
    for (const id of devices.slice(0, 300)) rig.fleet.heartbeat(id, Date.now());
    rig.fleet.channelOpened('edge-0000', Date.now());
    const list = rig.fleet.list();
    expect(list.map((v) => v.deviceId)).to.deep.equal(devices);
    expect(list[0]).to.deep.include({ status: 'online', connected: true, reported: null });
    expect(list[999]).to.deep.equal({ deviceId: 'edge-0999', status: 'offline', lastSeenAt: null, reported: null, connected: false });
    expect(rig.fleet.counts()).to.deep.equal({ online: 300, stale: 0, offline: 700 });
    expect(rig.fleet.shards()).to.have.length(10);
  });

  it('tracks the device channel: connected while open, status unchanged when it closes', () => {
    rig = startFleet();
    rig.fleet.add('edge-1', null);
    rig.fleet.channelOpened('edge-1', 5_000);
    expect(rig.fleet.status('edge-1')).to.deep.equal({ deviceId: 'edge-1', status: 'online', lastSeenAt: 5_000, reported: null, connected: true });
    rig.fleet.channelClosed('edge-1', 6_000);
    expect(rig.fleet.status('edge-1')).to.deep.include({ status: 'online', connected: false, lastSeenAt: 5_000 });
  });

  it('removes a session, reuses its slot first-fit, and takes the same id back', () => {
    rig = startFleet({ shardCapacity: 2 });
    for (const id of ['a', 'b', 'c']) rig.fleet.add(id, null);
    expect(rig.fleet.remove('a')).to.equal(true);
    expect(rig.fleet.remove('a')).to.equal(false);
    expect(rig.root.system.get(sessionSystemId('a'))).to.equal(undefined);
    expect(rig.fleet.status('a')).to.equal(undefined);
    expect(rig.fleet.heartbeat('a', 1)).to.equal(false);
    rig.fleet.add('d', null);
    expect(rig.fleet.shards()).to.deep.equal([
      { id: 'deviceShard.0', sessions: 2 },
      { id: 'deviceShard.1', sessions: 1 },
    ]);
    expect(rig.fleet.add('a', 42)).to.equal(true);
    expect(rig.fleet.add('a', 42)).to.equal(false);
    expect(rig.fleet.status('a')).to.deep.include({ lastSeenAt: 42 });
    expect(rig.fleet.list().map((v) => v.deviceId)).to.deep.equal(['b', 'c', 'd', 'a']);
  });

  it('keeps reporting a session its shard restarted after a failure', async () => {
    let failNext = false;
    const flaky = fromCallback<DeadlineCheck, DeadlineInput>(({ input, sendBack }) => {
      if (failNext) {
        failNext = false;
        throw new Error('timer broke');
      }
      const timer = setTimeout(() => sendBack({ type: 'CHECK', now: Date.now() }), Math.max(0, input.at - Date.now()));
      return () => clearTimeout(timer);
    });
    rig = startFleet({ shardPolicy: { baseMs: 5, maxMs: 5, jitter: 0 } }, flaky);
    rig.fleet.add('edge-1', null);
    const before = rig.root.system.get(sessionSystemId('edge-1'));
    failNext = true;
    rig.fleet.heartbeat('edge-1', Date.now());
    await waitFor(() => {
      const ref = rig.root.system.get(sessionSystemId('edge-1')) as AnyActorRef | undefined;
      return ref !== undefined && ref !== before && ref.getSnapshot().status === 'active';
    }, 5000, 'the shard to restart the session');
    rig.events.length = 0;
    expect(rig.fleet.heartbeat('edge-1', 7_000)).to.equal(true);
    expect(rig.events.map((e) => e.type === 'device.statusChanged' && e.status)).to.deep.equal(['online']);
  });

  it('refuses a configuration that cannot work', () => {
    rig = startFleet();
    expect(() => createFleet({ root: rig.root, staleAfterMs: 10, offlineAfterMs: 10 })).to.throw(/staleAfterMs < offlineAfterMs/);
    expect(() => createFleet({ root: rig.root, staleAfterMs: 1, offlineAfterMs: 2, shardCapacity: 0 })).to.throw(/shardCapacity/);
    const wrong = createFleet({ root: rig.root, staleAfterMs: 1, offlineAfterMs: 2, shardSrc: 'nope' });
    expect(() => wrong.add('x', null)).to.throw(/did not start shard/);
  });
});
