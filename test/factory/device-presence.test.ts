import { expect } from 'chai';
import { createDevicePresence, type SeenRecord } from '../../src/factory/device-presence.js';
import type { Fleet } from '../../src/factory/fleet.js';
import { silentLogger } from '../../src/runtime/logger.js';

/** A fleet that records what it was told. */
function recordingFleet() {
  const calls: string[] = [];
  const fleet = {
    heartbeat: (id: string, at: number, status?: unknown) => calls.push(`heartbeat ${id} ${at}${status ? ' +status' : ''}`) > 0,
    channelOpened: (id: string, at: number) => calls.push(`open ${id} ${at}`) > 0,
    channelClosed: (id: string, at: number) => calls.push(`close ${id} ${at}`) > 0,
  } as unknown as Fleet;
  return { fleet, calls };
}

describe('device presence', () => {
  let clock = 1_000_000;
  const now = () => clock;

  it('tells the session at once, and stores the latest sign of life per device in one write per flush', async () => {
    const { fleet, calls } = recordingFleet();
    const writes: SeenRecord[][] = [];
    const presence = createDevicePresence({ fleet, recordSeen: async (records) => void writes.push(records), logger: silentLogger, flushIntervalMs: 60_000, now });
    presence.channelOpened('a');
    clock += 10;
    presence.heartbeat('a', { line: { state: 'running' } });
    clock += 10;
    presence.heartbeat('a');
    presence.heartbeat('b');
    presence.channelClosed('b');
    expect(calls).to.deep.equal(['open a 1000000', 'heartbeat a 1000010 +status', 'heartbeat a 1000020', 'heartbeat b 1000020', 'close b 1000020']);

    await presence.flush();
    expect(writes).to.have.length(1);
    expect(writes[0]).to.deep.equal([
      // The status of the earlier heartbeat is kept when a later one carries none.
      { deviceId: 'a', at: new Date(1_000_020).toISOString(), reported: { line: { state: 'running' } } },
      { deviceId: 'b', at: new Date(1_000_020).toISOString() },
    ]);
    await presence.flush();
    expect(writes, 'nothing new, nothing written').to.have.length(1);
    await presence.stop();
  });

  it('keeps what it could not store for the next flush, and forgets a removed device', async () => {
    const { fleet } = recordingFleet();
    let fail = true;
    const writes: SeenRecord[][] = [];
    const presence = createDevicePresence({
      fleet,
      recordSeen: async (records) => {
        if (fail) throw new Error('database is locked');
        writes.push(records);
      },
      logger: silentLogger,
      flushIntervalMs: 60_000,
      now,
    });
    presence.heartbeat('a');
    presence.heartbeat('gone');
    await presence.flush();
    presence.forget('gone');
    fail = false;
    await presence.stop();
    expect(writes.map((batch) => batch.map((r) => r.deviceId))).to.deep.equal([['a']]);
  });
});
