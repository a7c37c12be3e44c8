import { pruneScans } from '../../adapters/store/scan-retention.js';
import type { EdgeExtensionFactory } from './extension.js';

/**
 * Background retention (config `retention`): every `intervalMs`, the scan rows that are not a
 * bottle's record (duplicates, no-reads, invalid, refused) beyond `scansDays` or `scansMax` are
 * deleted in small batches, off the scan path. Never a bottle, an accepted scan or an unsynced item.
 */
export const retentionExtension: EdgeExtensionFactory = ({ config, db, logger }) => {
  const policy = config.retention;
  let first: NodeJS.Timeout | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const runOnce = () => {
    running ??= pruneScans(db.writer, db.reader, policy)
      .then(({ byAge, byCount }) => {
        if (byAge + byCount > 0) logger.info({ byAge, byCount, scansDays: policy.scansDays, scansMax: policy.scansMax }, 'retention: old scan rows deleted');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'retention run failed; next run in one interval'))
      .finally(() => {
        running = null;
      });
    return running;
  };

  return {
    name: 'retention',
    started() {
      if (stopped || timer || (policy.scansDays === null && policy.scansMax === null)) return;
      // The first run waits a little: start-up (migrations, replays) has the disk first.
      first = setTimeout(() => void runOnce(), Math.min(policy.intervalMs, 30_000));
      first.unref();
      timer = setInterval(() => void runOnce(), policy.intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (first) clearTimeout(first);
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
};
