import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { connectDevice, deleteDevice, type DeviceChannel } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { type ScriptedReply, scriptDevice } from '../../support/scripted-device.js';
import { waitFor } from '../../support/wait-for.js';
import { COMMAND_ROLE, COMMAND_TYPES, type CommandType } from '../../../src/domain/device-commands.js';

const commandsOf = (deviceId: string) => `/api/v1/devices/${deviceId}/commands`;

/** Valid params for every type (what the role matrix dispatches). */
const VALID_PARAMS: Record<CommandType, Record<string, unknown>> = {
  restart_service: {},
  reboot_os: { delaySeconds: 5 },
  shutdown_os: {},
  force_sync: {},
  clear_queue: {},
  pull_logs: { lines: 10 },
  push_config: { version: 1, config: { sync: { batchSize: 100 } } },
  update_firmware: { releaseId: 'rel-1', version: '1.2.3', artifactPath: '/api/v1/firmware/releases/rel-1/artifact', sha256: 'a'.repeat(64), size: 10 },
  exec_shell: { command: 'uptime' },
  enable_device: {},
  disable_device: { reason: 'maintenance' },
  set_order: { order: { number: 'PO-1', gtins: ['04607001234562'], lot: 'L-1', productionDate: '2026-12-07', expiryDate: '2026-12-21', plannedQuantity: 10 }, start: true },
};

