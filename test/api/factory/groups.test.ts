import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { connectDevice, type DeviceChannel, deleteDevice, UNAUTHORIZED, wsBase } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { createFakeCommandPort, type FakeBehaviour, type FakeCommandPort } from '../../support/fake-command-port.js';
import { openWs } from '../../support/ws-client.js';
import { waitFor } from '../../support/wait-for.js';

const GROUPS = '/api/v1/device-groups';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describeOnBothDatabases('factory API: /api/v1/device-groups', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db);
  });
  after(async () => {
    await t?.stop();
  });

  const req = (method: string, path: string, body?: unknown, token = t.tokens.manager) => t.request(method, `${GROUPS}${path}`, { token, ...(body !== undefined ? { body } : {}) });
  const createGroup = async (name: string, extra: Record<string, unknown> = {}) => expectData(await req('POST', '', { name, ...extra }), 201);
  const register = async (ids: string[]) => {
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(ids.slice(i, i + 25).map(async (id) => expectData(await t.request('POST', '/api/v1/devices', { token: t.tokens.manager, body: { id, name: `Cabinet ${id}` } }), 201)));
    }
  };
  const audit = async (entityId: string) => expectData(await t.request('GET', `/api/v1/audit-log?entityId=${entityId}`, { token: t.tokens.admin })) as any[];

  describe('authentication and roles', () => {
    before(async () => {
      await register(['grp-auth-dev']);
    });

    // Admitted roles may get a 404 (no such group): past authentication is what counts here.
    itRequiresAuth(() => t, [
      { method: 'GET', path: GROUPS },
      { method: 'POST', path: GROUPS, role: 'MANAGER', body: { name: 'auth-probe' } },
      { method: 'GET', path: `${GROUPS}/no-such-group` },
      { method: 'PUT', path: `${GROUPS}/no-such-group`, role: 'MANAGER', body: { description: 'x' } },
      { method: 'DELETE', path: `${GROUPS}/no-such-group`, role: 'MANAGER' },
      { method: 'GET', path: `${GROUPS}/no-such-group/members` },
      { method: 'POST', path: `${GROUPS}/no-such-group/members`, role: 'MANAGER', body: { deviceIds: ['grp-auth-dev'] } },
      { method: 'DELETE', path: `${GROUPS}/no-such-group/members`, role: 'MANAGER', body: { deviceIds: ['grp-auth-dev'] } },
      { method: 'POST', path: `${GROUPS}/no-such-group/commands`, role: 'MANAGER', body: { type: 'force_sync' } },
    ]);

    it('a device token is refused (401) on reads and writes', async () => {
      const token = await t.enrol('grp-device-token');
      UNAUTHORIZED(await req('GET', '', undefined, token));
      UNAUTHORIZED(await req('POST', '', { name: 'by-device' }, token));
    });
  });

  describe('groups', () => {
    it('create (201), fetch, list by name, update, delete', async () => {
      const group = await createGroup('Line B cabinets', { description: 'Hall 2' });
      expect(group).to.include({ name: 'Line B cabinets', description: 'Hall 2', memberCount: 0 });
      expect(group.id).to.be.a('string').and.not.empty;
      expect(group.createdAt).to.match(ISO);
      expect(group.updatedAt).to.equal(group.createdAt);
      await createGroup('Line A cabinets');

      expect(expectData(await req('GET', `/${group.id}`, undefined, t.tokens.operator))).to.deep.equal({ ...group, deviceIds: [] });
      const names = (expectData(await req('GET', '', undefined, t.tokens.operator)) as any[]).map((g) => g.name);
      expect(names.indexOf('Line A cabinets')).to.be.below(names.indexOf('Line B cabinets'));

      const renamed = expectData(await req('PUT', `/${group.id}`, { name: 'Line B (hall 2)', description: null }));
      expect(renamed).to.include({ id: group.id, name: 'Line B (hall 2)', description: null });
      expect(Date.parse(renamed.updatedAt)).to.be.at.least(Date.parse(group.updatedAt));
      expect(expectData(await req('PUT', `/${group.id}`, { name: 'Line B (hall 2)' })).name).to.equal('Line B (hall 2)');

      expect(expectData(await req('DELETE', `/${group.id}`))).to.deep.equal({ id: group.id });
      expectError(await req('GET', `/${group.id}`), 404, 'NOT_FOUND');
      expectError(await req('DELETE', `/${group.id}`), 404, 'NOT_FOUND');
    });

    it('a name is unique: create and rename onto a taken name are 409', async () => {
      await createGroup('Unique name');
      const other = await createGroup('Other name');
      expect(expectError(await req('POST', '', { name: 'Unique name' }), 409, 'CONFLICT').details).to.deep.equal({ field: 'name' });
      expectError(await req('PUT', `/${other.id}`, { name: 'Unique name' }), 409, 'CONFLICT');
      expect(expectData(await req('GET', `/${other.id}`)).name).to.equal('Other name');
    });

    it('unknown groups are 404 on every route', async () => {
      for (const [method, path, body] of [
        ['GET', '/nope'],
        ['PUT', '/nope', { name: 'x' }],
        ['DELETE', '/nope'],
        ['GET', '/nope/members'],
        ['POST', '/nope/members', { deviceIds: ['grp-auth-dev'] }],
        ['DELETE', '/nope/members', { deviceIds: ['grp-auth-dev'] }],
      ] as Array<[string, string, unknown?]>) {
        expectError(await req(method, path, body), 404, 'NOT_FOUND');
      }
    });

    it('bad input: malformed JSON, unknown/missing fields, wrong types, oversized values, bad ids', async () => {
      const raw = (method: string, path: string, rawBody: string) => t.request(method, `${GROUPS}${path}`, { token: t.tokens.manager, rawBody });
      const group = await createGroup('Bad input target');
      expectError(await raw('POST', '', '{"name":'), 400, 'VALIDATION_ERROR');
      expectError(await raw('DELETE', `/${group.id}/members`, '{"deviceIds":'), 400, 'VALIDATION_ERROR');
      expectValidationError(await req('POST', '', {}), 'name');
      expectValidationError(await req('POST', '', { name: '  ' }), 'name');
      expectValidationError(await req('POST', '', { name: 42 }), 'name');
      expectValidationError(await req('POST', '', { name: 'x'.repeat(201) }), 'name');
      expectValidationError(await req('POST', '', { name: 'ok', description: 'x'.repeat(1001) }), 'description');
      expectValidationError(await req('POST', '', { name: 'ok', members: [] }), 'members');
      expectValidationError(await req('PUT', `/${group.id}`, {}));
      expectValidationError(await req('PUT', `/${group.id}`, { name: null }), 'name');
      expectValidationError(await req('POST', `/${group.id}/members`, {}), 'deviceIds');
      expectValidationError(await req('POST', `/${group.id}/members`, { deviceIds: [] }), 'deviceIds');
      expectValidationError(await req('POST', `/${group.id}/members`, { deviceIds: 'grp-auth-dev' }), 'deviceIds');
      expectValidationError(await req('POST', `/${group.id}/members`, { deviceIds: ['has space'] }), 'deviceIds.0');
      expectValidationError(await req('POST', `/${group.id}/members`, { deviceIds: Array.from({ length: 5001 }, (_, i) => `d-${i}`) }), 'deviceIds');
      expectValidationError(await req('DELETE', `/${group.id}/members`), 'deviceIds');
      expectValidationError(await req('GET', '/bad%20id'), 'id');
      expectError(await raw('POST', '', JSON.stringify({ name: 'huge', description: 'x'.repeat(9 * 1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
      expectError(await req('PATCH', `/${group.id}`, { name: 'x' }), 405, 'METHOD_NOT_ALLOWED');
    });
  });

  describe('members', () => {
    it('add (twice is harmless), list with live status, remove; unknown devices are 404 and change nothing', async () => {
      await register(['m-1', 'm-2', 'm-3']);
      const group = await createGroup('Members');
      const added = expectData(await req('POST', `/${group.id}/members`, { deviceIds: ['m-2', 'm-1', 'm-1'] }));
      expect(added).to.deep.equal({ groupId: group.id, added: ['m-2', 'm-1'], alreadyMembers: [], memberCount: 2 });
      const again = expectData(await req('POST', `/${group.id}/members`, { deviceIds: ['m-1', 'm-3'] }));
      expect(again).to.deep.equal({ groupId: group.id, added: ['m-3'], alreadyMembers: ['m-1'], memberCount: 3 });

      const unknown = expectError(await req('POST', `/${group.id}/members`, { deviceIds: ['m-1', 'ghost-1', 'ghost-2'] }), 404, 'NOT_FOUND');
      expect(unknown.details).to.deep.equal({ unknownDeviceIds: ['ghost-1', 'ghost-2'] });
      expect(unknown.message).to.include('ghost-1');

      const members = expectData(await req('GET', `/${group.id}/members`, undefined, t.tokens.operator)) as any[];
      expect(members.map((m) => m.deviceId)).to.deep.equal(['m-1', 'm-2', 'm-3']);
      expect(members[0]).to.include({ deviceId: 'm-1', name: 'Cabinet m-1', lineId: null, status: 'offline', connected: false });
      expect(members[0].addedAt).to.match(ISO);
      expect(expectData(await req('GET', `/${group.id}`))).to.include({ memberCount: 3 }).and.deep.include({ deviceIds: ['m-1', 'm-2', 'm-3'] });

      const removed = expectData(await req('DELETE', `/${group.id}/members`, { deviceIds: ['m-2', 'm-3', 'm-3'] }));
      expect(removed).to.deep.equal({ groupId: group.id, removed: ['m-2', 'm-3'], notMembers: [], memberCount: 1 });
      const none = expectData(await req('DELETE', `/${group.id}/members`, { deviceIds: ['m-2'] }));
      expect(none).to.deep.equal({ groupId: group.id, removed: [], notMembers: ['m-2'], memberCount: 1 });
      expectError(await req('DELETE', `/${group.id}/members`, { deviceIds: ['ghost-3'] }), 404, 'NOT_FOUND');
    });

    it('a deleted device leaves every group; a deleted group takes its memberships with it', async () => {
      await register(['cascade-1', 'cascade-2']);
      const g1 = await createGroup('Cascade 1');
      const g2 = await createGroup('Cascade 2');
      for (const g of [g1, g2]) expectData(await req('POST', `/${g.id}/members`, { deviceIds: ['cascade-1', 'cascade-2'] }));
      await deleteDevice(t, 'cascade-1');
      for (const g of [g1, g2]) expect(expectData(await req('GET', `/${g.id}`))).to.deep.include({ memberCount: 1, deviceIds: ['cascade-2'] });

      expectData(await req('DELETE', `/${g1.id}`));
      const [deleted] = await audit(g1.id);
      expect(deleted).to.include({ action: 'group.delete', outcome: 'success' });
      expect(deleted.before).to.deep.include({ name: 'Cascade 1', deviceIds: ['cascade-2'] });
      // The device is still a member of the other group, and may join a new one of the old name.
      expect(expectData(await req('GET', `/${g2.id}`)).memberCount).to.equal(1);
      const reborn = await createGroup('Cascade 1');
      expect(reborn.memberCount).to.equal(0);
    });

    it('hundreds of members in one request', async function () {
      this.timeout(60_000);
      const ids = Array.from({ length: 350 }, (_, i) => `bulk-m-${String(i).padStart(3, '0')}`);
      await register(ids);
      const group = await createGroup('Three hundred and fifty');
      expect(expectData(await req('POST', `/${group.id}/members`, { deviceIds: ids })).added).to.have.length(350);
      expect(expectData(await req('POST', `/${group.id}/members`, { deviceIds: ids })).alreadyMembers).to.have.length(350);
      expect((expectData(await req('GET', `/${group.id}/members`)) as any[]).map((m) => m.deviceId)).to.deep.equal(ids);
      expect(expectData(await req('DELETE', `/${group.id}/members`, { deviceIds: ids.slice(0, 320) })).memberCount).to.equal(30);
    });
  });

  describe('audit log', () => {
    it('every write is audited with who and before/after; refusals are failure entries', async () => {
      await register(['aud-1']);
      const group = await createGroup('Audited group');
      expectData(await req('PUT', `/${group.id}`, { description: 'now described' }, t.tokens.admin));
      expectData(await req('POST', `/${group.id}/members`, { deviceIds: ['aud-1'] }));
      expectError(await req('POST', `/${group.id}/members`, { deviceIds: ['aud-ghost'] }), 404, 'NOT_FOUND');
      expectData(await req('DELETE', `/${group.id}/members`, { deviceIds: ['aud-1'] }));
      expectError(await req('PUT', `/${group.id}`, { name: 'auth-probe' }), 409, 'CONFLICT');

      const entries = await audit(group.id);
      expect(entries.map((e) => `${e.action}:${e.outcome}`)).to.deep.equal([
        'group.update:failure',
        'group.members.remove:success',
        'group.members.add:failure',
        'group.members.add:success',
        'group.update:success',
        'group.create:success',
      ]);
      const [, removed, , added, updated, created] = entries;
      expect(created).to.include({ entityType: 'device_group', username: 'manager' });
      expect(created.after).to.deep.equal({ id: group.id, name: 'Audited group', description: null });
      expect(updated).to.include({ username: 'admin' });
      expect(updated.before).to.include({ description: null });
      expect(updated.after).to.include({ description: 'now described' });
      expect(added.after).to.deep.equal({ added: ['aud-1'] });
      expect(removed.before).to.deep.equal({ removed: ['aud-1'] });
      expect(entries[2].detail).to.match(/NOT_FOUND.*aud-ghost/);
    });
  });

  describe('bulk commands (scripted command service)', () => {
    let fake: FakeCommandPort;
    let behaviour: (deviceId: string) => FakeBehaviour;
    let saved: typeof t.factory.system.services.commands;
    let group: { id: string };
    const members = ['cmd-1', 'cmd-2', 'cmd-3', 'cmd-4'];

    before(async () => {
      saved = t.factory.system.services.commands;
      fake = createFakeCommandPort((command) => t.factory.system.bus.publish({ type: 'command.changed', command }), (request) => behaviour(request.deviceId));
      t.factory.system.services.commands = fake.port;
      await register(members);
      group = await createGroup('Command targets');
      expectData(await req('POST', `/${group.id}/members`, { deviceIds: members }));
    });
    after(() => {
      t.factory.system.services.commands = saved;
    });
    beforeEach(() => {
      behaviour = () => ({ kind: 'succeed', result: { ok: true } });
    });

    const dispatch = (body: unknown, token = t.tokens.manager) => req('POST', `/${group.id}/commands`, body, token);

    it('dispatches one command per member and answers with results and a summary; progress on /ws/dashboard', async () => {
      const dashboard = await openWs(`${wsBase(t)}/ws/dashboard?token=${t.tokens.operator}`);
      try {
        behaviour = (id) => (id === 'cmd-3' ? { kind: 'fail', error: { code: 'BUSY', message: 'scanning' } } : { kind: 'succeed', result: { restarted: id } });
        const outcome = expectData(await dispatch({ type: 'restart_service', timeoutMs: 5_000 }));
        expect(outcome).to.include({ groupId: group.id, type: 'restart_service' });
        expect(outcome.summary).to.deep.equal({ total: 4, succeeded: 3, failed: 1, timedOut: 0, expired: 0, pending: 0 });
        expect(outcome.results.map((r: any) => r.deviceId)).to.deep.equal(members);
        expect(outcome.results[0]).to.deep.include({ status: 'SUCCEEDED', result: { restarted: 'cmd-1' } });
        expect(outcome.results[2]).to.deep.include({ status: 'FAILED', error: { code: 'BUSY', message: 'scanning' } });
        const last = await dashboard.next((m) => m.type === 'command_progress' && m.data.bulkId === outcome.bulkId && m.data.done === 4);
        expect(last.data).to.deep.include({ groupId: group.id, total: 4, done: 4, succeeded: 3, failed: 1 });

        const [entry] = await audit(group.id);
        expect(entry).to.include({ action: 'group.command.dispatch', outcome: 'success', username: 'manager' });
        expect(entry.after).to.deep.include({ bulkId: outcome.bulkId, type: 'restart_service' });
      } finally {
        await dashboard.close();
      }
    });

    it('wait: false is 202 with the commands as dispatched; the idempotency key is made per device; params are validated and defaulted', async () => {
      const before = fake.dispatched.length;
      const outcome = expectData(await dispatch({ type: 'pull_logs', wait: false, idempotencyKey: 'logs-1' }), 202);
      expect(outcome.summary.total).to.equal(4);
      const sent = fake.dispatched.slice(before);
      expect(sent.map((d) => d.idempotencyKey).sort()).to.deep.equal(members.map((m) => `logs-1:${m}`));
      expect(sent[0]!.params).to.deep.equal({ lines: 200 });
      expect(sent[0]!.actor).to.include({ username: 'manager' });
    });

    it('the role depends on the command type: MANAGER may not reboot a group (403), ADMIN may', async () => {
      const before = fake.dispatched.length;
      const refused = expectError(await dispatch({ type: 'reboot_os' }), 403, 'FORBIDDEN');
      expect(refused.details).to.deep.equal({ required: 'ADMIN', actual: 'MANAGER' });
      expect(fake.dispatched.length).to.equal(before);
      expectError(await dispatch({ type: 'force_sync' }, t.tokens.operator), 403, 'FORBIDDEN');
      expect(expectData(await dispatch({ type: 'reboot_os', params: { delaySeconds: 5 } }, t.tokens.admin)).summary.succeeded).to.equal(4);
    });

    it('offline members get queued commands, reported pending', async () => {
      behaviour = (id) => (id === 'cmd-4' ? { kind: 'queue' } : { kind: 'succeed' });
      const outcome = expectData(await dispatch({ type: 'force_sync' }));
      expect(outcome.summary).to.include({ succeeded: 3, pending: 1 });
      expect(outcome.results[3]).to.include({ deviceId: 'cmd-4', status: 'QUEUED' });
      expect(outcome.results[3].commandId).to.be.a('string');
    });

    it('bad input: unknown type, bad params, unknown fields, wrong types; unknown group is 404', async () => {
      expectValidationError(await dispatch({}), 'type');
      expectValidationError(await dispatch({ type: 'format_disk' }), 'type');
      expectValidationError(await dispatch({ type: 'pull_logs', params: { lines: 0 } }), 'params.lines');
      expectValidationError(await dispatch({ type: 'restart_service', params: { now: true } }), 'params.now');
      expectValidationError(await dispatch({ type: 'push_config' }), 'params.version');
      expectValidationError(await dispatch({ type: 'force_sync', colour: 'red' }), 'colour');
      expectValidationError(await dispatch({ type: 'force_sync', timeoutMs: 'soon' }), 'timeoutMs');
      expectValidationError(await dispatch({ type: 'force_sync', timeoutMs: 0 }), 'timeoutMs');
      expectValidationError(await dispatch({ type: 'force_sync', expiresAt: 'tomorrow' }), 'expiresAt');
      expectValidationError(await dispatch({ type: 'force_sync', expiresAt: '2000-01-01T00:00:00Z' }), 'expiresAt');
      expectValidationError(await dispatch({ type: 'force_sync', wait: 'yes' }), 'wait');
      expectError(await t.request('POST', `${GROUPS}/${group.id}/commands`, { token: t.tokens.manager, rawBody: '{"type":' }), 400, 'VALIDATION_ERROR');
      expectError(await req('POST', '/no-such-group/commands', { type: 'force_sync' }), 404, 'NOT_FOUND');
    });

    it('an empty group answers an empty result at once', async () => {
      const empty = await createGroup('Empty group');
      const outcome = expectData(await req('POST', `/${empty.id}/commands`, { type: 'force_sync' }));
      expect(outcome.summary.total).to.equal(0);
      expect(outcome.results).to.deep.equal([]);
    });

    it('progress of a bulk whose results come after the answer (wait: false) reaches the dashboard', async () => {
      const dashboard = await openWs(`${wsBase(t)}/ws/dashboard?token=${t.tokens.operator}`);
      try {
        behaviour = () => ({ kind: 'succeed', afterMs: 20 });
        const outcome = expectData(await dispatch({ type: 'force_sync', wait: false }), 202);
        await dashboard.next((m) => m.type === 'command_progress' && m.data.bulkId === outcome.bulkId && m.data.done === 4);
        await waitFor(() => [...fake.commands.values()].filter((c) => outcome.results.some((r: any) => r.commandId === c.id)).every((c) => c.status === 'SUCCEEDED'));
      } finally {
        await dashboard.close();
      }
    });
  });
  describe('bulk commands end to end: the command service and devices on /ws/device', () => {
    const channels: DeviceChannel[] = [];
    after(async () => {
      await Promise.all(channels.map((c) => c.close()));
    });

    /** A device that answers every command: ack, then a result (a failure for `failing`). */
    const answering = async (token: string, failing = false) => {
      const channel = await connectDevice(t, token);
      channels.push(channel);
      const answered = new Set<string>();
      const answer = (message: { type: string; payload: any }) => {
        if (message.type !== 'command' || answered.has(message.payload.commandId)) return;
        const { commandId, type } = message.payload;
        answered.add(commandId);
        channel.send('command.ack', { commandId });
        channel.send('command.result', failing ? { commandId, ok: false, error: { code: 'NOT_NOW', message: 'line running' } } : { commandId, ok: true, result: { ran: type } });
      };
      // A queued command may arrive with the welcome, before this listener exists: answer those too.
      channel.client.ws.on('message', (raw) => answer(JSON.parse(raw.toString())));
      channel.messages.forEach(answer);
      return channel;
    };

    it('every connected member answers; an offline member gets its command when it connects; progress reaches the dashboard', async function () {
      this.timeout(20_000);
      expect(t.factory.system.services.commands, 'the command service is registered').to.not.equal(undefined);
      const ids = ['e2e-1', 'e2e-2', 'e2e-3', 'e2e-4', 'e2e-late'];
      const tokens: Record<string, string> = {};
      for (const id of ids) tokens[id] = await t.enrol(id);
      await answering(tokens['e2e-1']!);
      await answering(tokens['e2e-2']!);
      await answering(tokens['e2e-3']!);
      await answering(tokens['e2e-4']!, true);
      const group = await createGroup('End to end');
      expectData(await req('POST', `/${group.id}/members`, { deviceIds: ids }));

      const dashboard = await openWs(`${wsBase(t)}/ws/dashboard?token=${t.tokens.operator}`);
      try {
        const outcome = expectData(await req('POST', `/${group.id}/commands`, { type: 'force_sync', timeoutMs: 10_000, idempotencyKey: 'e2e-sync' }));
        expect(outcome.summary).to.deep.equal({ total: 5, succeeded: 3, failed: 1, timedOut: 0, expired: 0, pending: 1 });
        const by = Object.fromEntries(outcome.results.map((r: any) => [r.deviceId, r]));
        expect(by['e2e-1']).to.deep.include({ status: 'SUCCEEDED', result: { ran: 'force_sync' } });
        expect(by['e2e-4']).to.deep.include({ status: 'FAILED', error: { code: 'NOT_NOW', message: 'line running' } });
        expect(by['e2e-late']).to.include({ status: 'QUEUED' });
        const stored = expectData(await t.request('GET', `/api/v1/devices/e2e-1/commands/${by['e2e-1'].commandId}`, { token: t.tokens.operator }));
        expect(stored).to.include({ status: 'SUCCEEDED', idempotencyKey: 'e2e-sync:e2e-1' });

        // The offline member connects: its queued command is delivered, answered, and the bulk completes.
        await answering(tokens['e2e-late']!);
        const done = await dashboard.next((m) => m.type === 'command_progress' && m.data.bulkId === outcome.bulkId && m.data.done === 5, 10_000);
        expect(done.data).to.deep.include({ groupId: group.id, total: 5, succeeded: 4, failed: 1 });

        // The same idempotency key again runs nothing: the same commands, already final.
        const again = expectData(await req('POST', `/${group.id}/commands`, { type: 'force_sync', timeoutMs: 10_000, idempotencyKey: 'e2e-sync' }));
        expect(again.results.map((r: any) => r.commandId)).to.deep.equal(outcome.results.map((r: any) => r.commandId));
        expect(again.summary).to.include({ succeeded: 4, failed: 1, pending: 0 });
      } finally {
        await dashboard.close();
      }
    });
  });
});
