import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, backupSqlite, restoreSqlite } from '../../adapters/store/sqlite-backup.js';
import { StartupError } from '../runtime/cli.js';
import { runningPid } from '../runtime/pid-file.js';

/**
 * `<service> backup --to FILE` and `<service> restore --from FILE`, with the service's own flags
 * (--config, --data-dir, …) saying where its data is. Backup works while the service runs;
 * restore refuses while the pid file names a live process.
 */
export interface DataCommandTarget {
  dataDir: string;
  /** The SQLite file, or null when the service keeps its data in PostgreSQL. */
  dbFile: string | null;
}

export const dataCommandUsage = (service: string) => `Data commands:
  ${service} backup --to FILE [--config FILE] [--data-dir DIR]
                     consistent copy of the SQLite database while the service runs
  ${service} restore --from FILE [--config FILE] [--data-dir DIR]
                     puts a backup in place (the service must be stopped); the replaced
                     database is kept beside it as *.before-restore-<time>`;

export const pidFileOf = (service: string, dataDir: string) => path.join(dataDir, `${service}.pid`);

/** Runs the command and resolves with the process exit code; what it says goes to stdout/stderr. */
export async function runDataCommand(options: {
  service: string;
  command: 'backup' | 'restore';
  argv: string[];
  usage: string;
  /** Resolves the data dir and database from the service's own flags (throws its ConfigError). */
  resolve: (argv: string[]) => DataCommandTarget;
}): Promise<number> {
  const { service, command } = options;
  const flag = command === 'backup' ? 'to' : 'from';
  let file: string | undefined;
  let rest: string[];
  try {
    const parsed = parseArgs({ args: options.argv, strict: false, allowPositionals: true, options: { [flag]: { type: 'string' } } });
    file = parsed.values[flag] as string | undefined;
    rest = options.argv.filter((arg, i, all) => arg !== `--${flag}` && !arg.startsWith(`--${flag}=`) && all[i - 1] !== `--${flag}`);
  } catch (error) {
    process.stderr.write(`${service} ${command}: ${(error as Error).message}\n${options.usage}\n`);
    return 2;
  }
  if (!file) {
    process.stderr.write(`${service} ${command}: --${flag} FILE is required\n${options.usage}\n`);
    return 2;
  }
  const target = options.resolve(rest);
  if (target.dbFile === null) {
    process.stderr.write(
      `${service} ${command}: the data is in PostgreSQL; use pg_dump / pg_restore (docs/DEPLOYMENT.md, "Backups")\n`,
    );
    return 2;
  }
  const absolute = path.resolve(file);
  try {
    if (command === 'backup') {
      const started = performance.now();
      const { bytes } = await backupSqlite(target.dbFile, absolute);
      process.stdout.write(`${service}: backed up ${target.dbFile} to ${absolute} (${bytes} bytes, ${Math.round(performance.now() - started)} ms)\n`);
      return 0;
    }
    const pid = runningPid(pidFileOf(service, target.dataDir));
    if (pid !== null) throw new StartupError(`${service} is running (pid ${pid}) on ${target.dataDir}: stop it first (systemctl stop ${service})`);
    const { keptAs } = await restoreSqlite(absolute, target.dbFile);
    process.stdout.write(`${service}: restored ${absolute} into ${target.dbFile}${keptAs ? `; the previous database is kept as ${keptAs}` : ''}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BackupError || error instanceof StartupError) {
      process.stderr.write(`${service} ${command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * `okto-… backup|restore …` when argv starts with one of them: runs it and returns its exit code;
 * null when argv is a plain start (the caller goes on starting the service).
 */
export async function dataCommandIn(
  argv: string[],
  options: { service: string; usage: string; resolve: (argv: string[]) => DataCommandTarget },
): Promise<number | null> {
  const [first, ...rest] = argv;
  if (first !== 'backup' && first !== 'restore') return null;
  return runDataCommand({ ...options, command: first, argv: rest });
}
