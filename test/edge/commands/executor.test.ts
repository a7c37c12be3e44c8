import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { codes } from '../../support/edge-fixtures.js';
import { scan, useCommandEdge } from '../../support/command-edge.js';
import { createCommandResults } from '../../../adapters/store/command-results.js';
import { channelMessage } from '../../../src/domain/device-channel.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * The edge's command executor over a real device channel: ack, idempotency by commandId, expiry,
 * params checking, and the simple commands (force_sync, clear_queue, pull_logs, reboot/shutdown).
 */
describe('edge commands: executor', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();

  const queueSize = async () => (await fx.edge.t.edge.system.outbox.status()).queueSize;

  it('acks at once, runs force_sync and answers its state and queue size', async () => {
    const edge = await fx.start();
    for (const code of codes(3)) expect((await scan(edge.t, code)).outcome).to.equal('accepted');
    const id = fx.factory.sendCommand('force_sync');
    const result = await fx.factory.result(id);
    const { acks } = fx.factory.replies(id);
    expect(acks).to.deep.equal([{ commandId: id }]);
    // The ack went out before the result.
    const order = fx.factory.messages().filter((m) => (m.payload as { commandId?: string }).commandId === id).map((m) => m.type);
    expect(order).to.deep.equal(['command.ack', 'command.result']);
    expect(result.ok).to.equal(true);
    // Not provisioned for the cloud: the queue stays offline and keeps its items.
    expect(result.result).to.deep.include({ state: 'offline', targetReady: false, queueSize: 3 });
  });

  it('is idempotent: a resent command that already ran answers its stored result without running again', async () => {
    const edge = await fx.start();
    for (const code of codes(4)) await scan(edge.t, code);
    const id = fx.factory.sendCommand('clear_queue');
    const first = await fx.factory.result(id);
    expect(first).to.deep.include({ ok: true, result: { dropped: 4, queued: 4, parked: 0 } });
    for (const code of codes(2)) await scan(edge.t, code);
    expect(await queueSize()).to.equal(2);

    fx.factory.sendCommand('clear_queue', {}, { commandId: id });
    const second = await fx.factory.result(id, 10_000, 2);
    expect(second).to.deep.equal(first);
    expect(await queueSize()).to.equal(2);
    expect(fx.factory.replies(id).acks).to.have.length(2);

    // Still so after the edge restarts: the record is persisted.
    await edge.restart();
    fx.factory.sendCommand('clear_queue', {}, { commandId: id });
    expect(await fx.factory.result(id, 10_000, 3)).to.deep.equal(first);
    expect(await queueSize()).to.equal(2);
  });

  it('a resend while the command still runs is acked and answered once, by the one run', async () => {
    const edge = await fx.start({ commands: { execShell: { enabled: true, allowlist: [[process.execPath, '-e', '**']] } } });
    const params = { command: process.execPath, args: ['-e', 'setTimeout(() => process.stdout.write("done"), 300)'] };
    const id = fx.factory.sendCommand('exec_shell', params);
    await waitFor(() => fx.factory.replies(id).acks.length === 1, 5_000, 'the first ack');
    fx.factory.sendCommand('exec_shell', params, { commandId: id });
    await fx.factory.result(id);
    await edge.t.edge.commands.idle();
    const { acks, results } = fx.factory.replies(id);
    expect(acks).to.have.length(2);
    expect(results).to.have.length(1);
    expect(results[0]!.result).to.deep.include({ stdout: 'done', exitCode: 0 });
  });

  it('a command cut short by the process ending is not run again: reboot_os counts as done, anything else INTERRUPTED', async () => {
    const edge = await fx.start({ commands: { rebootCommand: [process.execPath, '-e', 'process.exit(9)'] } });
    // As the previous process left them: started, never finished.
    const results = createCommandResults(edge.t.edge.system.db.writer);
    await results.started('cmd-rebooting', 'reboot_os');
    await results.started('cmd-clearing', 'clear_queue');
    for (const code of codes(2)) await scan(edge.t, code);

    const reboot = await fx.factory.result(fx.factory.sendCommand('reboot_os', {}, { commandId: 'cmd-rebooting' }));
    expect(reboot.ok).to.equal(true);
    expect(reboot.result).to.deep.include({ completed: true });
    const clear = await fx.factory.result(fx.factory.sendCommand('clear_queue', {}, { commandId: 'cmd-clearing' }));
    expect(clear.ok).to.equal(false);
    expect(clear.error!.code).to.equal('INTERRUPTED');
    expect(await queueSize()).to.equal(2);
  });

  it('refuses a command past its expiresAt with EXPIRED and does not run it', async () => {
    const edge = await fx.start();
    const id = fx.factory.sendCommand('disable_device', { reason: 'too late' }, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const result = await fx.factory.result(id);
    expect(result.ok).to.equal(false);
    expect(result.error!.code).to.equal('EXPIRED');
    expect((await scan(edge.t, codes(1)[0]!)).outcome).to.equal('accepted');
  });

  it('refuses bad params with INVALID_PARAMS naming the field', async () => {
    await fx.start();
    const tooFew = fx.factory.sendCommand('pull_logs', { lines: 0 });
    const unknownKey = fx.factory.sendCommand('force_sync', { now: true });
    const badSha = fx.factory.sendCommand('update_firmware', { releaseId: 'r1', version: '1.0.0', artifactPath: '/api/v1/firmware/releases/r1/artifact', sha256: 'nope', size: 1 });
    for (const [id, field] of [
      [tooFew, 'lines'],
      [unknownKey, ''],
      [badSha, 'sha256'],
    ] as const) {
      const result = await fx.factory.result(id);
      expect(result.ok).to.equal(false);
      expect(result.error!.code).to.equal('INVALID_PARAMS');
      expect(result.error!.message).to.include(field);
    }
  });

  it('clear_queue drops every queued item, reports the counts and journals it (an alarm)', async () => {
    const edge = await fx.start();
    for (const code of codes(5)) await scan(edge.t, code);
    expect(await queueSize()).to.equal(5);
    const id = fx.factory.sendCommand('clear_queue');
    expect(await fx.factory.result(id)).to.deep.include({ ok: true, result: { dropped: 5, queued: 5, parked: 0 } });
    expect(await queueSize()).to.equal(0);
    const logged = edge.t.edge.logRing.lines(50, 'warn').filter((line) => line.commandId === id && line.dropped === 5);
    expect(logged).to.have.length(1);
    // On the cabinet's journal: an alarm waiting for a person, and the command's outcome.
    await edge.t.edge.system.journal.flush();
    const entries = await edge.t.edge.system.journal.store.page({ category: ['sync'] }, { limit: 10 });
    const cleared = entries.filter((e) => e.messageKey === 'sync.queue_cleared');
    expect(cleared).to.have.length(1);
    expect(cleared[0]).to.deep.include({ severity: 'alarm', acknowledged: false, params: { dropped: 5, commandId: id } });
    const outcomes = await edge.t.edge.system.journal.store.page({ source: 'commands' }, { limit: 10 });
    expect(outcomes.map((e) => e.messageKey)).to.include.members(['system.command_received', 'system.command_succeeded']);
  });

  it('pull_logs returns the last lines as JSON objects, oldest first, filtered by level', async () => {
    const edge = await fx.start();
    edge.t.edge.system.logger.warn({ marker: 1 }, 'first marker');
    edge.t.edge.system.logger.info({ marker: 2 }, 'second marker');
    const id = fx.factory.sendCommand('pull_logs', { lines: 2 });
    const result = (await fx.factory.result(id)).result as { lines: Array<Record<string, unknown>>; count: number; truncated: boolean };
    expect(result.count).to.equal(2);
    // The newest lines: the second marker and the executor's own "command started".
    expect(result.lines.map((l) => l.msg)).to.include('second marker');
    expect(result.lines[0]).to.include.keys('level', 'time', 'msg');
    expect(result.lines[0]!.time! <= result.lines[1]!.time!).to.equal(true);

    const warnOnly = fx.factory.sendCommand('pull_logs', { lines: 100, level: 'warn' });
    const warnLines = ((await fx.factory.result(warnOnly)).result as { lines: Array<{ level: number; msg: string }> }).lines;
    expect(warnLines.every((l) => l.level >= 40)).to.equal(true);
    expect(warnLines.map((l) => l.msg)).to.include('first marker');
  });

  it('reboot_os and shutdown_os fail NOT_ENABLED unless a system command is configured', async () => {
    await fx.start();
    for (const type of ['reboot_os', 'shutdown_os'] as const) {
      const result = await fx.factory.result(fx.factory.sendCommand(type));
      expect(result.ok).to.equal(false);
      expect(result.error!.code).to.equal('NOT_ENABLED');
      expect(result.error!.message).to.match(/not enabled.*commands\.(reboot|shutdown)Command/);
    }
  });

  it('reboot_os runs the configured command (argv, no shell) and reports its exit; a failing one is FAILED', async () => {
    const { dir, cleanup } = tempDir('okto-reboot-');
    try {
      const marker = path.join(dir, 'rebooted');
      await fx.start({
        commands: { rebootCommand: [process.execPath, '-e', `require("fs").writeFileSync(${JSON.stringify(marker)}, "yes")`], shutdownCommand: [process.execPath, '-e', 'process.exit(4)'] },
      });
      const reboot = await fx.factory.result(fx.factory.sendCommand('reboot_os'));
      expect(reboot).to.deep.include({ ok: true });
      expect(reboot.result).to.deep.include({ exitCode: 0 });
      expect(fs.readFileSync(marker, 'utf8')).to.equal('yes');

      const shutdown = await fx.factory.result(fx.factory.sendCommand('shutdown_os'));
      expect(shutdown.ok).to.equal(false);
      expect(shutdown.error!.code).to.equal('COMMAND_FAILED');
      expect(shutdown.error!.message).to.include('exited with 4');
    } finally {
      await fx.stopEdge();
      cleanup();
    }
  });

  it('a result that is ready while the channel is down goes out once it is back', async () => {
    const edge = await fx.start();
    // Cut the channel, then run a command as if it had arrived just before.
    for (const channel of fx.factory.channels) channel.socket.terminate();
    edge.t.edge.commands.receive(channelMessage('command', { commandId: 'cmd-offline', type: 'force_sync', params: {}, expiresAt: null, timeoutMs: 5_000 }));
    const result = await fx.factory.result('cmd-offline');
    expect(result.ok).to.equal(true);
  });
});
