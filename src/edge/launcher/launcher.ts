import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { type Actor, createActor } from 'xstate';
import { currentVersion, readInstallRecord, readManifest, switchCurrent, writeInstallRecord } from '../../../adapters/firmware-install/install-root.js';
import { installMachine } from '../../../machines/edge/install.machine.js';
import { type InstallRecord, RESTART_EXIT_CODE } from '../../domain/firmware-install.js';

/**
 * The small supervisor for cabinets without systemd (and under it: the unit runs this launcher,
 * so crash loops are caught either way). It runs `<root>/current`'s entry, starts it again when
 * it exits, and watches a new version through its confirmation with the install machine: the new
 * version must write `confirmed` into install.json (it does once the factory welcomed its hello)
 * within the record's confirmTimeoutMs, and must not exit `crashLoopLimit` times within
 * `crashLoopWindowMs`. Otherwise the launcher switches `current` back to the previous version,
 * records `rolled_back` with the reason (the restored version reports it to the factory) and
 * starts it. Exit code 75 from the edge means "start me again" (into a just-switched `current`).
 */
export interface LauncherOptions {
  root: string;
  /** Arguments passed to the edge's entry. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  crashLoopLimit?: number;
  crashLoopWindowMs?: number;
  /** Pause before starting again after an unexpected exit (not after exit 75). */
  restartDelayMs?: number;
  /** How often install.json is read for the new version's confirmation. */
  pollMs?: number;
  log?: (message: string) => void;
  /** Where the child's output goes (default: inherited). */
  stdio?: 'inherit' | 'pipe';
}

export interface Launcher {
  /** Stops the child (SIGTERM) and the launcher; resolves when the child is gone. */
  stop(): Promise<void>;
  /** The running child, if any (tests). */
  child(): ChildProcess | null;
}

const LAUNCHER_DEFAULTS = { crashLoopLimit: 3, crashLoopWindowMs: 60_000, restartDelayMs: 1_000, pollMs: 250 } as const;

export function startLauncher(options: LauncherOptions): Launcher {
  const { root } = options;
  const limit = options.crashLoopLimit ?? LAUNCHER_DEFAULTS.crashLoopLimit;
  const windowMs = options.crashLoopWindowMs ?? LAUNCHER_DEFAULTS.crashLoopWindowMs;
  const restartDelayMs = options.restartDelayMs ?? LAUNCHER_DEFAULTS.restartDelayMs;
  const pollMs = options.pollMs ?? LAUNCHER_DEFAULTS.pollMs;
  const log = options.log ?? ((message: string) => process.stderr.write(`okto-launcher: ${message}\n`));

  let child: ChildProcess | null = null;
  let stopping = false;
  let stopped: () => void = () => undefined;
  const whenStopped = new Promise<void>((resolve) => (stopped = resolve));
  /** The install being watched (a version not confirmed yet), with its deadline and poller. */
  let watch: { record: InstallRecord; actor: Actor<typeof installMachine>; deadline: NodeJS.Timeout; poll: NodeJS.Timeout } | null = null;

  const endWatch = () => {
    if (!watch) return;
    clearTimeout(watch.deadline);
    clearInterval(watch.poll);
    watch.actor.stop();
    watch = null;
  };

  /** Starts watching when `current` is a version installed but not confirmed yet. */
  function watchPendingInstall(version: string): void {
    if (watch && watch.record.to === version) return;
    endWatch();
    const record = readInstallRecord(root);
    if (!record || record.state !== 'restarting' || record.to !== version) return;
    const actor = createActor(installMachine, { input: { target: record.to, previous: record.from, phase: 'restarting', crashLoopLimit: limit, crashLoopWindowMs: windowMs } });
    actor.start();
    const deadline = setTimeout(() => {
      if (readInstallRecord(root)?.state === 'confirmed') return actor.send({ type: 'HEALTHY', version });
      actor.send({ type: 'CONFIRM_TIMEOUT', afterMs: record.confirmTimeoutMs });
      log(`version ${version} not confirmed within ${record.confirmTimeoutMs} ms: stopping it to roll back`);
      child?.kill('SIGTERM');
      const stubborn = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      stubborn.unref();
    }, record.confirmTimeoutMs);
    const poll = setInterval(() => {
      if (readInstallRecord(root)?.state !== 'confirmed') return;
      actor.send({ type: 'HEALTHY', version });
      log(`version ${version} confirmed`);
      endWatch();
    }, pollMs);
    watch = { record, actor, deadline, poll };
    log(`watching version ${version}: confirmation within ${record.confirmTimeoutMs} ms, rollback to ${record.from ?? 'nothing'} otherwise`);
  }

  /** The watched version failed: `current` goes back to the previous one, and the record says why. */
  function rollBack(record: InstallRecord, reason: string): void {
    endWatch();
    if (!record.from) {
      log(`version ${record.to} failed (${reason}) and there is no previous version to go back to`);
      return;
    }
    switchCurrent(root, record.from);
    writeInstallRecord(root, { ...record, state: 'rolled_back', reason, updatedAt: new Date().toISOString() });
    log(`rolled back from ${record.to} to ${record.from}: ${reason}`);
  }

  function startChild(): void {
    if (stopping) return;
    const version = currentVersion(root);
    if (!version) {
      log(`nothing installed at ${path.join(root, 'current')}; retrying`);
      setTimeout(startChild, restartDelayMs).unref();
      return;
    }
    watchPendingInstall(version);
    const dir = path.join(root, 'releases', version);
    let entry: string;
    try {
      entry = path.join(dir, readManifest(dir).entry);
    } catch (error) {
      entry = path.join(dir, 'bin', 'okto-edge.js'); // an unreadable manifest: the start itself fails and counts as a crash
      log(`version ${version}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const env = { ...(options.env ?? process.env), OKTO_INSTALL_ROOT: root, OKTO_LAUNCHER: '1' };
    const started = spawn(process.execPath, [entry, ...(options.args ?? [])], { cwd: dir, env, stdio: options.stdio ?? 'inherit' });
    child = started;
    log(`started version ${version} (pid ${started.pid})`);
    started.on('exit', (code, signal) => onExit(version, code, signal));
  }

  function onExit(version: string, code: number | null, signal: NodeJS.Signals | null): void {
    child = null;
    if (stopping) return stopped();
    if (code === RESTART_EXIT_CODE) {
      log(`version ${version} asked to be started again`);
      return startChild();
    }
    log(`version ${version} exited (${signal ?? `code ${code}`})`);
    if (watch && watch.record.to === version) {
      const { actor, record } = watch;
      if (actor.getSnapshot().value === 'restarting') actor.send({ type: 'EXITED', at: Date.now(), code });
      const snapshot = actor.getSnapshot();
      if (snapshot.value === 'rolled_back') {
        rollBack(record, snapshot.context.reason ?? 'rolled back');
        return startChild();
      }
    }
    setTimeout(startChild, restartDelayMs).unref();
  }

  startChild();
  return {
    child: () => child,
    async stop() {
      stopping = true;
      endWatch();
      if (!child) return;
      child.kill('SIGTERM');
      await whenStopped;
    },
  };
}
