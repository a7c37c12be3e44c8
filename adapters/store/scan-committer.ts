import type { Knex } from 'knex';
import { fromCallback } from 'xstate';
import type { CommitterEvent, ScanLineEvent } from '../../machines/edge/scan-line.machine.js';
import type { CommitItem, CommitResult } from '../../src/domain/scan-commit.js';
import { nextId } from '../../src/domain/ids.js';
import { GroupCommitter, type GroupCommitOptions } from './group-commit.js';
import { writeScanGroup } from './scan-writer.js';

/**
 * The scan line's committer, backed by SQLite. The group committer outlives any one scan line
 * actor (the supervisor may restart it), so `whenIdle` can still be awaited at shutdown.
 */
export function createScanCommitter(db: Knex, options: GroupCommitOptions) {
  const committer = new GroupCommitter<CommitItem, CommitResult>(
    (items) => writeScanGroup(db, items, nextId, new Date().toISOString()),
    options,
  );

  const logic = fromCallback<CommitterEvent, void>(({ receive, sendBack }) => {
    const reply = sendBack as (event: ScanLineEvent) => void;
    receive(({ job }) => {
      committer.submit(job.items).then(
        (results) => reply({ type: 'commit.done', jobs: [{ job, results }] }),
        (error: unknown) => reply({ type: 'commit.failed', jobs: [job], error: error instanceof Error ? error.message : String(error) }),
      );
    });
  });

  return {
    logic,
    whenIdle: () => committer.whenIdle(),
    get backlog() {
      return committer.backlog;
    },
  };
}

export type ScanCommitter = ReturnType<typeof createScanCommitter>;
