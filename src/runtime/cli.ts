import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What every okto-* command does the same way: -h/--help and --version (exit 0), usage on a bad
 * flag (exit 2), and start-up checks that say in one line what is wrong (exit 1) before anything
 * is written to disk: a busy port, a data dir that cannot be written.
 */

/** The `version` of the package these sources belong to (found by walking up, so it works from dist/ too). */
export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'okto-traceability') return pkg.version ?? '0.0.0';
    }
    const parent = path.dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

export interface MetaFlags {
  /** The arguments left for the command's own parser. */
  argv: string[];
  help: boolean;
  version: boolean;
  /** --log-pretty: human-readable coloured logs (pino-pretty) instead of JSON lines. */
  pretty: boolean;
}

/** Takes the flags every command shares out of argv (before `--`). */
export function takeMetaFlags(argv: string[]): MetaFlags {
  const out: MetaFlags = { argv: [], help: false, version: false, pretty: false };
  let rest = false;
  for (const arg of argv) {
    if (rest) out.argv.push(arg);
    else if (arg === '--') {
      rest = true;
      out.argv.push(arg);
    } else if (arg === '-h' || arg === '--help') out.help = true;
    else if (arg === '--version') out.version = true;
    else if (arg === '--log-pretty') out.pretty = true;
    else out.argv.push(arg);
  }
  return out;
}

/** A start-up check that failed: main prints `<name>: <message>` and exits with `exitCode`, no stack. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Fails with one line when `host:port` is taken. Port 0 always works. */
export async function checkPortFree(service: string, port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(portError(service, port, host, error)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** The one-line message for a listen error, or the error itself when it is something else. */
export function portError(service: string, port: number, host: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return new StartupError(`port ${port} is in use — is another ${service} running?`);
  if (code === 'EACCES') return new StartupError(`port ${port} needs privileges this user does not have (use a port above 1023)`);
  if (code === 'EADDRNOTAVAIL') return new StartupError(`cannot listen on ${host}: no such address on this machine`);
  return error as Error;
}

/**
 * Fails with one line when the data dir cannot be used: it is not a directory, or neither it nor
 * the nearest existing parent it would be created in is writable. Creates nothing.
 */
export function checkDataDir(dataDir: string): void {
  let probe = path.resolve(dataDir);
  for (;;) {
    let stat: fs.Stats | null = null;
    try {
      stat = fs.statSync(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new StartupError(`data dir ${dataDir} cannot be created: a part of its path is a file, not a directory`);
      if (code !== 'ENOENT') throw new StartupError(`data dir ${dataDir} cannot be used: ${(error as Error).message}`);
    }
    if (stat) {
      if (!stat.isDirectory()) throw new StartupError(`data dir ${dataDir} cannot be used: ${probe} is not a directory`);
      try {
        fs.accessSync(probe, fs.constants.W_OK | fs.constants.X_OK);
      } catch {
        throw new StartupError(
          probe === path.resolve(dataDir) ? `data dir ${dataDir} is not writable by this user` : `data dir ${dataDir} cannot be created: ${probe} is not writable by this user`,
        );
      }
      return;
    }
    const parent = path.dirname(probe);
    if (parent === probe) return;
    probe = parent;
  }
}

/** The last words of a command that could not start: one line for a known problem, the stack otherwise. */
export function failedToStart(service: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof StartupError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'ENOSPC') {
      process.stderr.write(`${service}: failed to start: ${(error as Error).message}\n`);
      process.exit(1);
    }
    process.stderr.write(`${service}: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  };
}
