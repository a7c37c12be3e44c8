import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { wsBase } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { createFakeCommandPort, type FakeCommandPort } from '../../support/fake-command-port.js';
import { artifactBytes, uploadOk } from '../../support/firmware-fixtures.js';
import { waitFor } from '../../support/wait-for.js';
import { openWs, type TestWsClient } from '../../support/ws-client.js';

const DEPLOYMENTS = '/api/v1/firmware/deployments';

/**
 * `POST /api/v1/firmware/deployments/{id}/abort` (issue 13): an ADMIN stops a running rollout.
 * The command service is faked (as in firmware-deployments.test.ts): it stores the dispatched
 * commands and plays the devices by publishing `command.changed`.
 */
describeOnBothDatabases('factory API: abort a firmware deployment by hand', (db) => {
  let t: TestFactory;
  let commands: FakeCommandPort;
  let release: any;
  let dashboard: TestWsClient;
  before(async () => {
    t = await startTestFactory(db);
    commands = createFakeCommandPort((command) => t.factory.system.bus.publish({ type: 'command.changed', command }));
    t.factory.system.services.commands = commands.port;
    release = await uploadOk(t, '8.0.0', artifactBytes(2048));
    dashboard = await openWs(`${wsBase(t)}/ws/dashboard?token=${t.tokens.operator}`);
  });
  after(async () => {
    await dashboard?.close();
    await t?.stop();
  });

  let n = 0;
  const devices = async (count: number) => {
    const ids = Array.from({ length: count }, () => `abort-edge-${String(++n).padStart(3, '0')}`);
    for (const id of ids) await t.enrol(id);
    return ids;
  };
  const create = async (deviceIds: string[]) => expectData(await t.request('POST', DEPLOYMENTS, { token: t.tokens.admin, body: { releaseId: release.id, deviceIds, abortMinDevices: 10 } }), 201);
  const abort = (id: string, body?: unknown, token = t.tokens.admin) => t.request('POST', `${DEPLOYMENTS}/${id}/abort`, { token, ...(body !== undefined ? { body } : {}) });
  const get = async (id: string) => expectData(await t.request('GET', `${DEPLOYMENTS}/${id}`, { token: t.tokens.operator }));
  const auditOf = async (id: string) => expectData(await t.request('GET', `/api/v1/audit-log?entityId=${id}`, { token: t.tokens.admin })) as any[];
  const statesOf = (deployment: any) => Object.fromEntries((deployment.devices as any[]).map((d) => [d.deviceId, d.state]));

  it('aborts a running deployment (200): queued devices skipped and their commands canceled, a device at work followed to its end; who and why recorded, audited, pushed', async () => {
    const [a, b, c] = await devices(3);
    const created = await create([a!, b!, c!]);
    commands.progress(commands.commandFor(a!).id, 'downloading');
    await waitFor(async () => ((await get(created.id)).counts.downloading === 1 ? true : null), 5000, `${a} downloading`);

    const aborted = expectData(await abort(created.id, { reason: '  wrong release for line 3  ' }));
    expect(aborted).to.include({ id: created.id, status: 'aborted', abortedBy: 'admin', reason: 'wrong release for line 3' });
    expect(aborted.finishedAt).to.be.a('string');
    expect(statesOf(aborted)).to.deep.equal({ [a!]: 'downloading', [b!]: 'skipped', [c!]: 'skipped' });
    expect(aborted.counts).to.include({ total: 3, downloading: 1, skipped: 2, queued: 0 });

    // The skipped devices' commands were still queued: canceled, and the devices stay skipped.
    await waitFor(() => (commands.commandFor(b!).status === 'CANCELED' && commands.commandFor(c!).status === 'CANCELED' ? true : null), 5000, 'skipped commands canceled');
    expect(commands.commandFor(a!).status).to.equal('DELIVERED');

    // The device at work goes on and is recorded as it ends; the deployment stays aborted.
    commands.finish(commands.commandFor(a!).id, 'SUCCEEDED');
    const settled = await waitFor(async () => {
      const d = await get(created.id);
      return d.counts.installed === 1 ? d : null;
    }, 5000, `${a} installed`);
    expect(settled).to.include({ status: 'aborted', abortedBy: 'admin', reason: 'wrong release for line 3' });
    expect(statesOf(settled)).to.deep.equal({ [a!]: 'installed', [b!]: 'skipped', [c!]: 'skipped' });

    const audit = await auditOf(created.id);
    const entry = audit.find((e) => e.action === 'firmware.deployment.abort');
    expect(entry).to.include({ outcome: 'success', username: 'admin' });
    expect(entry.before).to.deep.equal({ status: 'running' });
    expect(entry.after).to.include({ status: 'aborted', abortedBy: 'admin', reason: 'wrong release for line 3' });
    expect(audit.map((e) => e.action)).to.not.include('firmware.deployment.aborted'); // not audited twice, nor to the server

    const pushed = await dashboard.next((m) => m.type === 'deployment_progress' && m.data.deploymentId === created.id && m.data.status === 'aborted');
    expect(pushed.data).to.include({ abortedBy: 'admin', reason: 'wrong release for line 3', version: '8.0.0' });
  });

  it('without a body (or an empty one) the reason says it was aborted by hand; nothing more is dispatched', async () => {
    const ids = await devices(2);
    const first = await create(ids);
    expect(expectData(await abort(first.id))).to.include({ status: 'aborted', abortedBy: 'admin', reason: 'aborted by hand' });
    const second = await create(await devices(1));
    expect(expectData(await abort(second.id, {}))).to.include({ status: 'aborted', reason: 'aborted by hand' });
    expect((await get(second.id)).counts).to.include({ skipped: 1 });
  });

  it('a deployment that has ended is 409 CONFLICT (aborted, completed), unchanged; an unknown id is 404; refusals audited as failures', async () => {
    const [a] = await devices(1);
    const done = await create([a!]);
    commands.finish(commands.commandFor(a!).id, 'SUCCEEDED');
    await waitFor(async () => ((await get(done.id)).status === 'completed' ? true : null), 5000, 'completed');
    const conflict = expectError(await abort(done.id, { reason: 'too late' }), 409, 'CONFLICT');
    expect(conflict.message).to.match(/completed/);
    expect(await get(done.id)).to.include({ status: 'completed', abortedBy: null, reason: null });

    const twice = await create(await devices(1));
    expectData(await abort(twice.id, { reason: 'first' }));
    expectError(await abort(twice.id, { reason: 'second' }), 409, 'CONFLICT');
    expect(await get(twice.id)).to.include({ status: 'aborted', reason: 'first' });

    expectError(await abort('dep-no-such'), 404, 'NOT_FOUND');
    const failures = (await auditOf(done.id)).filter((e) => e.action === 'firmware.deployment.abort');
    expect(failures).to.have.length(1);
    expect(failures[0]).to.include({ outcome: 'failure', username: 'admin' });
    expect(failures[0].detail).to.match(/^CONFLICT/);
    expect((await auditOf('dep-no-such'))[0]).to.include({ action: 'firmware.deployment.abort', outcome: 'failure' });
  });

  it('an abort while the commands are still being created: those commands are canceled once they exist, the devices stay skipped', async () => {
    const ids = await devices(3);
    // Dispatch held at a gate: the deployment is stored and running, no command exists yet.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held = { ...commands.port, dispatch: async (request: Parameters<typeof commands.port.dispatch>[0]) => (await gate, commands.port.dispatch(request)) };
    t.factory.system.services.commands = held;
    try {
      const creating = t.request('POST', DEPLOYMENTS, { token: t.tokens.admin, body: { releaseId: release.id, deviceIds: ids } });
      const listed = await waitFor(async () => {
        const list = expectData(await t.request('GET', `${DEPLOYMENTS}?deviceId=${ids[0]}`, { token: t.tokens.operator })) as any[];
        return list[0] ?? null;
      }, 5000, 'the deployment stored');
      const aborted = expectData(await abort(listed.id, { reason: 'stop before it starts' }));
      expect(aborted.counts).to.include({ skipped: 3 });
      open();
      expectData(await creating, 201);
      await waitFor(() => (ids.every((id) => commands.commandFor(id).status === 'CANCELED') ? true : null), 5000, 'late commands canceled');
      expect(statesOf(await get(listed.id))).to.deep.equal(Object.fromEntries(ids.map((id) => [id, 'skipped'])));
    } finally {
      open();
      t.factory.system.services.commands = commands.port;
    }
  });

  it('bad bodies are 400 naming the field, malformed JSON 400; the deployment goes on', async () => {
    const running = await create(await devices(1));
    const cases: Array<[unknown, string]> = [
      [{ reason: 5 }, 'reason'],
      [{ reason: '   ' }, 'reason'],
      [{ reason: 'x'.repeat(501) }, 'reason'],
      [{ reason: 'ok', force: true }, 'force'],
    ];
    for (const [body, field] of cases) expectValidationError(await abort(running.id, body), field);
    for (const rawBody of ['{"reason":', '[1,2]', '"stop"']) {
      expectError(await t.request('POST', `${DEPLOYMENTS}/${running.id}/abort`, { token: t.tokens.admin, rawBody }), 400, 'VALIDATION_ERROR');
    }
    expect((await get(running.id)).status).to.equal('running');
  });

  describe('auth', () => {
    itRequiresAuth(() => t, [{ method: 'POST', path: `${DEPLOYMENTS}/dep-unknown/abort`, role: 'ADMIN', body: { reason: 'auth check' } }]);

    it('OPERATOR and MANAGER are refused (403) and the deployment keeps running', async () => {
      const running = await create(await devices(1));
      for (const token of [t.tokens.operator, t.tokens.manager]) expectError(await abort(running.id, {}, token), 403, 'FORBIDDEN');
      expect((await get(running.id)).status).to.equal('running');
    });
  });
});
