import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where Debian's socat lives (`.ci/run` installs it); null when missing. */
export function socatPath(): string | null {
  for (const candidate of ['/usr/bin/socat', '/bin/socat', '/usr/local/bin/socat']) if (fs.existsSync(candidate)) return candidate;
  return null;
}

export interface PtyPair {
  /** The two /dev/pts paths, as socat reported them. */
  pts: [string, string];
  /** Stable symlinks to them (the same names after a restart: a reader that is unplugged and plugged back). */
  links: [string, string];
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A pair of connected pseudo-terminals: `socat -d -d pty,raw,echo=0 pty,raw,echo=0` — real ttys,
 * so the serial transport runs against the kernel's tty layer, not a mock binding.
 */
export async function startPtyPair(dir: string, names: [string, string] = ['scanner', 'peer']): Promise<PtyPair> {
  const socat = socatPath();
  if (!socat) throw new Error('socat is not installed');
  const links: [string, string] = [path.join(dir, names[0]), path.join(dir, names[1])];
  const child = spawn(socat, ['-d', '-d', `pty,raw,echo=0,link=${links[0]}`, `pty,raw,echo=0,link=${links[1]}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const pts = await new Promise<[string, string]>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`socat did not report two ptys: ${stderr}`)), 5000);
    child.once('exit', (code) => reject(new Error(`socat exited (${code}): ${stderr}`)));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = [...stderr.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1]!);
      if (found.length >= 2 && /starting data transfer loop/.test(stderr)) {
        clearTimeout(timer);
        resolve([found[0]!, found[1]!]);
      }
    });
  });
  child.stderr!.resume();
  return {
    pts,
    links,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
