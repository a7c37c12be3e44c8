import fs from 'node:fs';
import path from 'node:path';

/**
 * exec_shell's allowlist: each entry is a whole argv pattern, not just a program. Checking only
 * the program let `/usr/bin/env /bin/sh …` run anything once `env` was allowed.
 *
 *   "/usr/bin/uptime"                   this program with no arguments (a plain string)
 *   ["/usr/bin/df", "-h"]               exactly `df -h`
 *   ["/usr/bin/journalctl", "-u", "okto-*", "-n", "**"]
 *
 * An argument pattern is literal except for `*` (any run of characters other than `/`) and `**`
 * (any run of characters, `/` included); the request must have exactly as many arguments as the
 * pattern. Programs are compared by their real path (fs.realpath): the allowed programs are
 * pinned when the edge starts, and the requested one is resolved when it is asked for, so a
 * symlink created or re-pointed later cannot stand in for an allowed program. A bare name in the
 * configuration (`uptime`) is looked up on EXEC_PATH, the fixed PATH the program then runs with.
 */

/** The only PATH an exec_shell program sees; nothing else of the edge's environment is passed on. */
export const EXEC_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type AllowlistEntry = string | string[];

interface PinnedEntry {
  /** As configured, for messages. */
  program: string;
  /** fs.realpath at start; null when the program did not exist then (the entry allows nothing). */
  realPath: string | null;
  args: RegExp[];
}

export interface ArgvAllowlist {
  /** The real path to run when `command args` matches an entry; null when nothing allows it. */
  match(command: string, args: readonly string[]): string | null;
  /** Entries whose program could not be found at start (logged by the caller). */
  missing: string[];
}

/** The real path of `program`: absolute as given, or a bare name looked up on EXEC_PATH; null if there is none. */
export function resolveProgram(program: string): string | null {
  const candidates = path.isAbsolute(program) ? [program] : program.includes('/') ? [] : EXEC_PATH.split(':').map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      const real = fs.realpathSync(candidate);
      if (fs.statSync(real).isFile()) return real;
    } catch {
      // not there: try the next directory
    }
  }
  return null;
}

/** One argument pattern as an anchored RegExp: `**` any characters, `*` any but `/`, the rest literal. */
export function argumentPattern(pattern: string): RegExp {
  const source = pattern
    .split('**')
    .map((part) => part.split('*').map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('[\\s\\S]*');
  return new RegExp(`^${source}$`);
}

export function createArgvAllowlist(entries: readonly AllowlistEntry[], resolve: (program: string) => string | null = resolveProgram): ArgvAllowlist {
  const pinned: PinnedEntry[] = entries.map((entry) => {
    const [program, ...args] = typeof entry === 'string' ? [entry] : entry;
    return { program: program!, realPath: resolve(program!), args: args.map(argumentPattern) };
  });
  return {
    missing: pinned.filter((entry) => entry.realPath === null).map((entry) => entry.program),
    match(command, args) {
      const real = resolve(command);
      if (!real) return null;
      const allowed = pinned.some(
        (entry) => entry.realPath === real && entry.args.length === args.length && entry.args.every((pattern, i) => pattern.test(args[i]!)),
      );
      return allowed ? real : null;
    },
  };
}
