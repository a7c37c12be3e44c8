import { expect } from 'chai';
import { expectData, expectError } from '../support/api-expect.js';
import { codes } from '../support/edge-fixtures.js';
import { type FactoryProxy, startFactoryProxy } from '../support/factory-proxy.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../support/factory-harness.js';
import { createFleet, dispatch, edgeCommandRecords, getCommand, scanOn, SETTLE_MS, waitConnected, waitFinal } from '../support/fleet-edges.js';
import { waitFor } from '../support/wait-for.js';
import { openWs, type TestWsClient } from '../support/ws-client.js';
import { firmwareScenarios } from './fleet-firmware.scenarios.js';

/**
 * Fleet management end to end: a real factory and real edges (in-process, each with its own
 * storage) talking over /ws/device. Commands to cabinets that are off, that hang, that come
 * back too late, that are asked twice, to a whole group, a desired config, a restart that loses
 * the channel the result should have gone over, and firmware rollouts.
 */
describeOnBothDatabases('fleet management end to end: factory ↔ real edges over /ws/device', (db) => {
  let factory: TestFactory | undefined;
  const f = () => factory!;
  const fleet = createFleet(f);

  before(async function () {
    this.timeout(SETTLE_MS);
    factory = await startTestFactory(db, { devices: { heartbeatIntervalMs: 500 }, dashboard: { metricsIntervalMs: 60_000 } });
  });
  afterEach(async function () {
    this.timeout(SETTLE_MS);
    await fleet.disposeAll();
  });
  after(async function () {
    this.timeout(SETTLE_MS);
    await factory?.stop();
  });

  describe('device commands', function () {
    this.timeout(3 * SETTLE_MS);
    const proxies: FactoryProxy[] = [];
    const proxy = async () => {
      const started = await startFactoryProxy(f().url);
      proxies.push(started);
      return started;
    };
    afterEach(async () => {
      for (const p of proxies.splice(0)) await p.close();
    });

    it('a command to an edge that is off is queued (202), delivered when it starts, and takes effect: the disabled edge refuses scans', async () => {
      const cabinet = await fleet.enrolCabinet('fm-offline-1');
      const queued = await dispatch(f(), 'fm-offline-1', { type: 'disable_device', params: { reason: 'line audit' } }, f().tokens.manager);
      expect(queued.status).to.equal(202);
      expect(queued.command).to.include({ status: 'QUEUED', type: 'disable_device' });

      await cabinet.start();
      const done = await waitFinal(f(), 'fm-offline-1', queued.command.id);
      expect(done.status).to.equal('SUCCEEDED');
      expect(done.result).to.include({ disabled: true, reason: 'line audit' });
      expect(done.deliveredAt).to.be.a('string');
      const refused = await scanOn(cabinet.t, codes(1)[0]!);
      expect(refused.outcome).to.not.equal('accepted');
      expect(refused.message).to.equal('device disabled by the factory: line audit');

      // Online now: the call waits for the result (200) and the line takes scans again.
      const enabled = await dispatch(f(), 'fm-offline-1', { type: 'enable_device', timeoutMs: SETTLE_MS }, f().tokens.manager);
      expect(enabled.status).to.equal(200);
      expect(enabled.command.status).to.equal('SUCCEEDED');
      expect((await scanOn(cabinet.t, codes(1)[0]!)).outcome).to.equal('accepted');
    });

    it('restart_service: the channel drops with the old actors, the result comes over the new one and the factory records SUCCEEDED', async () => {
      const cabinet = await fleet.enrolCabinet('fm-restart-1');
      await cabinet.start();
      await waitConnected(f(), 'fm-restart-1');
      const before = cabinet.t.edge.system.factoryLink();
      const { command } = await dispatch(f(), 'fm-restart-1', { type: 'restart_service', timeoutMs: SETTLE_MS, wait: false }, f().tokens.manager);
      const done = await waitFinal(f(), 'fm-restart-1', command.id);
      expect(done.status, JSON.stringify(done.error)).to.equal('SUCCEEDED');
      expect(done.result.restarts).to.equal(1);
      expect(cabinet.t.edge.system.factoryLink()).to.not.equal(before);
      // Ran once, and the restarted edge still works and is still connected.
      expect((await edgeCommandRecords(cabinet.t)).filter((r) => r.commandId === command.id)).to.have.length(1);
      await waitConnected(f(), 'fm-restart-1');
      expect((await scanOn(cabinet.t, codes(1)[0]!)).outcome).to.equal('accepted');
    });

    it('a command whose result does not come within its timeout is TIMED_OUT, and the late result does not change that', async () => {
      // The edge takes the command (the ack gets through), then its link to the factory goes
      // silent one way: the factory hears nothing more from it. The command runs longer than its
      // timeout anyway, so the edge's own answer, when the link heals, is late as well.
      const link = await proxy();
      const cabinet = await fleet.enrolCabinet('fm-timeout-1', { factoryUrl: link.url, config: { commands: { execShell: { enabled: true, allowlist: [['sleep', '*']], timeoutMs: 60_000 } } } });
      await cabinet.start();
      await waitConnected(f(), 'fm-timeout-1');
      const { command } = await dispatch(f(), 'fm-timeout-1', { type: 'exec_shell', params: { command: 'sleep', args: ['30'] }, timeoutMs: 5_000, wait: false });
      await waitFor(async () => (await getCommand(f(), 'fm-timeout-1', command.id)).status === 'DELIVERED', SETTLE_MS, 'the command to be delivered');
      link.stallUpstream();
      const done = await waitFinal(f(), 'fm-timeout-1', command.id);
      expect(done.status).to.equal('TIMED_OUT');
      expect(done.error.code).to.equal('TIMED_OUT');

      // The edge gave up at its own deadline too and answered into the silent link.
      await waitFor(async () => (await edgeCommandRecords(cabinet.t)).find((r) => r.commandId === command.id && r.status === 'done'), SETTLE_MS, 'the edge to give up on the program');
      link.resumeUpstream();
      // A command sent after the heal is answered after the late result (one ordered channel).
      const later = await dispatch(f(), 'fm-timeout-1', { type: 'force_sync', timeoutMs: SETTLE_MS }, f().tokens.manager);
      expect(later.command.status).to.equal('SUCCEEDED');
      const after = await getCommand(f(), 'fm-timeout-1', command.id);
      expect(after).to.deep.include({ status: 'TIMED_OUT', completedAt: done.completedAt, error: done.error });
    });

    it('a command that expires while the edge is off is EXPIRED, and the edge never runs it when it comes back', async () => {
      const cabinet = await fleet.enrolCabinet('fm-expire-1');
      const expiresAt = new Date(Date.now() + 2_000).toISOString();
      const queued = await dispatch(f(), 'fm-expire-1', { type: 'disable_device', params: { reason: 'too late' }, expiresAt }, f().tokens.manager);
      expect(queued.status).to.equal(202);
      const expired = await waitFinal(f(), 'fm-expire-1', queued.command.id);
      expect(expired.status).to.equal('EXPIRED');
      expect(expired.sentAt).to.equal(null);

      await cabinet.start();
      await waitConnected(f(), 'fm-expire-1');
      // A later command goes through the same channel: whatever was due has been handed over by then.
      const later = await dispatch(f(), 'fm-expire-1', { type: 'force_sync', timeoutMs: SETTLE_MS }, f().tokens.manager);
      expect(later.command.status).to.equal('SUCCEEDED');
      expect((await edgeCommandRecords(cabinet.t)).map((r) => r.commandId)).to.deep.equal([later.command.id]);
      expect((await scanOn(cabinet.t, codes(1)[0]!)).outcome).to.equal('accepted');
      expect((await getCommand(f(), 'fm-expire-1', queued.command.id)).status).to.equal('EXPIRED');
    });

    it('the same idempotencyKey, queued and after it ran, is one command that ran once: clear_queue dropped the outbox once', async () => {
      // DIRECT_CLOUD and not provisioned: the outbox stays put (the factory link connects all the same).
      const cabinet = await fleet.enrolCabinet('fm-idem-1', { mode: 'DIRECT_CLOUD' });
      await cabinet.start();
      for (const code of codes(3)) expect((await scanOn(cabinet.t, code)).outcome).to.equal('accepted');
      await cabinet.stop();

      const body = { type: 'clear_queue', idempotencyKey: 'clear-after-audit-7', timeoutMs: SETTLE_MS };
      const first = await dispatch(f(), 'fm-idem-1', body);
      const again = await dispatch(f(), 'fm-idem-1', body);
      expect(first.status).to.equal(202);
      expect(again.command.id).to.equal(first.command.id);

      await cabinet.start();
      const done = await waitFinal(f(), 'fm-idem-1', first.command.id);
      expect(done.status).to.equal('SUCCEEDED');
      expect(done.result).to.include({ dropped: 3 });
      expect((await cabinet.t.edge.system.outbox.status()).queueSize).to.equal(0);

      for (const code of codes(2)) expect((await scanOn(cabinet.t, code)).outcome).to.equal('accepted');
      const retried = await dispatch(f(), 'fm-idem-1', body);
      expect(retried.status).to.equal(200);
      expect(retried.command).to.deep.include({ id: first.command.id, status: 'SUCCEEDED' });
      expect(retried.command.result).to.include({ dropped: 3 });
      // Nothing ran again: the two new scans are still waiting.
      expect((await cabinet.t.edge.system.outbox.status()).queueSize).to.equal(2);
      expect((await edgeCommandRecords(cabinet.t)).filter((r) => r.type === 'clear_queue')).to.have.length(1);
      const listed = expectData(await f().request('GET', '/api/v1/devices/fm-idem-1/commands?type=clear_queue', { token: f().tokens.operator }));
      expect(listed.total).to.equal(1);
    });
  });

  describe('a group of edges', function () {
    this.timeout(3 * SETTLE_MS);
    let dashboard: TestWsClient | undefined;
    afterEach(async () => {
      await dashboard?.close();
      dashboard = undefined;
    });

    it('bulk dispatch: per-device results and a summary, the member that was off completes when it connects, and /ws/dashboard follows', async () => {
      const ids = ['fm-group-1', 'fm-group-2', 'fm-group-3', 'fm-group-4'];
      const cabinets = await Promise.all(ids.map((id) => fleet.enrolCabinet(id)));
      const group = expectData(await f().request('POST', '/api/v1/device-groups', { token: f().tokens.manager, body: { name: 'Bottling hall B' } }), 201);
      expectData(await f().request('POST', `/api/v1/device-groups/${group.id}/members`, { token: f().tokens.manager, body: { deviceIds: ids } }));
      for (const cabinet of cabinets.slice(0, 3)) await cabinet.start();
      for (const id of ids.slice(0, 3)) await waitConnected(f(), id);
      dashboard = await openWs(`ws://127.0.0.1:${f().factory.port}/ws/dashboard?token=${f().tokens.operator}`);

      const bulk = expectData(
        await f().request('POST', `/api/v1/device-groups/${group.id}/commands`, { token: f().tokens.manager, body: { type: 'pull_logs', params: { lines: 5 }, timeoutMs: SETTLE_MS } }),
      );
      expect(bulk.results.map((r: any) => r.deviceId).sort()).to.deep.equal(ids);
      const byDevice = new Map<string, any>(bulk.results.map((r: any) => [r.deviceId, r]));
      for (const id of ids.slice(0, 3)) {
        expect(byDevice.get(id).status, id).to.equal('SUCCEEDED');
        expect(byDevice.get(id).result.lines).to.be.an('array');
      }
      expect(byDevice.get('fm-group-4').status).to.equal('QUEUED');
      expect(bulk.summary).to.deep.equal({ total: 4, succeeded: 3, failed: 0, timedOut: 0, expired: 0, pending: 1 });

      await cabinets[3]!.start();
      const late = await waitFinal(f(), 'fm-group-4', byDevice.get('fm-group-4').commandId);
      expect(late.status).to.equal('SUCCEEDED');
      const complete = await dashboard.next((m) => m.type === 'command_progress' && m.data.bulkId === bulk.bulkId && m.data.done === 4, SETTLE_MS);
      expect(complete.data).to.deep.include({ groupId: group.id, total: 4, done: 4, succeeded: 4, failed: 0 });
    });
  });

  describe('desired config', function () {
    this.timeout(3 * SETTLE_MS);

    it('PUT with push: the edge applies it (its effective settings change), GET shows it in sync; a stale version is 409', async () => {
      const cabinet = await fleet.enrolCabinet('fm-config-1');
      await cabinet.start();
      await waitConnected(f(), 'fm-config-1');
      const path = '/api/v1/devices/fm-config-1/config';
      expect(expectData(await f().request('GET', path, { token: f().tokens.operator })).version).to.equal(0);
      const config = { line: { party: 'P-2024-42', batchSize: 24 }, sync: { pollIntervalMs: 750, batchSize: 321 } };
      const put = expectData(await f().request('PUT', path, { token: f().tokens.manager, body: { version: 0, config, push: true } }));
      expect(put.version).to.equal(1);

      const view = await waitFor(
        async () => {
          const v = expectData(await f().request('GET', path, { token: f().tokens.operator }));
          return v.inSync ? v : null;
        },
        SETTLE_MS,
        'the device config to be in sync',
      );
      expect(view).to.deep.include({ version: 1, reportedVersion: 1, differences: [] });
      const edgeConfig = cabinet.t.edge.system.config;
      expect(edgeConfig.sync.pollIntervalMs).to.equal(750);
      expect(edgeConfig.sync.batchSize).to.equal(321);

      const stale = expectError(await f().request('PUT', path, { token: f().tokens.manager, body: { version: 0, config: { sync: { pollIntervalMs: 900 } } } }), 409, 'CONFLICT');
      expect(JSON.stringify(stale)).to.contain('1');
      expect(cabinet.t.edge.system.config.sync.pollIntervalMs).to.equal(750);
    });
  });

  firmwareScenarios(f, fleet);
});
