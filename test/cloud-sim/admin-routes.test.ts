import { expect } from 'chai';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import { bottleItems, milkCodes, provision, raw, signIn, startTestSim } from './sim-harness.js';

describe('cloud simulator: admin API', () => {
  let sim: CloudSim;
  let deviceToken: string;
  beforeEach(async () => {
    sim = await startTestSim();
    ({ deviceToken } = await provision(sim));
  });
  afterEach(() => sim.close());

  const sync = (items: unknown) => raw(sim, 'POST', '/device/sync', { token: deviceToken, json: { items } });

  it('GET /admin/stats starts at zero and counts requests that are not admin ones', async () => {
    const fresh = await startTestSim();
    try {
      const res = await raw(fresh, 'GET', '/admin/stats');
      expect(res.body.data).to.deep.equal({
        itemsReceived: 0,
        itemsStored: 0,
        duplicatesAcknowledged: 0,
        rejected: 0,
        byKind: {},
        bottles: 0,
        requests: 0,
        syncRequests: 0,
      });
      await raw(fresh, 'GET', '/devices');
      await raw(fresh, 'GET', '/admin/faults');
      expect((await raw(fresh, 'GET', '/admin/stats')).body.data.requests).to.equal(1);
    } finally {
      await fresh.close();
    }
  });

  it('GET /admin/received lists the latest items first, with payloads, filtered by kind and status', async () => {
    const codes = milkCodes(3);
    await sync([...bottleItems(codes), { id: 'b', kind: 'batch.created', payload: { batchId: 'B-1' } }, { id: 'u', kind: 'nope', payload: {} }]);
    const all = (await raw(sim, 'GET', '/admin/received')).body.data;
    expect(all.map((i: { id: string }) => i.id)).to.deep.equal(['u', 'b', 'item-2', 'item-1', 'item-0']);
    expect(all[1]).to.deep.include({ kind: 'batch.created', status: 'accepted', deviceId: 'device-001', payload: { batchId: 'B-1' } });
    expect(all[0]).to.deep.include({ status: 'rejected', reason: 'Unknown kind "nope"' });
    expect(Date.parse(all[0].receivedAt)).to.be.closeTo(Date.now(), 60_000);

    const bottles = (await raw(sim, 'GET', '/admin/received?kind=bottle.created&limit=2')).body.data;
    expect(bottles.map((i: { id: string }) => i.id)).to.deep.equal(['item-2', 'item-1']);
    expect(bottles[0].payload).to.deep.equal({ identifier: codes[2] });
    const rejected = (await raw(sim, 'GET', '/admin/received?status=rejected')).body.data;
    expect(rejected.map((i: { id: string }) => i.id)).to.deep.equal(['u']);
    expect((await raw(sim, 'GET', '/admin/received?limit=0')).status).to.equal(400);
    expect((await raw(sim, 'GET', '/admin/received?status=maybe')).status).to.equal(400);
  });

  it('GET /admin/bottles pages through the identification codes in arrival order', async () => {
    const codes = milkCodes(5);
    await sync(bottleItems(codes));
    const page = (await raw(sim, 'GET', '/admin/bottles?offset=1&limit=3')).body.data;
    expect(page).to.deep.equal({ total: 5, offset: 1, codes: codes.slice(1, 4).map((c) => c.slice(0, 24)) });
  });

  it('POST /admin/faults sets and GET /admin/faults shows the fault; bad specs are 400', async () => {
    const set = await raw(sim, 'POST', '/admin/faults', { json: { mode: 'delay', delayMs: 5, remaining: 2, paths: ['/device/sync'] } });
    expect(set.status).to.equal(200);
    const expected = { mode: 'delay', delayMs: 5, remaining: 2, paths: ['/device/sync'], until: null };
    expect(set.body.data).to.deep.equal(expected);
    expect((await raw(sim, 'GET', '/admin/faults')).body.data).to.deep.equal(expected);

    for (const json of [
      { mode: 'explode' },
      { mode: 'delay' },
      { mode: 'delay', delayMs: -1 },
      { mode: 'error500', remaining: 0 },
      { mode: 'error500', paths: ['no-slash'] },
      { mode: 'refuse' },
      { mode: 'refuse', durationMs: 100, remaining: 1 },
      { mode: 'none', extra: 1 },
    ]) {
      const res = await raw(sim, 'POST', '/admin/faults', { json });
      expect(res.status, JSON.stringify(json)).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_ERROR');
    }
    // A refused spec leaves the previous fault in place.
    expect((await raw(sim, 'GET', '/admin/faults')).body.data).to.deep.equal(expected);
    expect((await raw(sim, 'POST', '/admin/faults', { json: { mode: 'none' } })).body.data.mode).to.equal('none');
  });

  it('never applies faults to the admin API itself', async () => {
    await raw(sim, 'POST', '/admin/faults', { json: { mode: 'error500' } });
    expect((await raw(sim, 'GET', '/admin/stats')).status).to.equal(200);
    expect((await raw(sim, 'GET', '/device/company', { token: deviceToken })).status).to.equal(500);
  });

  it('POST /admin/expire-tokens makes every user and device token answer 401', async () => {
    const userToken = await signIn(sim);
    const res = await raw(sim, 'POST', '/admin/expire-tokens');
    expect(res.body.data.expired).to.be.at.least(2);
    expect((await raw(sim, 'GET', '/devices', { token: userToken })).status).to.equal(401);
    expect((await raw(sim, 'GET', '/device/company', { token: deviceToken })).status).to.equal(401);
    // Re-provisioning works: the same installation can activate again with a new user token.
    const again = await raw(sim, 'POST', '/devices/device-001/activate', { token: await signIn(sim), json: { installationId: 'inst-A' } });
    expect(again.status).to.equal(200);
  });

  it('POST /admin/reset forgets items, activations, tokens and faults', async () => {
    await sync(bottleItems(milkCodes(2)));
    await raw(sim, 'POST', '/admin/faults', { json: { mode: 'error503', paths: ['/devices'] } });
    expect((await raw(sim, 'POST', '/admin/reset')).status).to.equal(200);
    expect((await raw(sim, 'GET', '/admin/stats')).body.data).to.deep.include({ itemsStored: 0, bottles: 0, requests: 0 });
    expect((await raw(sim, 'GET', '/admin/faults')).body.data.mode).to.equal('none');
    expect((await raw(sim, 'GET', '/device/company', { token: deviceToken })).status).to.equal(401);
    const devices = await raw(sim, 'GET', '/devices', { token: await signIn(sim) });
    expect(devices.body.data.every((d: { activated: boolean }) => !d.activated)).to.equal(true);
  });

  it('POST /admin/devices/{id}/deactivate: 404 for an unknown device, false when not active', async () => {
    expect((await raw(sim, 'POST', '/admin/devices/device-999/deactivate')).status).to.equal(404);
    expect((await raw(sim, 'POST', '/admin/devices/device-002/deactivate')).body.data).to.deep.equal({ deactivated: false });
  });
});
