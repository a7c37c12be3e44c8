import { expect } from 'chai';
import { expectData, expectError } from '../../support/api-expect.js';
import { connectDevice, type DeviceChannel } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { scriptDevice } from '../../support/scripted-device.js';

const commandsOf = (deviceId: string) => `/api/v1/devices/${deviceId}/commands`;

/**
 * Privileged command output and refused privileged requests: a command's result is shown only to
 * a role that may send that command type, and every 403 on a mutating route is in the audit log.
 */
describeOnBothDatabases('factory commands: result redaction and audited refusals', (db) => {
  let t: TestFactory;
  const channels: DeviceChannel[] = [];
  let seq = 0;
  before(async () => {
    t = await startTestFactory(db, { commands: { defaultTimeoutMs: 5_000, maxWaitMs: 10_000 } });
  });
  after(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
    await t?.stop();
  });

  const tokenOf = (role: 'operator' | 'manager' | 'admin') => t.tokens[role];

  describe('results below the role the command type needs are redacted', () => {
    let deviceId: string;
    const sent: Record<string, string> = {};
    before(async () => {
      deviceId = `priv-${++seq}`;
      const channel = await connectDevice(t, await t.enrol(deviceId));
      channels.push(channel);
      scriptDevice(channel, (c) =>
        c.type === 'exec_shell'
          ? { ok: true, result: { exitCode: 0, stdout: 'root:x:0:0 secret output', stderr: '' } }
          : c.type === 'pull_logs'
            ? { ok: true, result: { lines: ['cloud token abc123 in a log line'] } }
            : { ok: true, result: { done: true } },
      );
      sent.exec_shell = expectData(await t.request('POST', commandsOf(deviceId), { token: t.tokens.admin, body: { type: 'exec_shell', params: { command: '/usr/bin/id' } } })).id;
      sent.pull_logs = expectData(await t.request('POST', commandsOf(deviceId), { token: t.tokens.manager, body: { type: 'pull_logs', params: { lines: 1 } } })).id;
      sent.force_sync = expectData(await t.request('POST', commandsOf(deviceId), { token: t.tokens.manager, body: { type: 'force_sync' } })).id;
    });

    const visible = { exec_shell: { exitCode: 0, stdout: 'root:x:0:0 secret output', stderr: '' }, pull_logs: { lines: ['cloud token abc123 in a log line'] }, force_sync: { done: true } };
    const expected: Record<'operator' | 'manager' | 'admin', Record<string, unknown>> = {
      operator: { exec_shell: { redacted: true, requiredRole: 'ADMIN' }, pull_logs: { redacted: true, requiredRole: 'MANAGER' }, force_sync: { redacted: true, requiredRole: 'MANAGER' } },
      manager: { exec_shell: { redacted: true, requiredRole: 'ADMIN' }, pull_logs: visible.pull_logs, force_sync: visible.force_sync },
      admin: visible,
    };

    for (const role of ['operator', 'manager', 'admin'] as const) {
      it(`${role.toUpperCase()}: the list and the single command show what the role may see, with the status kept`, async () => {
        const list = expectData(await t.request('GET', commandsOf(deviceId), { token: tokenOf(role) }));
        for (const [type, id] of Object.entries(sent)) {
          const listed = list.items.find((c: any) => c.id === id);
          expect(listed.status, type).to.equal('SUCCEEDED');
          expect(listed.result, `${role} list ${type}`).to.deep.equal(expected[role][type]);
          const one = expectData(await t.request('GET', `${commandsOf(deviceId)}/${id}`, { token: tokenOf(role) }));
          expect(one.status, type).to.equal('SUCCEEDED');
          expect(one.result, `${role} one ${type}`).to.deep.equal(expected[role][type]);
          // Not a word of the output in a redacted record (the same object as `visible` means shown).
          const shown = expected[role][type] === visible[type as keyof typeof visible];
          const leaks = /secret output|abc123/.test(JSON.stringify(one)) || /secret output|abc123/.test(JSON.stringify(listed));
          if (type !== 'force_sync') expect(leaks, `${role} ${type}`).to.equal(shown);
        }
      });
    }
  });

  describe('every refused (403) mutating request is audited as forbidden, with who, what and the target', () => {
    const forbiddenFor = async (entityId: string) =>
      (expectData(await t.request('GET', `/api/v1/audit-log?entityId=${entityId}`, { token: t.tokens.admin })) as any[]).filter((e) => e.outcome === 'forbidden');

    it('a MANAGER sending exec_shell, an OPERATOR sending force_sync', async () => {
      const id = `forbid-${++seq}`;
      await t.enrol(id);
      expectError(await t.request('POST', commandsOf(id), { token: t.tokens.manager, body: { type: 'exec_shell', params: { command: '/bin/sh' } } }), 403, 'FORBIDDEN');
      expectError(await t.request('POST', commandsOf(id), { token: t.tokens.operator, body: { type: 'force_sync' } }), 403, 'FORBIDDEN');
      const entries = await forbiddenFor(id);
      expect(entries).to.have.length(2);
      const [operator, manager] = entries;
      expect(manager).to.deep.include({ action: 'command.dispatch', entityType: 'device', entityId: id, username: 'manager', outcome: 'forbidden' });
      expect(manager.userId).to.be.a('string');
      expect(manager.after).to.deep.include({ method: 'POST', type: 'exec_shell', refusal: { required: 'ADMIN', actual: 'MANAGER' } });
      expect(manager.detail).to.match(/ADMIN/);
      expect(operator).to.deep.include({ action: 'command.dispatch', username: 'operator', outcome: 'forbidden' });
      // Nothing was stored or sent: no command for the device.
      expect(expectData(await t.request('GET', commandsOf(id), { token: t.tokens.admin })).total).to.equal(0);
    });

    it('group commands, firmware deployments, device token issue and registration', async () => {
      const id = `forbid-${++seq}`;
      await t.enrol(id);
      expectError(await t.request('POST', '/api/v1/device-groups/grp-forbid/commands', { token: t.tokens.manager, body: { type: 'reboot_os', params: {} } }), 403, 'FORBIDDEN');
      expectError(await t.request('POST', '/api/v1/firmware/deployments', { token: t.tokens.manager, body: { releaseId: 'rel-x', deviceIds: [id] } }), 403, 'FORBIDDEN');
      expectError(await t.request('POST', `/api/v1/devices/${id}/token`, { token: t.tokens.operator }), 403, 'FORBIDDEN');
      expectError(await t.request('POST', '/api/v1/devices', { token: t.tokens.operator, body: { id: 'forbid-new', name: 'x' } }), 403, 'FORBIDDEN');

      const [group] = await forbiddenFor('grp-forbid');
      expect(group).to.deep.include({ action: 'group.command.dispatch', entityType: 'device_group', username: 'manager' });
      expect(group.after).to.deep.include({ type: 'reboot_os' });
      const [token] = await forbiddenFor(id);
      expect(token).to.deep.include({ action: 'device.token.issue', entityType: 'device', username: 'operator' });
      const all = (expectData(await t.request('GET', '/api/v1/audit-log?limit=50', { token: t.tokens.admin })) as any[]).filter((e) => e.outcome === 'forbidden');
      expect(all.find((e) => e.action === 'firmware.deployment.create')).to.deep.include({ username: 'manager', entityType: 'firmware_deployment' });
      expect(all.find((e) => e.action === 'device.create')).to.deep.include({ username: 'operator' });
    });

    it('reads refused (403) are not audited, and a refusal stays a 403 with its details', async () => {
      const before = (expectData(await t.request('GET', '/api/v1/audit-log?limit=1000', { token: t.tokens.admin })) as any[]).length;
      const refused = expectError(await t.request('GET', '/api/v1/audit-log', { token: t.tokens.operator }), 403, 'FORBIDDEN');
      expect(refused.details).to.deep.equal({ required: 'MANAGER', actual: 'OPERATOR' });
      const after = (expectData(await t.request('GET', '/api/v1/audit-log?limit=1000', { token: t.tokens.admin })) as any[]).length;
      expect(after).to.equal(before);
    });
  });
});
