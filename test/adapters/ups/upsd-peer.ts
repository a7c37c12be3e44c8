import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NutClient } from '../../../adapters/ups/nut-client.js';
import { freePort } from '../../support/free-port.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * Debian's real NUT server for tests: `dummy-ups` serving a `.dev` file and `upsd` on a free
 * loopback port, both configured in a temp dir through NUT_CONFPATH / NUT_STATEPATH. (The
 * /usr/sbin/upsd wrapper refuses to start unless /etc/nut/nut.conf says so; the binaries in
 * /lib/nut do not care.)
 */

const CANDIDATES = ['/lib/nut', '/usr/lib/nut', '/usr/libexec/nut'];

export function findNutBinaries(): { upsd: string; dummyUps: string } | null {
  for (const dir of CANDIDATES) {
    const upsd = path.join(dir, 'upsd');
    const dummyUps = path.join(dir, 'dummy-ups');
    if (fs.existsSync(upsd) && fs.existsSync(dummyUps)) return { upsd, dummyUps };
  }
  return null;
}


export interface UpsdPeer {
  port: number;
  upsName: string;
  user: { username: string; password: string };
  /** Rewrites the dummy driver's .dev file (dummy-ups re-reads it when it changes). */
  setVars(vars: Record<string, string>): void;
  output(): string;
  stop(): Promise<void>;
}

export async function startUpsdPeer(initial: Record<string, string>): Promise<UpsdPeer> {
  const bins = findNutBinaries();
  if (!bins) throw new Error('NUT binaries not found');
  const { dir, cleanup } = tempDir('okto-nut-');
  const state = path.join(dir, 'state');
  fs.mkdirSync(state, { mode: 0o700 });
  const port = await freePort();
  const upsName = 'dummy';
  const user = { username: 'monuser', password: 'pass word"1' };
  const devFile = path.join(dir, 'dummy.dev');
  let bump = 0;
  const setVars = (vars: Record<string, string>) => {
    fs.writeFileSync(devFile, Object.entries(vars).map(([k, v]) => `${k}: ${v}\n`).join(''));
    // dummy-ups notices a change by the file's mtime (whole seconds): make sure it moves.
    const t = Date.now() / 1000 + ++bump * 2;
    fs.utimesSync(devFile, t, t);
  };
  setVars(initial);
  fs.writeFileSync(path.join(dir, 'nut.conf'), 'MODE=standalone\n');
  fs.writeFileSync(path.join(dir, 'ups.conf'), `[${upsName}]\n  driver = dummy-ups\n  port = dummy.dev\n  pollinterval = 1\n  desc = "okto test"\n`);
  fs.writeFileSync(path.join(dir, 'upsd.conf'), `LISTEN 127.0.0.1 ${port}\n`, { mode: 0o640 });
  fs.writeFileSync(path.join(dir, 'upsd.users'), `[${user.username}]\n  password = "${user.password.replace(/"/g, '\\"')}"\n  upsmon primary\n`, { mode: 0o640 });

  const env = { ...process.env, NUT_CONFPATH: dir, NUT_STATEPATH: state };
  // As root, NUT drops to the `nut` user, which could not read this temp dir: stay root.
  const asUser = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  let output = '';
  const children: ChildProcess[] = [];
  const start = (bin: string, args: string[]) => {
    const child = spawn(bin, [...args, ...asUser], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('error', (e) => (output += `\n${bin}: ${e.message}`));
    children.push(child);
    return child;
  };
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
    cleanup();
  };

  try {
    start(bins.dummyUps, ['-a', upsName, '-F']);
    await waitFor(() => fs.readdirSync(state).some((f) => f.startsWith('dummy-ups-')), 10_000, () => `the dummy-ups socket; output: ${output}`);
    start(bins.upsd, ['-F']);
    // Ready once upsd answers for the UPS (before the driver has read its file it says DATA-STALE, then WAIT).
    await waitFor(
      async () => {
        try {
          const client = await NutClient.connect({ host: '127.0.0.1', port, timeoutMs: 1000 });
          try {
            return (await client.getVar(upsName, 'ups.status')) === initial['ups.status'];
          } finally {
            client.close();
          }
        } catch {
          return false;
        }
      },
      10_000,
      () => `upsd to serve ${upsName}; output: ${output}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, upsName, user, setVars, output: () => output, stop };
}
