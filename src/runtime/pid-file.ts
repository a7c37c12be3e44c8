import fs from 'node:fs';
import { StartupError } from './cli.js';

/**
 * `<dataDir>/<service>.pid`: written once the service has started, removed when it stops. It tells
 * `restore` (and a second copy of the service) that the data dir is in use. A file left by a crash
 * names a process that no longer exists and is ignored.
 */
export function runningPid(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user; still running.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return isOurs(pid) ? pid : null;
}

/**
 * Where /proc tells: a zombie is not running, and a pid reused by another program after a crash or
 * a reboot is not ours (our command line names an okto bin or main.js). Elsewhere: trust the pid.
 */
function isOurs(pid: number): boolean {
  try {
    const state = /\) (\S)/.exec(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    if (state === 'Z' || state === 'X') return false;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /okto|main\.(js|ts)/.test(cmdline);
  } catch {
    return true;
  }
}

/** Fails with one line when another live process holds the pid file. */
export function checkNotRunning(service: string, file: string, dataDir: string): void {
  const pid = runningPid(file);
  if (pid !== null) throw new StartupError(`another ${service} (pid ${pid}) is using the data dir ${dataDir}`);
}

/** Writes this process's pid (mode 0644); returns the remover, which only removes a file that is still ours. */
export function writePidFile(file: string): () => void {
  fs.writeFileSync(file, `${process.pid}\n`, { mode: 0o644 });
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
    } catch {
      // Already gone: nothing to do.
    }
  };
}
