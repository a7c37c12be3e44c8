import { type ActorRefFrom, type AnyActorRef, assign, emit, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import { checkCode, type Industry } from '../../src/domain/codes/index.js';
import type { CommitItem, CommitJob, CommitResult, ScanOutcome } from '../../src/domain/scan-commit.js';

/**
 * The scan line: every code from every scanner (and every bottle posted over HTTP) passes here.
 * normalise → validate → hand to the committer (which de-duplicates by the unique index and
 * commits in groups) → decide → reply and emit. A decision is released only after its commit.
 */

export interface LineSettings {
  industry: Industry;
  productionLineId: string | null;
  productId: string | null;
  party: string | null;
  deviceId: string | null;
}

export interface ScanDecision {
  code: string;
  source: string;
  outcome: ScanOutcome;
  valid: boolean;
  duplicate: boolean;
  gtin: string | null;
  message: string | null;
  bottleId: string | null;
  timestamp: string | null;
}

export interface SubmittedBottle {
  identifier: string;
  gtin?: string | undefined;
  productionLineId?: string | undefined;
  productId?: string | undefined;
  party?: string | undefined;
  isPreprint?: boolean | undefined;
}

export type ScanLineEvent =
  | { type: 'SCAN'; code: string; source: string; receivedAt?: string; replyTo?: AnyActorRef; requestId?: string }
  /** replyTo: a reader that waits for a decision per frame gets one for a no-read too (a reject). */
  | { type: 'NOREAD'; text: string; source: string; receivedAt?: string; replyTo?: AnyActorRef; requestId?: string }
  | { type: 'SUBMIT_BOTTLES'; bottles: SubmittedBottle[]; deviceId?: string; replyTo: AnyActorRef; requestId?: string }
  | { type: 'PAUSE'; reason: string }
  | { type: 'RESUME' }
  | { type: 'DRAIN' }
  /** The factory disabled this device: every scan is refused with the reason until ENABLE. */
  | { type: 'DISABLE'; reason: string }
  | { type: 'ENABLE' }
  | { type: 'SETTINGS.UPDATE'; settings: Partial<LineSettings> }
  | { type: 'commit.done'; jobs: Array<{ job: CommitJob<AnyActorRef>; results: CommitResult[] }> }
  | { type: 'commit.failed'; jobs: Array<CommitJob<AnyActorRef>>; error: string };

/** Sent to a requester's replyTo once its job is decided. */
export interface ScanDecidedReply {
  type: 'scan.decided';
  requestId: string | null;
  decisions: ScanDecision[];
}

/** Emitted for every decision (feeds the WebSocket hub, the journal, the PLC). */
export interface ScanDecidedEvent {
  type: 'scan.decided';
  decision: ScanDecision;
}

export interface ScanLineCounters {
  scans: number;
  accepted: number;
  duplicates: number;
  invalid: number;
  noReads: number;
  refused: number;
  errors: number;
}

export interface ScanLineContext {
  settings: LineSettings;
  counters: ScanLineCounters;
  inFlight: number;
  nextJobId: number;
  pauseReason: string | null;
  /** Set while the factory has disabled this device (persisted by the edge, given back as input on start). */
  disabledReason: string | null;
  lastScanAt: string | null;
}

/** What a disabled line answers every scan with. */
export const disabledMessage = (reason: string) => `device disabled by the factory: ${reason}`;

/** The committer: receives `commit.job`, answers `commit.done` / `commit.failed`. Supplied by the store adapter. */
export type CommitterEvent = { type: 'commit.job'; job: CommitJob<AnyActorRef> };
const committerPlaceholder = fromCallback<CommitterEvent, void>(() => {
  throw new Error('scan line: committer not provided');
});

const ZERO: ScanLineCounters = { scans: 0, accepted: 0, duplicates: 0, invalid: 0, noReads: 0, refused: 0, errors: 0 };

function candidateItem(code: string, source: string, receivedAt: string | undefined, settings: LineSettings, overrides?: SubmittedBottle, deviceId?: string): CommitItem {
  const check = checkCode(code, settings.industry);
  const base = { code, source, receivedAt: receivedAt ?? null } as const;
  if (!check.valid) return { ...base, outcome: 'invalid', reason: check.reason, bottle: null, gtin: check.gtin };
  if (overrides?.gtin && overrides.gtin !== check.code.gtin) {
    return { ...base, outcome: 'invalid', reason: 'GTIN does not match the code', bottle: null, gtin: check.code.gtin };
  }
  return {
    ...base,
    code: check.code.normalised,
    outcome: 'candidate',
    reason: null,
    gtin: check.code.gtin,
    bottle: {
      identifier: check.code.normalised,
      identificationCode: check.code.identificationCode,
      gtin: check.code.gtin,
      serial: check.code.serial,
      productionLineId: overrides?.productionLineId ?? settings.productionLineId,
      productId: overrides?.productId ?? settings.productId,
      party: overrides?.party ?? settings.party,
      deviceId: deviceId ?? settings.deviceId,
      isPreprint: overrides?.isPreprint ?? false,
    },
  };
}

const MESSAGES: Partial<Record<ScanOutcome, string>> = {
  duplicate: 'Duplicate code',
  noread: 'No read',
};

function decide(item: CommitItem, result: CommitResult, committedAt: string | null): ScanDecision {
  const outcome = result.outcome;
  return {
    code: item.code,
    source: item.source,
    outcome,
    valid: outcome === 'accepted',
    duplicate: outcome === 'duplicate',
    gtin: item.gtin,
    message: outcome === 'accepted' ? null : (item.reason ?? MESSAGES[outcome] ?? outcome),
    bottleId: result.bottleId,
    timestamp: item.receivedAt ?? committedAt,
  };
}

function count(counters: ScanLineCounters, decisions: ScanDecision[]): ScanLineCounters {
  const next = { ...counters };
  for (const d of decisions) {
    if (d.outcome === 'noread') next.noReads++;
    else next.scans++;
    if (d.outcome === 'accepted') next.accepted++;
    else if (d.outcome === 'duplicate') next.duplicates++;
    else if (d.outcome === 'invalid') next.invalid++;
    else if (d.outcome === 'refused') next.refused++;
    else if (d.outcome === 'error') next.errors++;
  }
  return next;
}

/** A no-read is recorded like a scan (the operator sees it) and answered, never stored as a bottle. */
function noReadJob(event: Extract<ScanLineEvent, { type: 'NOREAD' }>) {
  return {
    items: [{ code: event.text, source: event.source, receivedAt: event.receivedAt ?? null, outcome: 'noread' as const, reason: 'No read', bottle: null, gtin: null }],
    replyTo: event.replyTo ?? null,
    requestId: event.requestId ?? null,
  };
}

export const scanLineMachine = setup({
  types: {
    context: {} as ScanLineContext,
    events: {} as ScanLineEvent,
    input: {} as { settings: LineSettings; disabledReason?: string | null },
    emitted: {} as ScanDecidedEvent | { type: 'line.state'; state: string; reason: string | null },
  },
  actors: { committer: committerPlaceholder },
  actions: {
    submitJob: enqueueActions(({ context, enqueue }, params: { items: CommitItem[]; replyTo: AnyActorRef | null; requestId: string | null }) => {
      const job: CommitJob<AnyActorRef> = { jobId: context.nextJobId, items: params.items, replyTo: params.replyTo, requestId: params.requestId };
      enqueue.assign({ nextJobId: context.nextJobId + 1, inFlight: context.inFlight + params.items.length });
      enqueue.sendTo('committer', { type: 'commit.job', job } satisfies CommitterEvent);
    }),
    /** Releases decisions: counters, a reply per job, an emitted event per item. */
    release: enqueueActions(({ context, enqueue }, params: { jobs: Array<{ job: CommitJob<AnyActorRef>; results: CommitResult[] }> }) => {
      let counters = context.counters;
      let settled = 0;
      let lastScanAt = context.lastScanAt;
      const committedAt = new Date().toISOString();
      for (const { job, results } of params.jobs) {
        const decisions = job.items.map((item, i) => decide(item, results[i]!, committedAt));
        counters = count(counters, decisions);
        settled += job.items.length;
        if (decisions.length > 0) lastScanAt = decisions[decisions.length - 1]!.timestamp;
        if (job.replyTo) {
          enqueue.sendTo(job.replyTo, { type: 'scan.decided', requestId: job.requestId, decisions } satisfies ScanDecidedReply);
        }
        for (const decision of decisions) enqueue.emit({ type: 'scan.decided', decision });
      }
      enqueue.assign({ counters, inFlight: context.inFlight - settled, lastScanAt });
    }),
    refuseNow: enqueueActions(({ enqueue, event }, params: { reason: string }) => {
      // Used while draining for shutdown: nothing new may start a commit, so answer at once.
      if (event.type !== 'SCAN' && event.type !== 'SUBMIT_BOTTLES') return;
      const codes = event.type === 'SCAN' ? [event.code] : event.bottles.map((b) => b.identifier);
      const source = event.type === 'SCAN' ? event.source : 'api';
      const decisions = codes.map((code) =>
        decide({ code, source, receivedAt: null, outcome: 'refused', reason: params.reason, bottle: null, gtin: null }, { outcome: 'refused', bottleId: null }, null),
      );
      if (event.replyTo) enqueue.sendTo(event.replyTo, { type: 'scan.decided', requestId: event.requestId ?? null, decisions } satisfies ScanDecidedReply);
      enqueue.assign(({ context }) => ({ counters: count(context.counters, decisions) }));
    }),
  },
  guards: {
    drained: ({ context }) => context.inFlight === 0,
    disabled: ({ context }) => context.disabledReason !== null,
  },
}).createMachine({
  id: 'scanLine',
  context: ({ input }) => ({
    settings: input.settings,
    counters: ZERO,
    inFlight: 0,
    nextJobId: 1,
    pauseReason: null,
    disabledReason: input.disabledReason ?? null,
    lastScanAt: null,
  }),
  invoke: { id: 'committer', src: 'committer' },
  initial: 'running',
  on: {
    'commit.done': { actions: { type: 'release', params: ({ event }) => ({ jobs: event.jobs }) } },
    'commit.failed': {
      actions: {
        type: 'release',
        params: ({ event }) => ({
          jobs: event.jobs.map((job) => ({
            job: { ...job, items: job.items.map((item) => ({ ...item, reason: `Storage unavailable: ${event.error}` })) },
            results: job.items.map(() => ({ outcome: 'error' as const, bottleId: null })),
          })),
        }),
      },
    },
    'SETTINGS.UPDATE': { actions: assign({ settings: ({ context, event }) => ({ ...context.settings, ...event.settings }) }) },
    // Draining or drained: remembered, and in force when the line runs again.
    DISABLE: { actions: assign({ disabledReason: ({ event }) => event.reason }) },
    ENABLE: { actions: assign({ disabledReason: null }) },
    // Draining: nothing new may start a commit, so a no-read is only counted (and answered at once).
    NOREAD: {
      actions: enqueueActions(({ context, enqueue, event }) => {
        enqueue.assign({ counters: { ...context.counters, noReads: context.counters.noReads + 1 } });
        if (!event.replyTo) return;
        const item: CommitItem = { code: event.text, source: event.source, receivedAt: event.receivedAt ?? null, outcome: 'noread', reason: 'No read', bottle: null, gtin: null };
        const decisions = [decide(item, { outcome: 'noread', bottleId: null }, null)];
        enqueue.sendTo(event.replyTo, { type: 'scan.decided', requestId: event.requestId ?? null, decisions } satisfies ScanDecidedReply);
      }),
    },
  },
  states: {
    running: {
      // A line that starts (or resumes) on a disabled device goes straight to disabled.
      always: { guard: 'disabled', target: 'disabled' },
      entry: emit({ type: 'line.state', state: 'running', reason: null }),
      on: {
        SCAN: {
          actions: {
            type: 'submitJob',
            params: ({ context, event }) => ({
              items: [candidateItem(event.code, event.source, event.receivedAt, context.settings)],
              replyTo: event.replyTo ?? null,
              requestId: event.requestId ?? null,
            }),
          },
        },
        SUBMIT_BOTTLES: {
          actions: {
            type: 'submitJob',
            params: ({ context, event }) => ({
              items: event.bottles.map((b) => candidateItem(b.identifier, 'api', undefined, context.settings, b, event.deviceId)),
              replyTo: event.replyTo,
              requestId: event.requestId ?? null,
            }),
          },
        },
        NOREAD: { actions: { type: 'submitJob', params: ({ event }) => noReadJob(event) } },
        PAUSE: { target: 'paused', actions: assign({ pauseReason: ({ event }) => event.reason }) },
        DISABLE: { target: 'disabled', actions: assign({ disabledReason: ({ event }) => event.reason }) },
        DRAIN: 'draining',
      },
    },
    paused: {
      entry: emit(({ context }) => ({ type: 'line.state', state: 'paused', reason: context.pauseReason })),
      on: {
        // A paused line still records what it was shown (refused, with the reason), so nothing goes unseen.
        SCAN: {
          actions: {
            type: 'submitJob',
            params: ({ context, event }) => ({
              items: [{ code: event.code, source: event.source, receivedAt: event.receivedAt ?? null, outcome: 'refused', reason: `Line paused: ${context.pauseReason}`, bottle: null, gtin: null }],
              replyTo: event.replyTo ?? null,
              requestId: event.requestId ?? null,
            }),
          },
        },
        SUBMIT_BOTTLES: { actions: { type: 'refuseNow', params: ({ context }) => ({ reason: `Line paused: ${context.pauseReason}` }) } },
        NOREAD: { actions: { type: 'submitJob', params: ({ event }) => noReadJob(event) } },
        RESUME: { target: 'running', actions: assign({ pauseReason: null }) },
        PAUSE: { actions: assign({ pauseReason: ({ event }) => event.reason }) },
        DISABLE: { target: 'disabled', actions: assign({ disabledReason: ({ event }) => event.reason }) },
        DRAIN: 'draining',
      },
    },
    /**
     * The factory disabled this device. Like a paused line it records what it was shown (refused,
     * with the reason), but only ENABLE brings it back: an operator's RESUME does not.
     */
    disabled: {
      entry: emit(({ context }) => ({ type: 'line.state', state: 'disabled', reason: disabledMessage(context.disabledReason ?? '') })),
      on: {
        SCAN: {
          actions: {
            type: 'submitJob',
            params: ({ context, event }) => ({
              items: [
                { code: event.code, source: event.source, receivedAt: event.receivedAt ?? null, outcome: 'refused', reason: disabledMessage(context.disabledReason ?? ''), bottle: null, gtin: null },
              ],
              replyTo: event.replyTo ?? null,
              requestId: event.requestId ?? null,
            }),
          },
        },
        SUBMIT_BOTTLES: { actions: { type: 'refuseNow', params: ({ context }) => ({ reason: disabledMessage(context.disabledReason ?? '') }) } },
        NOREAD: { actions: { type: 'submitJob', params: ({ event }) => noReadJob(event) } },
        DISABLE: { actions: assign({ disabledReason: ({ event }) => event.reason }) },
        ENABLE: { target: 'running', actions: assign({ disabledReason: null, pauseReason: null }) },
        DRAIN: 'draining',
      },
    },
    draining: {
      entry: emit({ type: 'line.state', state: 'draining', reason: 'stopping' }),
      always: { guard: 'drained', target: 'drained' },
      on: {
        SCAN: { actions: { type: 'refuseNow', params: { reason: 'Line stopping' } } },
        SUBMIT_BOTTLES: { actions: { type: 'refuseNow', params: { reason: 'Line stopping' } } },
      },
    },
    drained: {
      entry: emit({ type: 'line.state', state: 'drained', reason: 'stopped' }),
      on: {
        SCAN: { actions: { type: 'refuseNow', params: { reason: 'Line stopped' } } },
        SUBMIT_BOTTLES: { actions: { type: 'refuseNow', params: { reason: 'Line stopped' } } },
        RESUME: 'running',
      },
    },
  },
});

export type ScanLineActor = ActorRefFrom<typeof scanLineMachine>;
