import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createActor } from 'xstate';
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

/**
 * The watch over one new version until it confirms: its install machine, the confirmation
 * deadline and the poll of install.json. `exited` feeds the version's exits and says whether it
 * must be rolled back now (a crash loop, or after the deadline stopped it).
 */
interface InstallWatch {
  record: InstallRecord;
  exited(code: number | null): { rollBack: boolean; reason: string | null };
  end(): void;
}

function watchInstall(root: string, record: InstallRecord, limits: { crashLoopLimit: number; crashLoopWindowMs: number; pollMs: number }, log: (m: string) => void, stopChild: () => void, confirmed: () => void): InstallWatch {
  const version = record.to;
  const actor = createActor(installMachine, { input: { target: version, previous: record.from, phase: 'restarting', crashLoopLimit: limits.crashLoopLimit, crashLoopWindowMs: limits.crashLoopWindowMs } });
  actor.start();
  const isConfirmed = () => readInstallRecord(root)?.state === 'confirmed';
  const deadline = setTimeout(() => {
    if (isConfirmed()) return actor.send({ type: 'HEALTHY', version });
    actor.send({ type: 'CONFIRM_TIMEOUT', afterMs: record.confirmTimeoutMs });
    log(`version ${version} not confirmed within ${record.confirmTimeoutMs} ms: stopping it to roll back`);
    stopChild();
  }, record.confirmTimeoutMs);
  const poll = setInterval(() => {
    if (!isConfirmed()) return;
    actor.send({ type: 'HEALTHY', version });
    log(`version ${version} confirmed`);
    confirmed();
  }, limits.pollMs);
  log(`watching version ${version}: confirmation within ${record.confirmTimeoutMs} ms, rollback to ${record.from ?? 'nothing'} otherwise`);
  return {
    record,
    exited(code) {
      if (actor.getSnapshot().value === 'restarting') actor.send({ type: 'EXITED', at: Date.now(), code });
      const snapshot = actor.getSnapshot();
      return { rollBack: snapshot.value === 'rolled_back', reason: snapshot.context.reason };
    },
    end() {
      clearTimeout(deadline);
      clearInterval(poll);
      actor.stop();
    },
  };
}

export function startLauncher(options: LauncherOptions): Launcher {
  const { root } = options;
  const limits = {
    crashLoopLimit: options.crashLoopLimit ?? LAUNCHER_DEFAULTS.crashLoopLimit,
    crashLoopWindowMs: options.crashLoopWindowMs ?? LAUNCHER_DEFAULTS.crashLoopWindowMs,
    pollMs: options.pollMs ?? LAUNCHER_DEFAULTS.pollMs,
  };
  const restartDelayMs = options.restartDelayMs ?? LAUNCHER_DEFAULTS.restartDelayMs;
  const log = options.log ?? ((message: string) => process.stderr.write(`okto-launcher: ${message}\n`));

  let child: ChildProcess | null = null;
  let stopping = false;
  let stopped: () => void = () => undefined;
  const whenStopped = new Promise<void>((resolve) => (stopped = resolve));
  /** The install being watched (a version not confirmed yet). */
  let watch: InstallWatch | null = null;

  const endWatch = () => {
    watch?.end();
    watch = null;
  };
  /** SIGTERM, then SIGKILL if that very process is still there 10 s later (never the one started after it). */
  const stopChild = () => {
    const target = child;
    target?.kill('SIGTERM');
    setTimeout(() => target?.exitCode === null && target.signalCode === null && target.kill('SIGKILL'), 10_000).unref();
  };

  /** Starts watching when `current` is a version installed but not confirmed yet. */
  function watchPendingInstall(version: string): void {
    if (watch && watch.record.to === version) return;
    endWatch();
    const record = readInstallRecord(root);
    if (record && record.state === 'restarting' && record.to === version) watch = watchInstall(root, record, limits, log, stopChild, endWatch);
  }

  /** The watched version failed: `current` goes back to the previous one, and the record says why. */
  function rollBack(record: InstallRecord, reason: string): void {
    endWatch();
    if (!record.from) return log(`version ${record.to} failed (${reason}) and there is no previous version to go back to`);
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
    const env = { ...(options.env ?? process.env), OKTO_INSTALL_ROOT: root, OKTO_LAUNCHER: '1' };
    const started = spawn(process.execPath, [entryOf(dir, log), ...(options.args ?? [])], { cwd: dir, env, stdio: options.stdio ?? 'inherit' });
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
    const verdict = watch && watch.record.to === version ? watch.exited(code) : null;
    if (verdict?.rollBack) {
      rollBack(watch!.record, verdict.reason ?? 'rolled back');
      return startChild();
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

/** The release's entry (its manifest's); an unreadable manifest gives the usual path, whose start then fails and counts as a crash. */
function entryOf(dir: string, log: (m: string) => void): string {
  try {
    return path.join(dir, readManifest(dir).entry);
  } catch (error) {
    log(`${path.basename(dir)}: ${error instanceof Error ? error.message : String(error)}`);
    return path.join(dir, 'bin', 'okto-edge.js');
  }
}