describeOnBothDatabases('factory device commands', (db) => {
  let t: TestFactory;
  const channels: DeviceChannel[] = [];
  let seq = 0;
  /** A fresh registered device for each test (the factory is shared by the file). */
  const device = async (prefix = 'cmd') => {
    const id = `${prefix}-${++seq}`;
    return { id, token: await t.enrol(id) };
  };
  const connect = async (token: string, reply?: (c: { commandId: string; type: string; params: Record<string, unknown> }) => ScriptedReply) => {
    const channel = await connectDevice(t, token);
    channels.push(channel);
    return { channel, device: scriptDevice(channel, reply) };
  };
  const dispatch = (deviceId: string, body: unknown, token = t.tokens.manager) => t.request('POST', commandsOf(deviceId), { token, body });
  const getCommand = async (deviceId: string, id: string) => expectData(await t.request('GET', `${commandsOf(deviceId)}/${id}`, { token: t.tokens.admin }));
  const statusBecomes = (deviceId: string, id: string, status: string, timeoutMs = 5_000) =>
    waitFor(async () => {
      const command = await getCommand(deviceId, id);
      return command.status === status ? command : null;
    }, timeoutMs, `command ${id} ${status}`);

  before(async () => {
    t = await startTestFactory(db, { commands: { defaultTimeoutMs: 5_000, maxWaitMs: 10_000 } });
  });
  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await t?.stop();
  });

  describe('authentication and roles', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: '/api/v1/devices/auth-dev/commands' },
      { method: 'GET', path: '/api/v1/devices/auth-dev/commands/cmd-x' },
      { method: 'POST', path: '/api/v1/devices/auth-dev/commands', role: 'MANAGER', body: { type: 'force_sync', wait: false } },
      { method: 'GET', path: '/api/v1/devices/auth-dev/logs', role: 'MANAGER' },
    ]);

    it('role matrix per type: OPERATOR never dispatches, MANAGER the routine ones, ADMIN all', async () => {
      const { id } = await device('roles');
      for (const type of COMMAND_TYPES) {
        const body = { type, params: VALID_PARAMS[type], wait: false };
        const operator = expectError(await dispatch(id, body, t.tokens.operator), 403, 'FORBIDDEN');
        expect(operator.details).to.deep.equal({ required: 'MANAGER', actual: 'OPERATOR' });
        const manager = await dispatch(id, body, t.tokens.manager);
        if (COMMAND_ROLE[type] === 'ADMIN') {
          expect(expectError(manager, 403, 'FORBIDDEN').details, type).to.deep.equal({ required: 'ADMIN', actual: 'MANAGER' });
        } else {
          expect(expectData(manager, 202).type, type).to.equal(type);
        }
        const admin = expectData(await dispatch(id, body, t.tokens.admin), 202);
        expect(admin).to.deep.include({ type, status: 'QUEUED', deviceId: id, createdBy: 'admin' });
      }
    });
  });

  describe('dispatch to a connected device', () => {
    it('waits for the result by default: 200 with the final record; the device got it once', async () => {
      const { id, token } = await device();
      const { device: edge } = await connect(token, () => ({ ok: true, result: { restarted: true } }));
      const command = expectData(await dispatch(id, { type: 'restart_service' }));
      expect(command).to.deep.include({ deviceId: id, type: 'restart_service', status: 'SUCCEEDED', params: {}, result: { restarted: true }, error: null, createdBy: 'manager', timeoutMs: 5_000 });
      for (const field of ['createdAt', 'sentAt', 'deliveredAt', 'completedAt']) expect(command[field], field).to.be.a('string');
      expect(edge.timesReceived(command.id)).to.equal(1);
      expect(edge.received[0]).to.deep.equal({ commandId: command.id, type: 'restart_service', params: {}, expiresAt: null, timeoutMs: 5_000 });
      expect(await getCommand(id, command.id)).to.deep.equal(command);
    });

    it('applies the params defaults before sending (pull_logs lines: 200)', async () => {
      const { id, token } = await device();
      const { device: edge } = await connect(token);
      const command = expectData(await dispatch(id, { type: 'pull_logs' }));
      expect(command.params).to.deep.equal({ lines: 200 });
      expect(edge.received[0]!.params).to.deep.equal({ lines: 200 });
    });

    it('a failure comes back as FAILED with the device’s error; progress stages are kept', async () => {
      const { id, token } = await device();
      await connect(token, () => ({ ok: false, stages: ['downloading', 'verifying'], error: { code: 'SHA256_MISMATCH', message: 'artifact does not match' } }));
      const command = expectData(await dispatch(id, { type: 'update_firmware', params: VALID_PARAMS.update_firmware }, t.tokens.admin));
      expect(command).to.deep.include({ status: 'FAILED', stage: 'verifying', error: { code: 'SHA256_MISMATCH', message: 'artifact does not match' } });
    });

    it('wait:false answers 202 at once; the result arrives later', async () => {
      const { id, token } = await device();
      await connect(token, () => 'silent');
      const command = expectData(await dispatch(id, { type: 'force_sync', wait: false }), 202);
      expect(command.status).to.be.oneOf(['QUEUED', 'SENT']);
      const sent = await statusBecomes(id, command.id, 'SENT');
      expect(sent.sentAt).to.be.a('string');
    });

    it('no result within timeoutMs of delivery → TIMED_OUT (the waiting request says so)', async () => {
      const { id, token } = await device();
      await connect(token, () => 'ack');
      const command = expectData(await dispatch(id, { type: 'force_sync', timeoutMs: 300 }));
      expect(command.status).to.equal('TIMED_OUT');
      expect(command.error.code).to.equal('TIMED_OUT');
      expect(Date.parse(command.completedAt) - Date.parse(command.deliveredAt)).to.equal(300);
    });

    it('a result for another device’s command, an unknown one, or a second result is ignored', async () => {
      const a = await device();
      const b = await device();
      const { channel: channelA } = await connect(a.token, () => 'ack');
      const { channel: channelB } = await connect(b.token, () => 'silent');
      const command = expectData(await dispatch(a.id, { type: 'force_sync', wait: false }), 202);
      await statusBecomes(a.id, command.id, 'DELIVERED');
      channelB.send('command.result', { commandId: command.id, ok: true });
      channelB.send('command.result', { commandId: 'cmd-unknown', ok: true });
      channelA.send('command.result', { commandId: command.id, ok: false, error: { code: 'X', message: 'first answer wins' } });
      const failed = await statusBecomes(a.id, command.id, 'FAILED');
      channelA.send('command.result', { commandId: command.id, ok: true });
      // A marker round trip: once it is answered, the second result has been handled (and ignored).
      channelA.send('command.ack', { commandId: command.id });
      const marker = expectData(await dispatch(a.id, { type: 'force_sync', wait: false }), 202);
      channelA.send('command.result', { commandId: marker.id, ok: true });
      await statusBecomes(a.id, marker.id, 'SUCCEEDED');
      expect(await getCommand(a.id, command.id)).to.deep.equal(failed);
      // And B's channel stayed open: a bad answer is not a protocol violation.
      expect(channelB.client.ws.readyState).to.equal(channelB.client.ws.OPEN);
    });
  });

  describe('an offline device', () => {
    it('gets its commands QUEUED (202 at once), delivered oldest first once its channel connects', async () => {
      const { id, token } = await device();
      const first = expectData(await dispatch(id, { type: 'force_sync' }), 202);
      const second = expectData(await dispatch(id, { type: 'pull_logs', params: { lines: 5 } }), 202);
      expect(first).to.deep.include({ status: 'QUEUED', sentAt: null });
      const { channel, device: edge } = await connect(token, (c) => ({ ok: true, result: { type: c.type } }));
      const done = await statusBecomes(id, second.id, 'SUCCEEDED');
      expect(done.result).to.deep.equal({ type: 'pull_logs' });
      await statusBecomes(id, first.id, 'SUCCEEDED');
      expect(edge.received.map((c) => c.commandId)).to.deep.equal([first.id, second.id]);
      // After the welcome: the edge knows whom it talks to before it is asked to do anything.
      expect(channel.messages.map((m) => m.type).slice(0, 3)).to.deep.equal(['welcome', 'command', 'command']);
    });

    it('a sent command never acknowledged goes back to QUEUED when the channel closes, and is sent again on reconnect', async () => {
      const { id, token } = await device();
      const silent = await connect(token, () => 'silent');
      const command = expectData(await dispatch(id, { type: 'force_sync', wait: false }), 202);
      await statusBecomes(id, command.id, 'SENT');
      await silent.channel.close();
      await statusBecomes(id, command.id, 'QUEUED');
      const { device: edge } = await connect(token);
      await statusBecomes(id, command.id, 'SUCCEEDED');
      expect(edge.timesReceived(command.id)).to.equal(1);
    });

    it('expiresAt passing before it connects → EXPIRED, and it is never sent', async () => {
      const { id, token } = await device();
      const command = expectData(await dispatch(id, { type: 'force_sync', expiresAt: new Date(Date.now() + 400).toISOString() }), 202);
      expect(command.expiresAt).to.be.a('string');
      const expired = await statusBecomes(id, command.id, 'EXPIRED');
      expect(expired.error.code).to.equal('EXPIRED');
      expect(expired.completedAt).to.equal(command.expiresAt);
      const { device: edge } = await connect(token);
      const marker = expectData(await dispatch(id, { type: 'force_sync' }));
      expect(marker.status).to.equal('SUCCEEDED');
      expect(edge.received.map((c) => c.commandId)).to.deep.equal([marker.id]);
    });

    it('the same idempotency key returns the same command; the device runs it once', async () => {
      const { id, token } = await device();
      const body = { type: 'force_sync', idempotencyKey: 'sync-after-maintenance', wait: false };
      const first = expectData(await dispatch(id, body), 202);
      const again = expectData(await dispatch(id, body), 202);
      expect(again.id).to.equal(first.id);
      // Racing retries: one command still.
      const raced = await Promise.all(Array.from({ length: 5 }, () => dispatch(id, { ...body, idempotencyKey: 'raced' })));
      const ids = new Set(raced.map((res) => expectData(res, 202).id));
      expect(ids.size).to.equal(1);
      // Another device may use the same key for its own command.
      const other = await device();
      expect(expectData(await dispatch(other.id, body), 202).id).to.not.equal(first.id);

      const { device: edge } = await connect(token);
      await statusBecomes(id, first.id, 'SUCCEEDED');
      const racedId = [...ids][0]!;
      await statusBecomes(id, racedId, 'SUCCEEDED');
      expect(expectData(await dispatch(id, body)).id).to.equal(first.id);
      expect(edge.timesReceived(first.id)).to.equal(1);
      const list = expectData(await t.request('GET', commandsOf(id), { token: t.tokens.operator }));
      expect(list.total).to.equal(2);
    });

    it('a QUEUED command can be canceled (once); a removed device’s queued commands are canceled', async () => {
      const { id } = await device();
      const command = expectData(await dispatch(id, { type: 'force_sync' }), 202);
      const canceled = expectData(await t.request('POST', `${commandsOf(id)}/${command.id}/cancel`, { token: t.tokens.manager }));
      expect(canceled).to.deep.include({ status: 'CANCELED', error: { code: 'CANCELED', message: 'Canceled before it was sent' } });
      expectError(await t.request('POST', `${commandsOf(id)}/${command.id}/cancel`, { token: t.tokens.manager }), 409, 'CONFLICT');
      expectError(await t.request('POST', `${commandsOf(id)}/${command.id}/cancel`, { token: t.tokens.operator }), 403, 'FORBIDDEN');

      const gone = await device();
      const queued = expectData(await dispatch(gone.id, { type: 'force_sync' }), 202);
      const events: any[] = [];
      const off = t.factory.system.bus.subscribe('command.changed', ({ command: c }) => events.push(c));
      try {
        await deleteDevice(t, gone.id);
        const last = await waitFor(() => events.find((c) => c.id === queued.id && c.status === 'CANCELED'));
        expect(last.error.message).to.equal('The device was removed');
      } finally {
        off();
      }
    });
  });

  describe('bad input', () => {
    it('unknown type, bad or unknown params, bad expiresAt, unknown fields, malformed JSON → 400 naming the field', async () => {
      const { id } = await device();
      expectValidationError(await dispatch(id, { type: 'format_disk' }), 'type');
      expectValidationError(await dispatch(id, {}), 'type');
      expectValidationError(await dispatch(id, { type: 'pull_logs', params: { lines: 0 } }), 'params.lines');
      expectValidationError(await dispatch(id, { type: 'restart_service', params: { force: true } }), 'params.force');
      expectValidationError(await dispatch(id, { type: 'push_config', params: { version: 1 } }), 'params.config');
      expectValidationError(await dispatch(id, { type: 'exec_shell', params: { command: '' } }, t.tokens.admin), 'params.command');
      expectValidationError(await dispatch(id, { type: 'force_sync', params: 'all' }), 'params');
      expectValidationError(await dispatch(id, { type: 'force_sync', expiresAt: 'tomorrow' }), 'expiresAt');
      expectValidationError(await dispatch(id, { type: 'force_sync', expiresAt: new Date(Date.now() - 60_000).toISOString() }), 'expiresAt');
      expectValidationError(await dispatch(id, { type: 'force_sync', timeoutMs: 0 }), 'timeoutMs');
      expectValidationError(await dispatch(id, { type: 'force_sync', wait: 'yes' }), 'wait');
      expectValidationError(await dispatch(id, { type: 'force_sync', priority: 'high' }), 'priority');
      expectValidationError(await t.request('POST', commandsOf(id), { token: t.tokens.manager, rawBody: '{"type": "force_sync",' }));
      const list = expectData(await t.request('GET', commandsOf(id), { token: t.tokens.operator }));
      expect(list.total).to.equal(0);
    });

    it('unknown device → 404 (and audited as a refusal); another device’s command → 404', async () => {
      expectError(await dispatch('no-such-device', { type: 'force_sync' }), 404, 'NOT_FOUND');
      expectError(await t.request('GET', commandsOf('no-such-device'), { token: t.tokens.operator }), 404, 'NOT_FOUND');
      const { id } = await device();
      const other = await device();
      const command = expectData(await dispatch(id, { type: 'force_sync' }), 202);
      expectError(await t.request('GET', `${commandsOf(other.id)}/${command.id}`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectError(await t.request('GET', `${commandsOf(id)}/cmd-nope`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      const audit = expectData(await t.request('GET', '/api/v1/audit-log?limit=20', { token: t.tokens.admin })) as any[];
      const refusal = audit.find((e) => e.action === 'command.dispatch' && e.outcome === 'failure');
      expect(refusal).to.deep.include({ username: 'manager', entityType: 'command' });
      expect(refusal.detail).to.match(/NOT_FOUND.*no-such-device/);
    });

    it('list query: unknown status or type, limit out of range, unknown parameter → 400', async () => {
      const { id } = await device();
      const list = (query: string) => t.request('GET', `${commandsOf(id)}?${query}`, { token: t.tokens.operator });
      expectValidationError(await list('status=DONE'), 'status');
      expectValidationError(await list('type=format_disk'), 'type');
      expectValidationError(await list('limit=0'), 'limit');
      expectValidationError(await list('limit=501'), 'limit');
      expectValidationError(await list('offset=-1'), 'offset');
      expectValidationError(await list('sort=asc'), 'sort');
    });
  });

  describe('history', () => {
    it('newest first, paginated, filtered by status and type', async () => {
      const { id } = await device();
      const types: CommandType[] = ['force_sync', 'pull_logs', 'force_sync', 'restart_service', 'force_sync'];
      const made: any[] = [];
      for (const type of types) made.push(expectData(await dispatch(id, { type }), 202));
      await t.request('POST', `${commandsOf(id)}/${made[0].id}/cancel`, { token: t.tokens.manager });
      const page = (query: string) => t.request('GET', `${commandsOf(id)}?${query}`, { token: t.tokens.operator }).then((res) => expectData(res));

      const first = await page('limit=2');
      expect(first).to.deep.include({ total: 5, limit: 2, offset: 0 });
      expect(first.items.map((c: any) => c.id)).to.deep.equal([made[4].id, made[3].id]);
      const rest = await page('limit=2&offset=2');
      expect(rest.items.map((c: any) => c.id)).to.deep.equal([made[2].id, made[1].id]);
      expect((await page('limit=2&offset=4')).items.map((c: any) => c.id)).to.deep.equal([made[0].id]);
      const syncs = await page('type=force_sync');
      expect(syncs.total).to.equal(3);
      expect(syncs.items.map((c: any) => c.id)).to.deep.equal([made[4].id, made[2].id, made[0].id]);
      const canceled = await page('status=CANCELED');
      expect(canceled.items.map((c: any) => c.id)).to.deep.equal([made[0].id]);
      expect((await page('status=QUEUED&type=force_sync')).total).to.equal(2);
    });

    it('every dispatch is in the audit log with who sent what', async () => {
      const { id } = await device();
      const command = expectData(await dispatch(id, { type: 'pull_logs', params: { lines: 3 }, idempotencyKey: 'audit-me' }), 202);
      expectData(await dispatch(id, { type: 'pull_logs', params: { lines: 3 }, idempotencyKey: 'audit-me' }), 202);
      const entries = expectData(await t.request('GET', `/api/v1/audit-log?entityId=${command.id}`, { token: t.tokens.manager })) as any[];
      // The retry returned the first command and ran nothing: one entry.
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({ action: 'command.dispatch', username: 'manager', entityType: 'command', entityId: command.id, outcome: 'success' });
      expect(entries[0].after).to.deep.include({ deviceId: id, type: 'pull_logs', params: { lines: 3 }, idempotencyKey: 'audit-me' });
    });

    it('exec_shell outcomes are audited with the exit code', async () => {
      const { id, token } = await device();
      await connect(token, () => ({ ok: false, result: { exitCode: 2, stdout: '' }, error: { code: 'EXIT_CODE', message: 'exited with 2' } }));
      const command = expectData(await dispatch(id, { type: 'exec_shell', params: { command: 'false' } }, t.tokens.admin));
      expect(command.status).to.equal('FAILED');
      const entries = expectData(await t.request('GET', `/api/v1/audit-log?entityId=${command.id}`, { token: t.tokens.admin })) as any[];
      expect(entries.map((e) => e.action)).to.deep.equal(['command.exec_shell.result', 'command.dispatch']);
      expect(entries[0]).to.deep.include({ deviceId: id, outcome: 'failure' });
      expect(entries[0].after).to.deep.include({ status: 'FAILED', exitCode: 2 });
    });
  });

  describe('GET /devices/{id}/logs', () => {
    it('pulls the lines from the device (pull_logs, waited for)', async () => {
      const { id, token } = await device();
      const { device: edge } = await connect(token, (c) => ({ ok: true, result: { lines: Array.from({ length: Number(c.params.lines) }, (_, i) => `line ${i}`) } }));
      const logs = expectData(await t.request('GET', `/api/v1/devices/${id}/logs?lines=3`, { token: t.tokens.manager }));
      expect(logs).to.deep.include({ deviceId: id, lines: ['line 0', 'line 1', 'line 2'] });
      expect(edge.received[0]).to.deep.include({ type: 'pull_logs', params: { lines: 3 } });
      expect((await getCommand(id, logs.commandId)).status).to.equal('SUCCEEDED');
    });

    it('503 for an offline device, 504 when it does not answer in time, 403 for OPERATOR, 404 unknown, 400 bad lines', async () => {
      const { id, token } = await device();
      const offline = expectError(await t.request('GET', `/api/v1/devices/${id}/logs`, { token: t.tokens.manager }), 503, 'SERVICE_UNAVAILABLE');
      expect(offline.message).to.match(/offline/);
      await connect(token, () => 'ack');
      const late = expectError(await t.request('GET', `/api/v1/devices/${id}/logs?timeoutMs=300`, { token: t.tokens.manager }), 504, 'GATEWAY_TIMEOUT');
      expect(late.message).to.match(/did not answer/);
      expectError(await t.request('GET', `/api/v1/devices/${id}/logs`, { token: t.tokens.operator }), 403, 'FORBIDDEN');
      expectError(await t.request('GET', '/api/v1/devices/no-such-device/logs', { token: t.tokens.manager }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('GET', `/api/v1/devices/${id}/logs?lines=0`, { token: t.tokens.manager }), 'lines');
    });
  });

  describe('many at once', () => {
    it('concurrent dispatches to many connected devices (one transaction per step) all succeed, each sent once', async () => {
      const service = t.factory.system.services.commands!;
      const fleet = await Promise.all(Array.from({ length: 60 }, () => device('many')));
      const edges = await Promise.all(fleet.map((d) => connect(d.token).then((c) => c.device)));
      const commands = await Promise.all(fleet.map((d) => service.dispatch({ deviceId: d.id, type: 'force_sync', params: {}, actor: { system: 'test' } })));
      const finals = await Promise.all(commands.map((c) => service.waitForFinal(c.id, 10_000)));
      expect(finals.map((c) => c.status)).to.deep.equal(fleet.map(() => 'SUCCEEDED'));
      commands.forEach((c, i) => expect(edges[i]!.timesReceived(c.id)).to.equal(1));
      const audit = expectData(await t.request('GET', `/api/v1/audit-log?entityId=${commands[59]!.id}`, { token: t.tokens.admin })) as any[];
      expect(audit.map((e) => e.action)).to.deep.equal(['command.dispatch']);
    });
  });

  describe('across a restart', () => {
    it('deadlines are kept: an undelivered command expires, a delivered one times out, one without expiry is delivered on reconnect', async () => {
      const offline = await device();
      const online = await device();
      const expiring = expectData(await dispatch(offline.id, { type: 'force_sync', expiresAt: new Date(Date.now() + 1_500).toISOString() }), 202);
      const waiting = expectData(await dispatch(offline.id, { type: 'pull_logs' }), 202);
      await connect(online.token, () => 'ack');
      const running = expectData(await dispatch(online.id, { type: 'force_sync', timeoutMs: 1_500, wait: false }), 202);
      await statusBecomes(online.id, running.id, 'DELIVERED');

      await Promise.all(channels.splice(0).map((c) => c.close()));
      await t.restart();

      expect((await getCommand(offline.id, expiring.id)).status).to.equal('QUEUED');
      const timedOut = await statusBecomes(online.id, running.id, 'TIMED_OUT');
      expect(Date.parse(timedOut.completedAt) - Date.parse(timedOut.deliveredAt)).to.equal(1_500);
      const expired = await statusBecomes(offline.id, expiring.id, 'EXPIRED');
      expect(expired.completedAt).to.equal(expiring.expiresAt);

      const { device: edge } = await connect(offline.token);
      await statusBecomes(offline.id, waiting.id, 'SUCCEEDED');
      expect(edge.received.map((c) => c.commandId)).to.deep.equal([waiting.id]);
    });
  });
});

describe('factory device commands: service', () => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory('sqlite');
  });
  after(async () => {
    await t?.stop();
  });

  it('is offered to the other features as services.commands and publishes command.changed after each stored change', async () => {
    const service = t.factory.system.services.commands!;
    expect(service).to.be.an('object');
    await t.enrol('svc-1');
    const seen: string[] = [];
    const off = t.factory.system.bus.subscribe('command.changed', ({ command }) => seen.push(command.status));
    try {
      const command = await service.dispatch({ deviceId: 'svc-1', type: 'force_sync', params: {}, actor: { system: 'test' }, expiresAt: new Date(Date.now() + 200).toISOString() });
      expect(command).to.deep.include({ status: 'QUEUED', createdBy: 'system:test' });
      const final = await service.waitForFinal(command.id, 5_000);
      expect(final.status).to.equal('EXPIRED');
      expect(seen).to.deep.equal(['QUEUED', 'EXPIRED']);
      // Not final within the wait: resolves with the record as it is.
      const queued = await service.dispatch({ deviceId: 'svc-1', type: 'force_sync', params: {}, actor: { system: 'test' } });
      expect((await service.waitForFinal(queued.id, 50)).status).to.equal('QUEUED');
    } finally {
      off();
    }
  });

  it('refuses an unknown device, an unknown type and bad params as DomainErrors', async () => {
    const service = t.factory.system.services.commands!;
    await t.enrol('svc-2');
    const refused = async (request: Parameters<typeof service.dispatch>[0]) => {
      try {
        await service.dispatch(request);
      } catch (error) {
        return (error as { kind: string }).kind;
      }
      throw new Error('not refused');
    };
    expect(await refused({ deviceId: 'nobody', type: 'force_sync', params: {}, actor: { system: 'test' } })).to.equal('NOT_FOUND');
    expect(await refused({ deviceId: 'svc-2', type: 'nope' as CommandType, params: {}, actor: { system: 'test' } })).to.equal('INVALID');
    expect(await refused({ deviceId: 'svc-2', type: 'pull_logs', params: { lines: -1 }, actor: { system: 'test' } })).to.equal('INVALID');
    expect(await refused({ deviceId: 'svc-2', type: 'force_sync', params: {}, expiresAt: 'soon', actor: { system: 'test' } })).to.equal('INVALID');
  });
});
