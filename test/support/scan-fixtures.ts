import { type AnyActorRef, createActor, type EventObject, fromCallback } from 'xstate';
import type { CommitterEvent, ScanLineEvent } from '../../machines/edge/scan-line.machine.js';
import { generateCode, type Industry } from '../../src/domain/codes/index.js';
import type { CommitJob, CommitResult } from '../../src/domain/scan-commit.js';
import { corruptGtin, seededRng } from '../../src/line-sim/frame-source.js';

/** A valid marking code named by its seed (the same seed gives the same code). */
export function validCode(seed: number, industry: Industry = 'milk'): string {
  return generateCode(industry, { rng: seededRng(seed) });
}

/** A code whose GTIN check digit is wrong: the domain rejects it with "GTIN check digit mismatch". */
export function invalidCode(seed: number, industry: Industry = 'milk'): string {
  return corruptGtin(validCode(seed, industry), industry);
}

/** What a store would answer if every candidate were new: accepted with a made-up bottle id. */
export function acceptedResults(job: CommitJob<unknown>): CommitResult[] {
  return job.items.map((item, i) =>
    item.outcome === 'candidate' ? { outcome: 'accepted', bottleId: `bottle-${job.jobId}-${i}` } : { outcome: item.outcome, bottleId: null },
  );
}

/**
 * A committer the test drives by hand: it records every job the scan line hands it, and
 * answers only when the test says so (`done`, `doneAll`, `fail`), by sending to the scan line
 * exactly as the SQLite committer does.
 */
export function createFakeCommitter() {
  const jobs: Array<CommitJob<AnyActorRef>> = [];
  const answered = new Set<number>();
  let toLine: ((event: ScanLineEvent) => void) | null = null;

  const logic = fromCallback<CommitterEvent, void>(({ receive, sendBack }) => {
    toLine = sendBack as (event: ScanLineEvent) => void;
    receive((event) => {
      jobs.push(event.job);
    });
  });

  const send = (event: ScanLineEvent) => {
    if (!toLine) throw new Error('fake committer: not started');
    toLine(event);
  };
  const pending = () => jobs.filter((job) => !answered.has(job.jobId));

  return {
    logic,
    jobs,
    pending,
    /** Answers one job (default: every candidate accepted). */
    done(job: CommitJob<AnyActorRef>, results: CommitResult[] = acceptedResults(job)) {
      answered.add(job.jobId);
      send({ type: 'commit.done', jobs: [{ job, results }] });
    },
    /** Answers every unanswered job in one group, as a group commit would. */
    doneAll() {
      const group = pending();
      for (const job of group) answered.add(job.jobId);
      if (group.length > 0) send({ type: 'commit.done', jobs: group.map((job) => ({ job, results: acceptedResults(job) })) });
      return group.length;
    },
    fail(group: Array<CommitJob<AnyActorRef>>, error: string) {
      for (const job of group) answered.add(job.jobId);
      send({ type: 'commit.failed', jobs: group, error });
    },
  };
}

export type FakeCommitter = ReturnType<typeof createFakeCommitter>;

/** A started actor that records every event sent to it: a `replyTo` for machines under test. */
export function startRecorder<TEvent extends EventObject = EventObject>() {
  const events: TEvent[] = [];
  const actor = createActor(
    fromCallback<TEvent>(({ receive }) => {
      receive((event) => {
        events.push(event);
      });
    }),
  );
  actor.start();
  return { ref: actor as AnyActorRef, events, stop: () => actor.stop() };
}
