import { expect } from 'chai';
import { DomainError } from '../../../src/domain/domain-error.js';
import type { CommandPort } from '../../../src/domain/ports/command-port.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { connectDevice, type DeviceChannel, deleteDevice, openDeviceChannel } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { createFakeCommandPort, type FakeCommandPort } from '../../support/fake-command-port.js';
import { waitFor } from '../../support/wait-for.js';

const configPath = (id: string) => `/api/v1/devices/${id}/config`;

describeOnBothDatabases('factory API: /api/v1/devices/{id}/config (desired config)', (db) => {
  let t: TestFactory;
  let commands: FakeCommandPort;
  let realCommands: CommandPort | undefined;

  before(async () => {
    t = await startTestFactory(db);
    realCommands = t.factory.system.services.commands;
  });
  beforeEach(() => {
    // A fake command service: these tests drive push_config results by hand (the end-to-end test uses the real one).
    commands = createFakeCommandPort((command) => t.factory.system.bus.publish({ type: 'command.changed', command }));
    t.factory.system.services.commands = commands.port;
  });
  after(async () => {
    if (t) t.factory.system.services.commands = realCommands;
    await t?.stop();
  });

  const get = async (id: string) => expectData(await t.request('GET', configPath(id), { token: t.tokens.operator }));
  const put = (id: string, body: unknown, token = t.tokens.manager) => t.request('PUT', configPath(id), { token, body });
  const audit = async (entityId: string) => expectData(await t.request('GET', `/api/v1/audit-log?entityId=${entityId}`, { token: t.tokens.admin })) as any[];

  describe('authentication and roles', () => {
    before(async () => {
      await t.enrol('cfg-auth');
    });
    // PUT with push: false, so an admitted role's write does not depend on the command service; version 0 only works once,
    // so later roles get 409 (neither 401 nor 403: they were admitted).
    itRequiresAuth(() => t, [
      { method: 'GET', path: configPath('cfg-auth') },
      { method: 'PUT', path: configPath('cfg-auth'), role: 'MANAGER', body: { version: 0, config: {}, push: false } },
    ]);
  });

  describe('GET', () => {
    it('a device with no desired config yet: version 0, nothing desired, in sync', async () => {
      await t.enrol('cfg-new');
      expect(await get('cfg-new')).to.deep.equal({
        deviceId: 'cfg-new',
        version: 0,
        desired: {},
        reported: null,
        reportedVersion: null,
        reportedAt: null,
        lastCommandId: null,
        inSync: true,
        differences: [],
      });
    });

    it('404 for an unknown device, 400 for a bad device id', async () => {
      expectError(await t.request('GET', configPath('no-such-device'), { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('GET', configPath('bad%20id'), { token: t.tokens.operator }), 'id');
    });
  });

  describe('PUT', () => {
    const config = { line: { productId: 'product-7', batchSize: 500 }, sync: { batchSize: 100, pollIntervalMs: 2000 }, log: { level: 'debug' } };

    it('stores version 1, pushes it as push_config, and shows in sync once the device reports it applied', async () => {
      await t.enrol('cfg-happy');
      const answer = expectData(await put('cfg-happy', { version: 0, config }));
      expect(answer).to.include({ deviceId: 'cfg-happy', version: 1, inSync: false, reportedVersion: null });
      expect(answer.desired).to.deep.equal(config);
      expect(answer.command).to.deep.equal({ id: answer.command.id, status: 'QUEUED' });
      expect(answer.lastCommandId).to.equal(answer.command.id);
      expect(answer.differences.map((d: any) => d.path)).to.deep.equal(['line.productId', 'line.batchSize', 'sync.batchSize', 'sync.pollIntervalMs', 'log.level']);
      expect(answer.differences[0]).to.deep.equal({ path: 'line.productId', desired: 'product-7', reported: null });

      expect(commands.dispatched).to.have.length(1);
      expect(commands.dispatched[0]).to.deep.include({ deviceId: 'cfg-happy', type: 'push_config', params: { version: 1, config } });
      expect(commands.dispatched[0]!.actor).to.include({ username: 'manager' });

      // The edge reports the full config it now runs with (more than was desired: not a difference).
      const applied = { ...config, sync: { ...config.sync, extra: true } };
      commands.finish(answer.command.id, 'SUCCEEDED', { result: { version: 1, applied } });
      const synced = await waitFor(async () => {
        const view = await get('cfg-happy');
        return view.inSync ? view : null;
      });
      expect(synced).to.deep.include({ version: 1, reportedVersion: 1, differences: [] });
      expect(synced.reported).to.deep.equal(applied);
      expect(synced.reportedAt).to.be.a('string');

      // The next version is out of sync again until reported.
      const v2 = expectData(await put('cfg-happy', { version: 1, config: { ...config, log: { level: 'warn' } } }));
      expect(v2).to.include({ version: 2, inSync: false, reportedVersion: 1 });
      expect(v2.differences).to.deep.equal([{ path: 'log.level', desired: 'warn', reported: 'debug' }]);
    });

    it('differences: what the device applied that is not what was desired, path by path', async () => {
      await t.enrol('cfg-diff');
      const answer = expectData(await put('cfg-diff', { version: 0, config: { line: { productId: null, party: 'P-9' }, sync: { batchSize: 100 } } }));
      commands.finish(answer.command.id, 'SUCCEEDED', { result: { version: 1, applied: { line: { productId: 'still-old', party: 'P-9' }, sync: { batchSize: 50 } } } });
      const view = await waitFor(async () => {
        const v = await get('cfg-diff');
        return v.reportedVersion === 1 ? v : null;
      });
      expect(view.inSync).to.equal(false);
      expect(view.differences).to.deep.equal([
        { path: 'line.productId', desired: null, reported: 'still-old' },
        { path: 'sync.batchSize', desired: 100, reported: 50 },
      ]);
    });

    it('a failed push leaves reported as it was; a stale result (older version) does not overwrite a newer one', async () => {
      await t.enrol('cfg-fail');
      const v1 = expectData(await put('cfg-fail', { version: 0, config: { log: { level: 'info' } } }));
      const v2 = expectData(await put('cfg-fail', { version: 1, config: { log: { level: 'warn' } } }));
      commands.finish(v2.command.id, 'SUCCEEDED', { result: { version: 2, applied: { log: { level: 'warn' } } } });
      await waitFor(async () => (await get('cfg-fail')).inSync);
      commands.finish(v1.command.id, 'SUCCEEDED', { result: { version: 1, applied: { log: { level: 'info' } } } });
      const ignored = await waitFor(async () => (await audit('cfg-fail')).find((e) => e.action === 'device.config.reported' && e.after.commandId === v1.command.id));
      expect(ignored.after.stored).to.equal(false);
      expect(await get('cfg-fail')).to.deep.include({ reportedVersion: 2, inSync: true, reported: { log: { level: 'warn' } } });

      const v3 = expectData(await put('cfg-fail', { version: 2, config: { log: { level: 'error' } } }));
      commands.finish(v3.command.id, 'FAILED', { error: { code: 'APPLY_FAILED', message: 'no' } });
      const v4 = expectData(await put('cfg-fail', { version: 3, config: { log: { level: 'warn' } } }));
      commands.finish(v4.command.id, 'SUCCEEDED', { result: { version: 4, applied: { log: { level: 'warn' } } } });
      const view = await waitFor(async () => {
        const v = await get('cfg-fail');
        return v.reportedVersion === 4 ? v : null;
      });
      expect(view).to.deep.include({ version: 4, inSync: true, reported: { log: { level: 'warn' } } });
      const reports = (await audit('cfg-fail')).filter((e) => e.action === 'device.config.reported');
      expect(reports.map((e) => e.after.commandId)).to.not.include(v3.command.id);
    });

    it('push: false stores the version without a command', async () => {
      await t.enrol('cfg-nopush');
      const answer = expectData(await put('cfg-nopush', { version: 0, config: { sync: { batchSize: 10 } }, push: false }));
      expect(answer).to.include({ version: 1, command: null, lastCommandId: null, inSync: false });
      expect(commands.dispatched).to.have.length(0);
    });

    it('409 CONFLICT for a stale version, with the current version in details; nothing changes', async () => {
      await t.enrol('cfg-stale');
      expectData(await put('cfg-stale', { version: 0, config: { log: { level: 'info' } } }));
      for (const version of [0, 2, 7]) {
        const error = expectError(await put('cfg-stale', { version, config: { log: { level: 'error' } } }), 409, 'CONFLICT');
        expect(error.details).to.deep.equal({ currentVersion: 1, expectedVersion: version });
      }
      expect(await get('cfg-stale')).to.deep.include({ version: 1, desired: { log: { level: 'info' } } });
      expect(commands.dispatched).to.have.length(1);
    });

    it('two writers of the same version: exactly one wins, the other gets 409', async () => {
      await t.enrol('cfg-race');
      for (const version of [0, 1]) {
        const answers = await Promise.all([1, 2, 3].map((n) => put('cfg-race', { version, config: { line: { batchSize: n } }, push: false })));
        expect(answers.filter((r) => r.status === 200), JSON.stringify(answers.map((r) => r.body))).to.have.length(1);
        for (const r of answers.filter((a) => a.status !== 200)) expectError(r, 409, 'CONFLICT');
      }
      expect((await get('cfg-race')).version).to.equal(2);
    });

    it('404 for an unknown device (audited as a failure), nothing dispatched', async () => {
      expectError(await put('cfg-nobody', { version: 0, config: {} }), 404, 'NOT_FOUND');
      expect(commands.dispatched).to.have.length(0);
      const [entry] = await audit('cfg-nobody');
      expect(entry).to.include({ action: 'device.config.update', outcome: 'failure' });
    });

    it('400 for a config with unknown keys or wrong types, and for a bad body', async () => {
      await t.enrol('cfg-bad');
      const cases: Array<[unknown, string]> = [
        [{ version: 0, config: { foo: 1 } }, 'config.foo'],
        [{ version: 0, config: { sync: { batchSize: 10, turbo: true } } }, 'config.sync.turbo'],
        [{ version: 0, config: { sync: { batchSize: 'ten' } } }, 'config.sync.batchSize'],
        [{ version: 0, config: { sync: { batchSize: 0 } } }, 'config.sync.batchSize'],
        [{ version: 0, config: { sync: { pollIntervalMs: 1.5 } } }, 'config.sync.pollIntervalMs'],
        [{ version: 0, config: { log: { level: 'loud' } } }, 'config.log.level'],
        [{ version: 0, config: { line: 'x' } }, 'config.line'],
        [{ version: 0, config: [] }, 'config'],
        [{ version: 0 }, 'config'],
        [{ config: {} }, 'version'],
        [{ version: -1, config: {} }, 'version'],
        [{ version: 1.5, config: {} }, 'version'],
        [{ version: '0', config: {} }, 'version'],
        [{ version: 0, config: {}, push: 'yes' }, 'push'],
        [{ version: 0, config: {}, extra: 1 }, 'extra'],
      ];
      for (const [body, field] of cases) expectValidationError(await put('cfg-bad', body), field);
      expect((await get('cfg-bad')).version).to.equal(0);
      expect(commands.dispatched).to.have.length(0);
    });

    it('400 for malformed JSON and for JSON that is not an object', async () => {
      await t.enrol('cfg-malformed');
      for (const rawBody of ['{"version":', '{', 'null', '[]', '"config"', '42']) {
        expectError(await t.request('PUT', configPath('cfg-malformed'), { token: t.tokens.manager, rawBody }), 400, 'VALIDATION_ERROR');
      }
    });

    it('audits each change with before and after, in the same transaction', async () => {
      await t.enrol('cfg-audit');
      expectData(await put('cfg-audit', { version: 0, config: { log: { level: 'info' } } }));
      expectData(await put('cfg-audit', { version: 1, config: { log: { level: 'warn' } }, push: false }));
      expectError(await put('cfg-audit', { version: 1, config: {} }), 409, 'CONFLICT');
      const entries = (await audit('cfg-audit')).filter((e) => e.action === 'device.config.update');
      expect(entries.map((e) => e.outcome)).to.deep.equal(['failure', 'success', 'success']);
      expect(entries[0].detail).to.match(/^CONFLICT/);
      expect(entries[1]).to.deep.include({
        username: 'manager',
        entityType: 'device_config',
        entityId: 'cfg-audit',
        before: { version: 1, desired: { log: { level: 'info' } } },
        after: { version: 2, desired: { log: { level: 'warn' } }, push: false },
      });
      expect(entries[2].before).to.deep.equal({ version: 0, desired: {} });
    });

    it('the reported config is audited as the device having applied it', async () => {
      await t.enrol('cfg-reported-audit');
      const answer = expectData(await put('cfg-reported-audit', { version: 0, config: { log: { level: 'info' } } }));
      commands.finish(answer.command.id, 'SUCCEEDED', { result: { version: 1, applied: { log: { level: 'info' } } } });
      const entry = await waitFor(async () => (await audit('cfg-reported-audit')).find((e) => e.action === 'device.config.reported'));
      expect(entry).to.deep.include({ deviceId: 'cfg-reported-audit', outcome: 'success' });
      expect(entry.after).to.deep.include({ reportedVersion: 1, commandId: answer.command.id });
    });

    it('a dispatch that fails still stores the version and says why it was not pushed', async () => {
      await t.enrol('cfg-dispatch-fails');
      commands.failNext(new DomainError('INVALID', 'device disabled'));
      const answer = expectData(await put('cfg-dispatch-fails', { version: 0, config: {} }));
      expect(answer).to.include({ version: 1, command: null });
      expect(answer.pushError).to.deep.equal({ code: 'INVALID', message: 'device disabled' });
    });

    it('503 without a command service when asked to push; push: false still works', async () => {
      await t.enrol('cfg-no-commands');
      t.factory.system.services.commands = undefined;
      expectError(await put('cfg-no-commands', { version: 0, config: {} }), 503, 'SERVICE_UNAVAILABLE');
      expect((await get('cfg-no-commands')).version).to.equal(0);
      expect(expectData(await put('cfg-no-commands', { version: 0, config: {}, push: false })).version).to.equal(1);
    });

    it("a removed device's config goes with it", async () => {
      await t.enrol('cfg-removed');
      expectData(await put('cfg-removed', { version: 0, config: { log: { level: 'info' } }, push: false }));
      await deleteDevice(t, 'cfg-removed');
      expectError(await t.request('GET', configPath('cfg-removed'), { token: t.tokens.operator }), 404, 'NOT_FOUND');
      await t.enrol('cfg-removed');
      await waitFor(async () => (await get('cfg-removed')).version === 0);
    });
  });
});

describeOnBothDatabases('desired config end to end: the command service and a device on /ws/device', (db) => {
  let t: TestFactory;
  before(async function () {
    t = await startTestFactory(db);
    // Until the command service is registered as an extension there is nothing to run this against.
    if (!t.factory.system.services.commands) this.skip();
  });
  after(async () => {
    await t?.stop();
  });

  const get = async (id: string) => expectData(await t.request('GET', configPath(id), { token: t.tokens.operator }));
  const put = (id: string, body: unknown) => t.request('PUT', configPath(id), { token: t.tokens.manager, body });

  /** Plays the edge's part of push_config: ack, then report it applied exactly what was pushed. */
  const answerPushConfig = async (channel: DeviceChannel) => {
    const command = await channel.next('command', (p) => p.type === 'push_config');
    channel.send('command.ack', { commandId: command.payload.commandId });
    channel.send('command.result', { commandId: command.payload.commandId, ok: true, result: { version: command.payload.params.version, applied: command.payload.params.config } });
    return command.payload;
  };

  it('a connected device gets push_config, applies it, and the config shows in sync', async () => {
    const token = await t.enrol('cfg-e2e');
    const channel = await connectDevice(t, token);
    try {
      const config = { sync: { batchSize: 250 }, log: { level: 'warn' } };
      const answered = answerPushConfig(channel);
      const answer = expectData(await put('cfg-e2e', { version: 0, config }));
      expect(answer.command.id).to.be.a('string');
      const payload = await answered;
      expect(payload).to.deep.include({ commandId: answer.command.id, type: 'push_config', params: { version: 1, config } });
      const view = await waitFor(async () => {
        const v = await get('cfg-e2e');
        return v.inSync ? v : null;
      });
      expect(view).to.deep.include({ version: 1, reportedVersion: 1, reported: config, lastCommandId: answer.command.id, differences: [] });
      const command = expectData(await t.request('GET', `/api/v1/devices/cfg-e2e/commands/${answer.command.id}`, { token: t.tokens.operator }));
      expect(command.status).to.equal('SUCCEEDED');
    } finally {
      await channel.close();
    }
  });

  it('an offline device gets the queued push when it connects', async () => {
    const token = await t.enrol('cfg-e2e-offline');
    const answer = expectData(await put('cfg-e2e-offline', { version: 0, config: { line: { productId: 'p-1' } } }));
    expect(answer.command.status).to.equal('QUEUED');
    expect((await get('cfg-e2e-offline')).inSync).to.equal(false);
    const channel = await openDeviceChannel(t, token);
    try {
      await answerPushConfig(channel);
      await waitFor(async () => (await get('cfg-e2e-offline')).inSync);
    } finally {
      await channel.close();
    }
  });
});
