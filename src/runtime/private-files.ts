import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.js';

/**
 * Keeps a service's data directory private to the account it runs as: the directory and every
 * directory below it 0700, every file 0600 (owner bits kept, so an owner-executable file stays
 * so). The data holds password hashes, token secrets and cloud credentials (the SQLite database
 * and its -wal/-shm, jwt-secret, key files), and SQLite creates its files 0644 whatever we ask.
 *
 * Called before the database is opened (the directory is closed to others before anything is
 * written; existing files that were too open are fixed and reported with a warning) and again
 * once it is open (`reportTooOpen: false`: the files SQLite just created). Symlinks inside it are
 * not followed. A file we cannot fix (owned by someone else) is reported as an error, not fatal.
 */
export function makeDataDirPrivate(dataDir: string, logger: Logger, options: { reportTooOpen?: boolean } = {}): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tooOpen: string[] = [];
  const failed: string[] = [];
  const visit = (target: string, depth: number) => {
    let stat: fs.Stats;
    try {
      // The data dir itself may be a symlink (to a mounted volume): follow it; below it, never.
      stat = depth === 0 ? fs.statSync(target) : fs.lstatSync(target);
    } catch {
      return; // gone meanwhile (a -shm removed at close)
    }
    if (stat.isSymbolicLink() || !(stat.isFile() || stat.isDirectory())) return;
    const wanted = stat.mode & 0o700;
    if ((stat.mode & 0o777) !== wanted) {
      try {
        fs.chmodSync(target, wanted);
        tooOpen.push(`${path.relative(dataDir, target) || '.'} (${(stat.mode & 0o777).toString(8)})`);
      } catch (error) {
        failed.push(`${target}: ${(error as Error).message}`);
      }
    }
    // Deep trees are not ours (a data dir pointed at somewhere odd): stop walking rather than crawl it.
    if (stat.isDirectory() && depth < 4) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(target);
      } catch {
        return;
      }
      for (const name of names) visit(path.join(target, name), depth + 1);
    }
  };
  visit(dataDir, 0);
  if (tooOpen.length > 0 && options.reportTooOpen !== false) {
    logger.warn({ dataDir, fixed: tooOpen.slice(0, 20), count: tooOpen.length }, 'data files were readable by other accounts: permissions tightened to 0700 (directories) and 0600 (files)');
  }
  if (failed.length > 0) logger.error({ dataDir, failed: failed.slice(0, 20) }, 'could not make data files private: fix their owner or permissions');
}
