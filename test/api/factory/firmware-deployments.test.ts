import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { wsBase } from '../../support/factory-api-fixtures.js';
import type { CommandStatus } from '../../../src/domain/device-commands.js';
import { createFakeCommandPort, type FakeCommandPort } from '../../support/fake-command-port.js';
import { artifactBytes, uploadOk } from '../../support/firmware-fixtures.js';
import { waitFor } from '../../support/wait-for.js';
import { openWs, type TestWsClient } from '../../support/ws-client.js';

const DEPLOYMENTS = '/api/v1/firmware/deployments';

/**
 * Deployments with the command service faked: the fake stores dispatched commands and plays the
 * devices (stage, result) by publishing `command.changed`, as the command service does.
 */
describeOnBothDatabases('factory API: /api/v1/firmware/deployments (fake command port)', (db) => {
  let t: TestFactory;
  let commands: FakeCommandPort;
  let release: any;
  before(async () => {
    t = await startTestFactory(db);
    commands = createFakeCommandPort((command) => t.factory.system.bus.publish({ type: 'command.changed', command }));
    t.factory.system.services.commands = commands.port;
    release = await uploadOk(t, '7.0.0', artifactBytes(4096));
  });
  after(async () => {
    await t?.stop();
  });

  /** The device plays its newest command. */
  const playStage = (deviceId: string, stage: string) => commands.progress(commands.commandFor(deviceId).id, stage);
  const playResult = (deviceId: string, status: CommandStatus, error?: { code: string; message: string }) =>
    commands.finish(commands.commandFor(deviceId).id, status, error ? { error } : {});

  let n = 0;
  /** Fresh enrolled devices for one test. */
  const devices = async (count: number) => {
    const ids = Array.from({ length: count }, () => `fw-edge-${String(++n).padStart(3, '0')}`);
    for (const id of ids) await t.enrol(id);
    return ids;
  };
  const create = (body: unknown, token = t.tokens.admin) => t.request('POST', DEPLOYMENTS, { token, body });
  const get = async (id: string) => expectData(await t.request('GET', `${DEPLOYMENTS}/${id}`, { token: t.tokens.operator }));
  const stateOf = async (id: string) => Object.fromEntries(((await get(id)).devices as any[]).map((d) => [d.deviceId, d.state]));
  const until = (id: string, what: string, check: (deployment: any) => boolean) =>
    waitFor(async () => {
      const deployment = await get(id);
      return check(deployment) ? deployment : null;
    }, 5000, what);

  describe('create', () => {
    it('stores the deployment (201) and dispatches one update_firmware command per device, audited', async () => {
      const ids = await devices(2);
      const before = commands.dispatched.length;
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: ids, deviceTimeoutMs: 60_000, abortThresholdPercent: 25, abortMinDevices: 4 }), 201);
      expect(deployment).to.include({ releaseId: release.id, status: 'running', abortThresholdPercent: 25, abortMinDevices: 4, deviceTimeoutMs: 60_000, finishedAt: null, reason: null, createdBy: 'admin' });
      expect(deployment.counts).to.include({ total: 2, queued: 2 });
      const sent = commands.dispatched.slice(before);
      expect(sent.map((c) => c.deviceId).sort()).to.deep.equal(ids);
      for (const request of sent) {
        expect(request.type).to.equal('update_firmware');
        expect(request.params).to.deep.equal({
          releaseId: release.id,
          version: '7.0.0',
          artifactPath: `/api/v1/firmware/releases/${release.id}/artifact`,
          sha256: release.sha256,
          size: 4096,
          // The release's signature travels with the command: the edge checks it before downloading.
          signature: release.signature,
          signatureKeyId: release.signatureKeyId,
          deploymentId: deployment.id,
          installMode: 'soft',
        });
        expect(request.timeoutMs).to.equal(60_000);
        expect(Date.parse(request.expiresAt!) - Date.parse(deployment.createdAt)).to.equal(60_000);
        expect(request.idempotencyKey).to.equal(`firmware:${deployment.id}:${request.deviceId}`);
        expect(request.actor).to.deep.include({ username: 'admin' });
      }
      for (const device of deployment.devices) {
        expect(device.state).to.equal('queued');
        expect(device.commandId).to.equal(commands.commandFor(device.deviceId).id);
      }
      const audit = expectData(await t.request('GET', `/api/v1/audit-log?entityId=${deployment.id}`, { token: t.tokens.admin })) as any[];
      expect(audit.map((e) => e.action)).to.include('firmware.deployment.create');
    });

    it('confirmTimeoutMs (A/B installs: how long the new version has to confirm) is stored and travels in each command', async () => {
      const ids = await devices(1);
      const before = commands.dispatched.length;
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: ids, confirmTimeoutMs: 45_000 }), 201);
      expect(deployment.confirmTimeoutMs).to.equal(45_000);
      expect(commands.dispatched.slice(before)[0]!.params).to.include({ confirmTimeoutMs: 45_000, deploymentId: deployment.id });
      expect((await get(deployment.id)).confirmTimeoutMs).to.equal(45_000);
    });

    it('a maintenance window (in the site time zone unless it names one) and the install mode are stored and travel in each command', async () => {
      const [a, b] = await devices(2);
      const before = commands.dispatched.length;
      const site = expectData(await create({ releaseId: release.id, deviceIds: [a], maintenanceWindow: { cron: '0 2 * * *', durationMinutes: 120 } }), 201);
      expect(site.maintenanceWindow).to.deep.equal({ cron: '0 2 * * *', durationMinutes: 120, timeZone: t.config.company.timeZone });
      expect(commands.dispatched.slice(before)[0]!.params.maintenanceWindow).to.deep.equal(site.maintenanceWindow);
      const own = expectData(await create({ releaseId: release.id, deviceIds: [b], maintenanceWindow: { cron: '30 1 * * 6', durationMinutes: 60, timeZone: 'Asia/Yekaterinburg' } }), 201);
      expect((await get(own.id)).maintenanceWindow).to.deep.equal({ cron: '30 1 * * 6', durationMinutes: 60, timeZone: 'Asia/Yekaterinburg' });
      expect((await get(site.id)).maintenanceWindow.timeZone).to.equal(t.config.company.timeZone);
      const [c] = await devices(1);
      const forced = expectData(await create({ releaseId: release.id, deviceIds: [c], installMode: 'forced' }), 201);
      expect((await get(forced.id)).installMode).to.equal('forced');
      expect(commands.commandFor(c!).params.installMode).to.equal('forced');
    });

    it('devices of a group and listed devices together, each once', async () => {
      const ids = await devices(3);
      const group = expectData(await t.request('POST', '/api/v1/device-groups', { token: t.tokens.manager, body: { name: `fw-group-${n}` } }), 201);
      expectData(await t.request('POST', `/api/v1/device-groups/${group.id}/members`, { token: t.tokens.manager, body: { deviceIds: ids.slice(0, 2) } }));
      const deployment = expectData(await create({ releaseId: release.id, groupId: group.id, deviceIds: ids.slice(1) }), 201);
      expect(deployment.devices.map((d: any) => d.deviceId)).to.deep.equal(ids);
      const empty = expectData(await t.request('POST', '/api/v1/device-groups', { token: t.tokens.manager, body: { name: `fw-empty-${n}` } }), 201);
      expectValidationError(await create({ releaseId: release.id, groupId: empty.id }), 'deviceIds');
      expectError(await create({ releaseId: release.id, groupId: 'no-such-group' }), 404, 'NOT_FOUND');
    });

    it('bad bodies are 400 naming the field; unknown releases and devices are 404; nothing is dispatched', async () => {
      const [id] = await devices(1);
      const before = commands.dispatched.length;
      const cases: Array<[unknown, string]> = [
        [{ deviceIds: [id] }, 'releaseId'],
        [{ releaseId: release.id }, 'deviceIds'],
        [{ releaseId: release.id, deviceIds: [] }, 'deviceIds'],
        [{ releaseId: release.id, deviceIds: [id], abortThresholdPercent: 101 }, 'abortThresholdPercent'],
        [{ releaseId: release.id, deviceIds: [id], abortThresholdPercent: 12.5 }, 'abortThresholdPercent'],
        [{ releaseId: release.id, deviceIds: [id], abortMinDevices: 0 }, 'abortMinDevices'],
        [{ releaseId: release.id, deviceIds: [id], deviceTimeoutMs: 10 }, 'deviceTimeoutMs'],
        [{ releaseId: release.id, deviceIds: [id], confirmTimeoutMs: 999 }, 'confirmTimeoutMs'],
        [{ releaseId: release.id, deviceIds: [id], confirmTimeoutMs: '60s' }, 'confirmTimeoutMs'],
        [{ releaseId: release.id, deviceIds: [id], maintenanceWindow: { cron: 'nightly please', durationMinutes: 60 } }, 'maintenanceWindow.cron'],
        [{ releaseId: release.id, deviceIds: [id], maintenanceWindow: { cron: '0 2 * * *', durationMinutes: 0 } }, 'maintenanceWindow.durationMinutes'],
        [{ releaseId: release.id, deviceIds: [id], maintenanceWindow: { cron: '0 2 * * *', durationMinutes: 60, timeZone: 'Nowhere/City' } }, 'maintenanceWindow.timeZone'],
        [{ releaseId: release.id, deviceIds: [id], maintenanceWindow: '0 2 * * *' }, 'maintenanceWindow'],
        [{ releaseId: release.id, deviceIds: [id], installMode: 'whenever' }, 'installMode'],
        [{ releaseId: release.id, deviceIds: [id], wave: 1 }, 'wave'],
        [{ releaseId: 7, deviceIds: [id] }, 'releaseId'],
      ];
      for (const [body, field] of cases) expectValidationError(await create(body), field);
      expectError(await create({ releaseId: 'fw-none', deviceIds: [id] }), 404, 'NOT_FOUND');
      const unknown = expectError(await create({ releaseId: release.id, deviceIds: [id, 'not-registered'] }), 404, 'NOT_FOUND');
      expect(unknown.details).to.deep.equal({ missing: ['not-registered'] });
      expect(commands.dispatched.length).to.equal(before);
    });

    it('a device whose dispatch fails is failed at once with why', async () => {
      const ids = await devices(1);
      commands.failNext(new Error('device removed meanwhile'));
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: ids, abortMinDevices: 5 }), 201);
      const done = await until(deployment.id, 'the deployment to fail', (d) => d.status === 'failed');
      expect(done.devices[0]).to.include({ state: 'failed', error: 'dispatch failed: device removed meanwhile', commandId: null });
    });
  });

  describe('progress', () => {
    let dashboard: TestWsClient;
    before(async () => {
      dashboard = await openWs(`${wsBase(t)}/ws/dashboard?token=${t.tokens.operator}`);
    });
    after(async () => {
      await dashboard?.close();
    });

    it('stages and results move each device (downloading → verifying → installed) and end the deployment completed, live on /ws/dashboard', async () => {
      const [a, b] = await devices(2);
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: [a, b] }), 201);
      playStage(a!, 'downloading');
      await until(deployment.id, `${a} downloading`, (d) => d.devices[0].state === 'downloading');
      playStage(a!, 'verifying');
      playStage(b!, 'staging');
      await until(deployment.id, 'both verifying', (d) => d.counts.verifying === 2);
      playResult(a!, 'SUCCEEDED');
      playResult(b!, 'SUCCEEDED');
      const done = await until(deployment.id, 'completed', (d) => d.status === 'completed');
      expect(done.finishedAt).to.be.a('string');
      expect(done.counts).to.include({ total: 2, installed: 2 });
      const progress = await dashboard.next((m) => m.type === 'deployment_progress' && m.data.deploymentId === deployment.id && m.data.status === 'completed');
      expect(progress.data).to.include({ releaseId: release.id, version: '7.0.0' });
      expect(progress.data.counts).to.include({ installed: 2 });
      const seen = dashboard.messages.filter((m) => m.type === 'deployment_progress' && m.data.deploymentId === deployment.id && m.data.deviceId === a).map((m) => m.data.state);
      expect(seen).to.deep.equal(['downloading', 'verifying', 'installed']);
      const audit = expectData(await t.request('GET', `/api/v1/audit-log?entityId=${deployment.id}`, { token: t.tokens.admin })) as any[];
      expect(audit.find((e) => e.action === 'firmware.deployment.completed')).to.include({ outcome: 'success', username: 'firmware' });
    });

    it('FAILED is failed with the device error; TIMED_OUT and EXPIRED are timed out; below the threshold the deployment ends failed', async () => {
      const [a, b, c, d] = await devices(4);
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: [a, b, c, d], abortThresholdPercent: 80, abortMinDevices: 4 }), 201);
      playResult(a!, 'FAILED', { code: 'E_SHA256', message: 'checksum mismatch' });
      playResult(b!, 'TIMED_OUT');
      playResult(c!, 'EXPIRED');
      playResult(d!, 'SUCCEEDED');
      const done = await until(deployment.id, 'failed', (x) => x.status === 'failed');
      const byId = Object.fromEntries(done.devices.map((x: any) => [x.deviceId, x]));
      expect(byId[a!]).to.include({ state: 'failed', error: 'E_SHA256: checksum mismatch' });
      expect(byId[b!].state).to.equal('timed_out');
      expect(byId[b!].error).to.match(/no result within/);
      expect(byId[c!].state).to.equal('timed_out');
      expect(byId[c!].error).to.match(/not delivered before it expired/);
      expect(byId[d!].state).to.equal('installed');
      expect(done.reason).to.equal('3 of 4 devices failed or timed out');
    });

    it('aborts at its threshold: devices not started are skipped, devices at work are followed to their end', async () => {
      const ids = await devices(5);
      const [a, b, c] = ids;
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: ids, abortThresholdPercent: 20, abortMinDevices: 2 }), 201);
      playStage(c!, 'downloading');
      playResult(a!, 'FAILED', { code: 'E_VERIFY', message: 'size mismatch' });
      await until(deployment.id, `${a} failed`, (x) => x.counts.failed === 1);
      expect((await get(deployment.id)).status).to.equal('running'); // 1 finished: fewer than 2
      playResult(b!, 'TIMED_OUT');
      const aborted = await until(deployment.id, 'aborted', (x) => x.status === 'aborted');
      expect(aborted.finishedAt).to.be.a('string');
      expect(aborted.reason).to.equal('2 of 2 finished devices failed or timed out: more than 20% of at least 2');
      expect(await stateOf(deployment.id)).to.deep.equal({ [ids[0]!]: 'failed', [ids[1]!]: 'timed_out', [ids[2]!]: 'downloading', [ids[3]!]: 'skipped', [ids[4]!]: 'skipped' });
      playResult(c!, 'SUCCEEDED');
      await until(deployment.id, `${c} installed`, (x) => x.counts.installed === 1);
      expect((await get(deployment.id)).status).to.equal('aborted');
      const audit = expectData(await t.request('GET', `/api/v1/audit-log?entityId=${deployment.id}`, { token: t.tokens.admin })) as any[];
      expect(audit.map((e) => e.action)).to.include('firmware.deployment.aborted');
    });

    it('only the deployment’s own command moves a device (another update_firmware naming the deployment is ignored)', async () => {
      const [a] = await devices(1);
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: [a] }), 201);
      const own = commands.commandFor(a!);
      t.factory.system.bus.publish({ type: 'command.changed', command: { ...own, id: 'cmd-other', idempotencyKey: 'someone-else', status: 'SUCCEEDED', completedAt: new Date().toISOString() } });
      playStage(a!, 'downloading');
      await until(deployment.id, 'downloading', (x) => x.devices[0].state === 'downloading');
      expect((await get(deployment.id)).status).to.equal('running');
    });
  });

  describe('list and read', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: DEPLOYMENTS },
      { method: 'GET', path: `${DEPLOYMENTS}/dep-unknown` },
      { method: 'POST', path: DEPLOYMENTS, role: 'ADMIN', body: { releaseId: 'fw-none', deviceIds: ['x'] } },
    ]);

    it('filters by release and by device, newest first, with counts; unknown ids are 404; bad filters 400', async () => {
      const other = await uploadOk(t, '7.1.0', artifactBytes(100));
      const [a, b] = await devices(2);
      const first = expectData(await create({ releaseId: other.id, deviceIds: [a] }), 201);
      const second = expectData(await create({ releaseId: other.id, deviceIds: [a, b] }), 201);
      const byRelease = expectData(await t.request('GET', `${DEPLOYMENTS}?releaseId=${other.id}`, { token: t.tokens.operator })) as any[];
      expect(byRelease.map((d) => d.id)).to.deep.equal([second.id, first.id]);
      expect(byRelease[0].counts).to.deep.equal({ queued: 2 });
      const byDevice = expectData(await t.request('GET', `${DEPLOYMENTS}?deviceId=${b}`, { token: t.tokens.operator })) as any[];
      expect(byDevice.map((d) => d.id)).to.deep.equal([second.id]);
      expect(expectData(await t.request('GET', `${DEPLOYMENTS}?releaseId=${release.id}&deviceId=${b}`, { token: t.tokens.operator }))).to.deep.equal([]);
      expectError(await t.request('GET', `${DEPLOYMENTS}/dep-nope`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('GET', `${DEPLOYMENTS}?limit=0`, { token: t.tokens.operator }), 'limit');
      expectValidationError(await t.request('GET', `${DEPLOYMENTS}?state=x`, { token: t.tokens.operator }), 'state');
    });
  });

  describe('supervision', () => {
    it("each running deployment's machine is a child of the factory's `deployments` supervisor, removed once its devices are all final", async () => {
      const [a] = await devices(1);
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: [a] }), 201);
      const supervisor = () => t.factory.system.root.system.get('deployments')!.getSnapshot().context as { children: Record<string, { status: string }> };
      expect(supervisor().children[deployment.id]).to.include({ status: 'RUNNING' });
      const machine = t.factory.system.root.system.get(`deployments.${deployment.id}`)!;
      expect(machine.getSnapshot().context.status).to.equal('running');
      playResult(a!, 'SUCCEEDED');
      await until(deployment.id, 'completed', (x) => x.status === 'completed');
      expect(supervisor().children[deployment.id]).to.equal(undefined);
      expect(t.factory.system.root.system.get(`deployments.${deployment.id}`)).to.equal(undefined);
    });
  });

  describe('restart', () => {
    it('progress survives a restart, and the deployment goes on from where it was', async () => {
      const [a, b] = await devices(2);
      const deployment = expectData(await create({ releaseId: release.id, deviceIds: [a, b] }), 201);
      playStage(a!, 'verifying');
      playResult(b!, 'SUCCEEDED');
      await until(deployment.id, 'progress stored', (x) => x.counts.verifying === 1 && x.counts.installed === 1);
      await t.restart();
      t.factory.system.services.commands = commands.port;
      expect(await stateOf(deployment.id)).to.deep.equal({ [a!]: 'verifying', [b!]: 'installed' });
      playResult(a!, 'SUCCEEDED');
      const done = await until(deployment.id, 'completed after the restart', (x) => x.status === 'completed');
      expect(done.counts).to.include({ installed: 2 });
    });
  });
});
