import type { Knex } from 'knex';
import { fromCallback } from 'xstate';
import type { CommitterEvent, CommitterReply } from '../../src/domain/scan-commit.js';
import type { AnyActorRef } from 'xstate';
import type { CommitItem, CommitJob, CommitResult } from '../../src/domain/scan-commit.js';
import { nextId } from '../../src/domain/ids.js';
import { GroupCommitter, type GroupCommitOptions } from './group-commit.js';
import { writeScanGroup } from './scan-writer.js';

/**
 * The scan line's committer, backed by SQLite. The group committer outlives any one scan line
 * actor (the supervisor may restart it), so `whenIdle` can still be awaited at shutdown.
 */
export function createScanCommitter(db: Knex, options: GroupCommitOptions) {
  // Observers of each committed group (metrics): told the group's size and how long its write took.
  const groupObservers = new Set<(items: number, seconds: number) => void>();
  const committer = new GroupCommitter<CommitItem, CommitResult>(async (items) => {
    const started = performance.now();
    const results = await writeScanGroup(db, items, nextId, new Date().toISOString());
    const seconds = (performance.now() - started) / 1000;
    for (const observe of groupObservers) observe(items.length, seconds);
    return results;
  }, options);

  const logic = fromCallback<CommitterEvent, void>(({ receive, sendBack }) => {
    const reply = sendBack as (event: CommitterReply) => void;
    // Every job of a group settles in the same tick: gather them into one event, so the scan
    // line releases a whole group in one step instead of one step per job.
    let settled: Array<{ job: CommitJob<AnyActorRef>; results: CommitResult[] }> = [];
    const flush = () => {
      const jobs = settled;
      settled = [];
      reply({ type: 'commit.done', jobs });
    };
    receive(({ job }) => {
      committer.submit(job.items).then(
        (results) => {
          if (settled.length === 0) queueMicrotask(flush);
          settled.push({ job, results });
        },
        (error: unknown) => reply({ type: 'commit.failed', jobs: [job], error: error instanceof Error ? error.message : String(error) }),
      );
    });
  });

  return {
    logic,
    whenIdle: () => committer.whenIdle(),
    /** Calls `observer` after each committed group; returns the unsubscribe. */
    onGroupCommitted(observer: (items: number, seconds: number) => void): () => void {
      groupObservers.add(observer);
      return () => groupObservers.delete(observer);
    },
    get backlog() {
      return committer.backlog;
    },
  };
}

export type ScanCommitter = ReturnType<typeof createScanCommitter>;
