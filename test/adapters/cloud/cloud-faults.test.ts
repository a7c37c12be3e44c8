import { expect } from 'chai';
import { createCloudClient, type CloudClient, type CloudErrorKind } from '../../../adapters/cloud/cloud-client.js';
import type { CloudSim } from '../../../src/cloud-sim/server.js';
import { bottleItems, milkCodes, provision, raw, startTestSim } from '../../cloud-sim/sim-harness.js';
import { cloudErrorOf } from './cloud-error-of.js';
import { waitFor } from '../../support/wait-for.js';

/** Every fault the simulator can inject, observed the way the edge sees it: through the client. */
describe('cloud client under injected faults', () => {
  let sim: CloudSim;
  let client: CloudClient;
  let deviceToken: string;
  beforeEach(async () => {
    sim = await startTestSim();
    client = createCloudClient({ baseUrl: sim.url, timeoutMs: 2_000 });
    ({ deviceToken } = await provision(sim));
  });
  afterEach(() => sim.close());

  const setFault = async (json: Record<string, unknown>) => {
    const res = await raw(sim, 'POST', '/admin/faults', { json });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };
  const stats = async () => (await raw(sim, 'GET', '/admin/stats')).body.data;
  const expectKind = async (promise: Promise<unknown>, kind: CloudErrorKind) => {
    const error = await cloudErrorOf(promise);
    expect(error.kind, error.message).to.equal(kind);
    return error;
  };

  it('refuse (in-process): connection refused until lifted, then the same port answers again', async () => {
    await client.company(deviceToken); // leaves a kept-alive connection that must not slip through
    sim.faults.set({ mode: 'refuse' });
    // The first call may still find the kept-alive socket the sim just closed; the next must dial.
    const first = await expectKind(client.company(deviceToken), 'unreachable');
    expect(first.message).to.match(/: connection (refused|closed by the server|reset) \(GET \/device\/company\)$/);
    const error = await expectKind(client.company(deviceToken), 'unreachable');
    expect(error.message).to.equal(`OKTO Cloud unreachable at ${sim.url}: connection refused (GET /device/company)`);
    await expectKind(client.sync(deviceToken, bottleItems(milkCodes(1))), 'unreachable');
    sim.faults.clear();
    await waitUntil(async () => (await client.company(deviceToken).then(() => true, () => false)));
    expect((await client.company(deviceToken)).id).to.equal('company-001');
    expect((await stats()).itemsStored).to.equal(0);
  });

  it('refuse (admin API, with durationMs): the port closes, then re-opens by itself', async () => {
    await setFault({ mode: 'refuse', durationMs: 1_000 });
    await expectKind(client.company(deviceToken), 'unreachable');
    await waitUntil(async () => (await client.company(deviceToken).then(() => true, () => false)));
    expect((await raw(sim, 'GET', '/admin/faults')).body.data.mode).to.equal('none');
  });

  for (const [mode, status] of [
    ['error500', 500],
    ['error503', 503],
  ] as const) {
    it(`${mode}: a 'server' error with status ${status}, nothing stored`, async () => {
      await setFault({ mode });
      const error = await expectKind(client.sync(deviceToken, bottleItems(milkCodes(3))), 'server');
      expect(error.status).to.equal(status);
      expect(error.transient).to.equal(true);
      expect((await stats()).itemsStored).to.equal(0);
    });
  }

  it("delay longer than the client's timeout: a 'timeout' error", async () => {
    const impatient = createCloudClient({ baseUrl: sim.url, timeoutMs: 100 });
    await setFault({ mode: 'delay', delayMs: 5_000, remaining: 1 });
    const error = await expectKind(impatient.company(deviceToken), 'timeout');
    expect(error.message).to.equal(`OKTO Cloud at ${sim.url} did not answer GET /device/company within 100 ms`);
  });

  it('delay shorter than the timeout: the answer arrives', async () => {
    await setFault({ mode: 'delay', delayMs: 50 });
    expect((await client.company(deviceToken)).id).to.equal('company-001');
  });

  it("drop: cut mid-response, 'unreachable', and nothing stored", async () => {
    await setFault({ mode: 'drop', remaining: 1 });
    const items = bottleItems(milkCodes(20));
    const error = await expectKind(client.sync(deviceToken, items), 'unreachable');
    expect(error.message).to.equal(`OKTO Cloud unreachable at ${sim.url}: connection closed mid-response (POST /device/sync)`);
    expect(await stats()).to.deep.include({ itemsReceived: 0, itemsStored: 0 });
    expect((await client.sync(deviceToken, items)).every((r) => r.status === 'accepted')).to.equal(true);
  });

  it('drop_after_commit: the items are stored but the answer is lost; the resend is all duplicate', async () => {
    await setFault({ mode: 'drop_after_commit', remaining: 1, paths: ['/device/sync'] });
    const items = bottleItems(milkCodes(20));
    await expectKind(client.sync(deviceToken, items), 'unreachable');
    expect((await stats()).itemsStored).to.equal(20);
    const resent = await client.sync(deviceToken, items);
    expect(resent.map((r) => r.status)).to.deep.equal(Array(20).fill('duplicate'));
    expect(await stats()).to.deep.include({ itemsStored: 20, bottles: 20, duplicatesAcknowledged: 20 });
  });

  it('remaining: the fault hits the next N matching requests, then the cloud answers again', async () => {
    await setFault({ mode: 'error503', remaining: 2, paths: ['/device/sync'] });
    expect((await client.company(deviceToken)).id).to.equal('company-001'); // other paths pass, uncounted
    const items = bottleItems(milkCodes(5));
    await expectKind(client.sync(deviceToken, items), 'server');
    expect((await raw(sim, 'GET', '/admin/faults')).body.data.remaining).to.equal(1);
    await expectKind(client.sync(deviceToken, items), 'server');
    expect((await client.sync(deviceToken, items)).map((r) => r.status)).to.deep.equal(Array(5).fill('accepted'));
    expect((await raw(sim, 'GET', '/admin/faults')).body.data.mode).to.equal('none');
  });

  it("expire-tokens: 'unauthorized' (not transient) until the edge provisions again", async () => {
    await raw(sim, 'POST', '/admin/expire-tokens');
    const error = await expectKind(client.sync(deviceToken, bottleItems(milkCodes(1))), 'unauthorized');
    expect(error.transient).to.equal(false);
    const { deviceToken: fresh } = await provision(sim);
    expect((await client.company(fresh)).id).to.equal('company-001');
  });

  it('close() does not wait for a delayed request', async () => {
    await setFault({ mode: 'delay', delayMs: 60_000 });
    const pending = client.company(deviceToken).catch((e: unknown) => e);
    await waitUntil(async () => (await stats()).requests >= 1);
    await sim.close();
    expect(await pending).to.have.property('kind', 'unreachable');
  });
});

const waitUntil = (condition: () => Promise<boolean>) => waitFor(condition, 10_000, 'the cloud to answer', { intervalMs: 20 });
