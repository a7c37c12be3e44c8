import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { expectData } from '../../support/api-expect.js';
import { connectDevice, type DeviceChannel } from '../../support/factory-api-fixtures.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { artifactBytes, rawRequest, uploadOk } from '../../support/firmware-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

const DEPLOYMENTS = '/api/v1/firmware/deployments';

/**
 * Firmware rollouts through the real command service, with each device played by a raw device
 * channel client: it gets its update_firmware command, downloads the artifact with its own device
 * token (resuming an interrupted download with Range), checks it, and reports stages and results.
 */
describeOnBothDatabases('firmware rollout over /ws/device (command service)', (db) => {
  let t: TestFactory;
  let release: any;
  const bytes = artifactBytes(200_000, 5);
  const channels: DeviceChannel[] = [];
  before(async () => {
    t = await startTestFactory(db);
    release = await uploadOk(t, '8.0.0', bytes);
  });
  after(async () => {
    for (const channel of channels) await channel.close().catch(() => undefined);
    await t?.stop();
  });

  let n = 0;
  const enrolled = async (count: number) => {
    const out: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < count; i++) {
      const id = `rollout-${String(++n).padStart(3, '0')}`;
      out.push({ id, token: await t.enrol(id) });
    }
    return out;
  };
  const online = async (device: { token: string }) => {
    const channel = await connectDevice(t, device.token);
    channels.push(channel);
    return channel;
  };
  const get = async (id: string) => expectData(await t.request('GET', `${DEPLOYMENTS}/${id}`, { token: t.tokens.operator }));
  const until = (id: string, what: string, check: (deployment: any) => boolean) =>
    waitFor(async () => {
      const deployment = await get(id);
      return check(deployment) ? deployment : null;
    }, 8000, what);
  const commandOf = async (channel: DeviceChannel) => (await channel.next('command', (p) => p.type === 'update_firmware')).payload;

  /** What an edge does: ack, download (in two parts, the second resumed with Range), verify, stage, report. */
  async function install(channel: DeviceChannel, token: string, options: { corrupt?: boolean } = {}) {
    const command = await commandOf(channel);
    channel.send('command.ack', { commandId: command.commandId });
    channel.send('command.progress', { commandId: command.commandId, stage: 'downloading' });
    const { artifactPath, sha256, size } = command.params;
    const head = await rawRequest(t, 'GET', artifactPath, { token, headers: { range: 'bytes=0-65535' } });
    expect(head.status).to.equal(206);
    const rest = await rawRequest(t, 'GET', artifactPath, { token, headers: { range: `bytes=${head.body.length}-`, 'if-range': head.headers.etag as string } });
    expect(rest.status).to.equal(206);
    const downloaded = Buffer.concat([head.body, rest.body]);
    if (options.corrupt) downloaded[0] = (downloaded[0]! + 1) % 256;
    channel.send('command.progress', { commandId: command.commandId, stage: 'verifying' });
    const ok = downloaded.length === size && createHash('sha256').update(downloaded).digest('hex') === sha256;
    if (!ok) {
      channel.send('command.result', { commandId: command.commandId, ok: false, error: { code: 'E_VERIFY', message: 'sha256 mismatch' } });
      return command;
    }
    // As an A/B edge: installs, restarts, and its new version answers as itself once welcomed.
    channel.send('command.progress', { commandId: command.commandId, stage: 'installing' });
    channel.send('command.progress', { commandId: command.commandId, stage: 'restarting' });
    channel.send('command.result', { commandId: command.commandId, ok: true, result: { version: command.params.version, installed: true, softwareVersion: command.params.version } });
    return command;
  }

  it('a rollout to two edges: each downloads with its device token (resuming with Range), verifies, and the deployment completes', async () => {
    const devices = await enrolled(2);
    const links = await Promise.all(devices.map(online));
    const deployment = expectData(await t.request('POST', DEPLOYMENTS, { token: t.tokens.admin, body: { releaseId: release.id, deviceIds: devices.map((d) => d.id) } }), 201);
    const commands = await Promise.all(links.map((link, i) => install(link, devices[i]!.token)));
    expect(commands.map((c) => c.params.sha256)).to.deep.equal([release.sha256, release.sha256]);
    const done = await until(deployment.id, 'completed', (d) => d.status === 'completed');
    expect(done.counts).to.include({ total: 2, installed: 2 });
    const command = expectData(await t.request('GET', `/api/v1/devices/${devices[0]!.id}/commands/${done.devices[0].commandId}`, { token: t.tokens.operator }));
    expect(command).to.include({ status: 'SUCCEEDED', type: 'update_firmware' });
  });

  it('a rollout that aborts at its threshold: failed verifications stop it, the offline edge is skipped and its command canceled, the edge at work is followed', async () => {
    const devices = await enrolled(4);
    const [a, b, c, offline] = devices;
    const [linkA, linkB, linkC] = await Promise.all([a, b, c].map((d) => online(d!)));
    const deployment = expectData(
      await t.request('POST', DEPLOYMENTS, { token: t.tokens.admin, body: { releaseId: release.id, deviceIds: devices.map((d) => d.id), abortThresholdPercent: 30, abortMinDevices: 2 } }),
      201,
    );
    // c starts and keeps working; a and b fail their verification.
    const commandC = await commandOf(linkC!);
    linkC!.send('command.ack', { commandId: commandC.commandId });
    linkC!.send('command.progress', { commandId: commandC.commandId, stage: 'downloading' });
    await until(deployment.id, 'c downloading', (d) => d.counts.downloading === 1);
    await install(linkA!, a!.token, { corrupt: true });
    await install(linkB!, b!.token, { corrupt: true });
    const aborted = await until(deployment.id, 'aborted', (d) => d.status === 'aborted');
    const states = Object.fromEntries(aborted.devices.map((d: any) => [d.deviceId, d]));
    expect(states[a!.id]).to.include({ state: 'failed', error: 'E_VERIFY: sha256 mismatch' });
    expect(states[b!.id].state).to.equal('failed');
    expect(states[c!.id].state).to.equal('downloading');
    expect(states[offline!.id].state).to.equal('skipped');
    // The offline edge's command never went out: canceled, so it will not run when the edge comes back.
    await waitFor(async () => {
      const command = expectData(await t.request('GET', `/api/v1/devices/${offline!.id}/commands/${states[offline!.id].commandId}`, { token: t.tokens.operator }));
      return command.status === 'CANCELED';
    }, 5000, 'the skipped command to be canceled');
    // c finishes after the abort: recorded, the deployment stays aborted.
    linkC!.send('command.result', { commandId: commandC.commandId, ok: true, result: { version: '8.0.0', installed: true, softwareVersion: '8.0.0' } });
    const after = await until(deployment.id, 'c installed', (d) => d.counts.installed === 1);
    expect(after.status).to.equal('aborted');
    expect((await get(deployment.id)).devices.find((d: any) => d.deviceId === offline!.id).state).to.equal('skipped');
  });

  it('an edge that never reports is timed out by its command timeout; an edge that stays offline by its expiry', async () => {
    const devices = await enrolled(2);
    const [silent, away] = devices;
    const link = await online(silent!);
    const deployment = expectData(
      await t.request('POST', DEPLOYMENTS, { token: t.tokens.admin, body: { releaseId: release.id, deviceIds: devices.map((d) => d.id), deviceTimeoutMs: 1500, abortThresholdPercent: 100 } }),
      201,
    );
    // The timeout covers delivery too: long enough that a busy machine still delivers and acks in time.
    const command = await commandOf(link);
    link.send('command.ack', { commandId: command.commandId });
    const done = await until(deployment.id, 'failed', (d) => d.status === 'failed');
    const states = Object.fromEntries(done.devices.map((d: any) => [d.deviceId, d]));
    expect(states[silent!.id].state).to.equal('timed_out');
    expect(states[silent!.id].error).to.match(/no result within 1500 ms/);
    expect(states[away!.id].state).to.equal('timed_out');
    expect(states[away!.id].error).to.match(/expired/);
  });

  it('a revoked device token cannot download the artifact', async () => {
    const [device] = await enrolled(1);
    const path = `/api/v1/firmware/releases/${release.id}/artifact`;
    expect((await rawRequest(t, 'GET', path, { token: device!.token, headers: { range: 'bytes=0-9' } })).status).to.equal(206);
    expectData(await t.request('POST', `/api/v1/devices/${device!.id}/token`, { token: t.tokens.manager }), 201);
    expect((await rawRequest(t, 'GET', path, { token: device!.token })).status).to.equal(401);
  });
});
