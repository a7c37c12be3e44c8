import { type ActorRefFrom, type AnyActorRef, assign, emit, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import { checkCode, type Industry } from '../../src/domain/codes/index.js';
import { reasons, reasonText, type ReasonCode, type ReasonParams, type ScanReason } from '../../src/domain/codes/reasons.js';
import type { CommitItem, CommitJob, CommitResult, ScanOutcome } from '../../src/domain/scan-commit.js';
import type { NonAddRole, RoleJob, RoleResult, ScannerRole } from '../../src/domain/scanner-role.js';
import { gtinLock, type ActiveOrderLock, type WithoutOrderPolicy } from '../../src/domain/orders.js';

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
  /** Why not accepted, in English (kept for API compatibility); null when accepted. */
  message: string | null;
  /** The same as a stable code (src/domain/codes/reasons.ts) and its params: what clients translate. Null when accepted. */
  reasonCode: ReasonCode | null;
  reasonParams: ReasonParams | null;
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
  /** role: what the scanner's reads mean (default ADD, the hot path); see src/domain/scanner-role.ts. */
  | { type: 'SCAN'; code: string; source: string; receivedAt?: string; replyTo?: AnyActorRef; requestId?: string; role?: ScannerRole }
  /** replyTo: a reader that waits for a decision per frame gets one for a no-read too (a reject). */
  | { type: 'NOREAD'; text: string; source: string; receivedAt?: string; replyTo?: AnyActorRef; requestId?: string; role?: ScannerRole }
  | { type: 'SUBMIT_BOTTLES'; bottles: SubmittedBottle[]; deviceId?: string; replyTo: AnyActorRef; requestId?: string }
  | { type: 'PAUSE'; reason: string }
  | { type: 'RESUME' }
  | { type: 'DRAIN' }
  /** The factory disabled this device: every scan is refused with the reason until ENABLE. */
  | { type: 'DISABLE'; reason: string }
  | { type: 'ENABLE' }
  | { type: 'SETTINGS.UPDATE'; settings: Partial<LineSettings> }
  /** The production order now active (its GTIN set), or none; `withoutOrder` when it changes too. */
  | { type: 'ORDER.SET'; order: ActiveOrderLock | null; withoutOrder?: WithoutOrderPolicy }
  /** A PLC with safe state reject_all went into (or out of) an outage: every unit the line reads is ejected. */
  | { type: 'SAFE_STATE'; rejectAll: boolean }
  | { type: 'commit.done'; jobs: Array<{ job: CommitJob<AnyActorRef>; results: CommitResult[] }> }
  | { type: 'commit.failed'; jobs: Array<CommitJob<AnyActorRef>>; error: string }
  /** The role handler's answer to one role scan. */
  | { type: 'role.done'; job: RoleJob<AnyActorRef>; result: RoleResult };

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
  /** The role of the scanner that read it ('ADD' for the line scanner and for codes posted over HTTP). */
  role: ScannerRole;
}

/**
 * A REJECTION_FEEDBACK scanner saw an ejected unit leave the line. Emitted as the frame arrives
 * (before anything is stored), so the reject loop can close the unit's eject window at once.
 * `code` is the normalised code when the read is a valid code, else the raw text.
 */
export interface RejectionConfirmedEvent {
  type: 'scanner.rejectionConfirmed';
  code: string;
  scannerId: string;
  at: string;
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
  /** The GTIN lock: the active production order's GTINs, held here so a scan costs one Set lookup. */
  order: ActiveOrderLock | null;
  withoutOrder: WithoutOrderPolicy;
  /** A reject_all safe state is in force: accepted units are stored Rejected and never reported. */
  rejectAll: boolean;
}

/** What a disabled line answers every scan with. */
export const disabledMessage = (reason: string) => reasonText(reasons.lineDisabled(reason));

/** A CommitItem's reason fields: the English text for `message`, and the code and params. */
function because(reason: ScanReason): Pick<CommitItem, 'reason' | 'reasonCode' | 'reasonParams'> {
  return { reason: reasonText(reason), reasonCode: reason.code, reasonParams: reason.params };
}

/** The committer: receives `commit.job`, answers `commit.done` / `commit.failed`. Supplied by the store adapter. */
export type CommitterEvent = { type: 'commit.job'; job: CommitJob<AnyActorRef> };
const committerPlaceholder = fromCallback<CommitterEvent, void>(() => {
  throw new Error('scan line: committer not provided');
});

/**
 * The role handler: receives `role.job`, answers `role.done`. Supplied by src/edge/roles. Unlike
 * the committer it has a working default: a line without one refuses role scans with the reason
 * (so a machine provided with a committer only still runs, and every scan is still answered).
 */
export type RolesEvent = { type: 'role.job'; job: RoleJob<AnyActorRef> };
const rolesNotWired = fromCallback<RolesEvent, void>(({ receive, sendBack }) => {
  receive(({ job }) => {
    const why = reasons.roleNotAvailable(job.role);
    const result: RoleResult = { outcome: 'refused', bottleId: null, message: reasonText(why), reasonCode: why.code, reasonParams: why.params };
    (sendBack as (event: ScanLineEvent) => void)({ type: 'role.done', job, result });
  });
});

const isRoleScan = (event: ScanLineEvent): event is Extract<ScanLineEvent, { type: 'SCAN' }> & { role: NonAddRole } =>
  event.type === 'SCAN' && event.role !== undefined && event.role !== 'ADD';

const ZERO: ScanLineCounters = { scans: 0, accepted: 0, duplicates: 0, invalid: 0, noReads: 0, refused: 0, errors: 0 };

/** What a code from the line (not a role station) is checked against besides its validity: the order's GTIN lock, the safe state. */
interface LineGate {
  order: ActiveOrderLock | null;
  withoutOrder: WithoutOrderPolicy;
  rejectAll: boolean;
}

function candidateItem(code: string, source: string, receivedAt: string | undefined, settings: LineSettings, overrides?: SubmittedBottle, deviceId?: string, gate?: LineGate): CommitItem {
  const check = checkCode(code, settings.industry);
  const orderId = gate?.order?.orderId ?? null;
  const base = orderId === null ? ({ code, source, receivedAt: receivedAt ?? null } as const) : ({ code, source, receivedAt: receivedAt ?? null, orderId } as const);
  if (!check.valid) return { ...base, outcome: 'invalid', reason: check.reason, reasonCode: check.reasonCode, reasonParams: check.reasonParams, bottle: null, gtin: check.gtin };
  if (overrides?.gtin && overrides.gtin !== check.code.gtin) {
    return { ...base, outcome: 'invalid', ...because(reasons.gtinMismatch()), bottle: null, gtin: check.code.gtin };
  }
  if (gate) {
    const lock = gtinLock(gate.order, check.code.gtin, gate.withoutOrder);
    if (!lock.ok) return { ...base, code: check.code.normalised, outcome: 'refused', ...because(lock.reason), bottle: null, gtin: check.code.gtin };
  }
  // A unit a reject_all safe state ejects (only a unit from a reader passes the ejector, not one posted over HTTP).
  const rejected = gate?.rejectAll === true && source !== 'api';
  return {
    ...base,
    code: check.code.normalised,
    outcome: 'candidate',
    ...(rejected ? because(reasons.rejectedBySafeState()) : { reason: null }),
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
      ...(orderId === null ? {} : { orderId }),
      ...(rejected ? { rejectedBySafeState: true } : {}),
    },
  };
}

/** The reason an outcome stands for when nothing more specific was said (a duplicate found by storage, …). */
const OUTCOME_REASONS: Partial<Record<ScanOutcome, ScanReason>> = {
  duplicate: reasons.duplicate(),
  noread: reasons.noRead(),
  refused: reasons.refused(),
  error: reasons.storageError(),
};

/** The text a decision carries: null when accepted, else the reason, else the outcome's standard text. Also how a stored scan reads again. */
export function decisionMessage(outcome: ScanOutcome, reason: string | null): string | null {
  if (outcome === 'accepted') return null;
  const standard = OUTCOME_REASONS[outcome];
  return reason ?? (standard && outcome !== 'refused' && outcome !== 'error' ? reasonText(standard) : outcome);
}

/** The code (and params) a decision carries: null when accepted, else the item's, else the outcome's. Also how a stored scan reads again. */
export function decisionReason(outcome: ScanOutcome, code: ReasonCode | null | undefined, params: ReasonParams | null | undefined): Pick<ScanDecision, 'reasonCode' | 'reasonParams'> {
  if (outcome === 'accepted') return { reasonCode: null, reasonParams: null };
  if (code) return { reasonCode: code, reasonParams: params ?? {} };
  const standard = OUTCOME_REASONS[outcome];
  return standard ? { reasonCode: standard.code, reasonParams: standard.params } : { reasonCode: null, reasonParams: null };
}

function decide(item: CommitItem, result: CommitResult, committedAt: string | null): ScanDecision {
  const outcome = result.outcome;
  // A candidate's own reason (the safe state's) holds only if it went in: a duplicate is just that.
  const reasonOf = outcome === 'duplicate' && item.outcome === 'candidate' ? { reason: null, reasonCode: null, reasonParams: null } : item;
  return {
    code: item.code,
    source: item.source,
    outcome,
    valid: outcome === 'accepted',
    duplicate: outcome === 'duplicate',
    gtin: item.gtin,
    message: decisionMessage(outcome, reasonOf.reason),
    ...decisionReason(outcome, reasonOf.reasonCode, reasonOf.reasonParams),
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
    items: [{ code: event.text, source: event.source, receivedAt: event.receivedAt ?? null, outcome: 'noread' as const, ...because(reasons.noRead()), bottle: null, gtin: null }],
    replyTo: event.replyTo ?? null,
    requestId: event.requestId ?? null,
    // A no-read at a role station is that station's (the reject loop must not take it for the line scanner's).
    role: event.role,
  };
}

export const scanLineMachine = setup({
  types: {
    context: {} as ScanLineContext,
    events: {} as ScanLineEvent,
    input: {} as { settings: LineSettings; disabledReason?: string | null; order?: ActiveOrderLock | null; withoutOrder?: WithoutOrderPolicy; rejectAll?: boolean },
    emitted: {} as ScanDecidedEvent | RejectionConfirmedEvent | { type: 'line.state'; state: string; reason: string | null },
  },
  actors: { committer: committerPlaceholder, roles: rolesNotWired },
  actions: {
    submitJob: enqueueActions(({ context, enqueue }, params: { items: CommitItem[]; replyTo: AnyActorRef | null; requestId: string | null; role?: ScannerRole | undefined }) => {
      const job: CommitJob<AnyActorRef> = { jobId: context.nextJobId, items: params.items, replyTo: params.replyTo, requestId: params.requestId };
      // Only what a role station sent that the committer records (a refused scan, a no-read) carries its role.
      if (params.role !== undefined) job.role = params.role;
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
        const role = job.role ?? 'ADD';
        for (const decision of decisions) enqueue.emit({ type: 'scan.decided', decision, role });
      }
      enqueue.assign({ counters, inFlight: context.inFlight - settled, lastScanAt });
    }),
    /** A role scan (not ADD) goes to the role handler: validated here like any scan, acted on there. */
    submitRoleJob: enqueueActions(({ context, enqueue, event }) => {
      if (!isRoleScan(event)) return;
      const item = candidateItem(event.code, event.source, event.receivedAt, context.settings);
      const job: RoleJob<AnyActorRef> = {
        jobId: context.nextJobId,
        role: event.role,
        item,
        deviceId: context.settings.deviceId,
        productionLineId: context.settings.productionLineId,
        replyTo: event.replyTo ?? null,
        requestId: event.requestId ?? null,
      };
      enqueue.assign({ nextJobId: context.nextJobId + 1, inFlight: context.inFlight + 1 });
      enqueue.sendTo('roles', { type: 'role.job', job } satisfies RolesEvent);
    }),
    /** Like `release`, for the one decision of a role scan. */
    releaseRole: enqueueActions(({ context, enqueue }, params: { job: RoleJob<AnyActorRef>; result: RoleResult }) => {
      const { job, result } = params;
      const decision: ScanDecision = {
        code: job.item.code,
        source: job.item.source,
        outcome: result.outcome,
        valid: result.outcome === 'accepted',
        duplicate: result.outcome === 'duplicate',
        gtin: job.item.gtin,
        message: result.message,
        // A role result without a code of its own: an invalid code keeps the validator's reason, others the outcome's.
        ...(result.reasonCode || result.outcome !== 'invalid'
          ? decisionReason(result.outcome, result.reasonCode, result.reasonParams)
          : decisionReason(result.outcome, job.item.reasonCode, job.item.reasonParams)),
        bottleId: result.bottleId,
        timestamp: job.item.receivedAt ?? new Date().toISOString(),
      };
      if (job.replyTo) enqueue.sendTo(job.replyTo, { type: 'scan.decided', requestId: job.requestId, decisions: [decision] } satisfies ScanDecidedReply);
      enqueue.emit({ type: 'scan.decided', decision, role: job.role });
      enqueue.assign({ counters: count(context.counters, [decision]), inFlight: context.inFlight - 1, lastScanAt: decision.timestamp });
    }),
    /** REJECTION_FEEDBACK: announce at once, in whatever state the line is (the unit left the line either way). */
    confirmRejection: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'SCAN' || event.role !== 'REJECTION_FEEDBACK') return;
      // The same code the unit's own scan.decided carried: normalised when valid, raw otherwise.
      const check = checkCode(event.code, context.settings.industry);
      const code = check.valid ? check.code.normalised : event.code;
      enqueue.emit({ type: 'scanner.rejectionConfirmed', code, scannerId: event.source, at: event.receivedAt ?? new Date().toISOString() });
    }),
    refuseNow: enqueueActions(({ enqueue, event }, params: { reason: ScanReason }) => {
      // Used while draining for shutdown: nothing new may start a commit, so answer at once.
      if (event.type !== 'SCAN' && event.type !== 'SUBMIT_BOTTLES') return;
      const codes = event.type === 'SCAN' ? [event.code] : event.bottles.map((b) => b.identifier);
      const source = event.type === 'SCAN' ? event.source : 'api';
      const decisions = codes.map((code) =>
        decide({ code, source, receivedAt: null, outcome: 'refused', ...because(params.reason), bottle: null, gtin: null }, { outcome: 'refused', bottleId: null }, null),
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
    order: input.order ?? null,
    withoutOrder: input.withoutOrder ?? 'accept',
    rejectAll: input.rejectAll ?? false,
  }),
  invoke: [
    { id: 'committer', src: 'committer' },
    { id: 'roles', src: 'roles' },
  ],
  initial: 'running',
  on: {
    'commit.done': { actions: { type: 'release', params: ({ event }) => ({ jobs: event.jobs }) } },
    'commit.failed': {
      actions: {
        type: 'release',
        params: ({ event }) => ({
          jobs: event.jobs.map((job) => ({
            job: { ...job, items: job.items.map((item) => ({ ...item, ...because(reasons.storageUnavailable(event.error)) })) },
            results: job.items.map(() => ({ outcome: 'error' as const, bottleId: null })),
          })),
        }),
      },
    },
    'role.done': { actions: { type: 'releaseRole', params: ({ event }) => ({ job: event.job, result: event.result }) } },
    'SETTINGS.UPDATE': { actions: assign({ settings: ({ context, event }) => ({ ...context.settings, ...event.settings }) }) },
    // In every state: scans already handed over keep the lock they were checked against.
    'ORDER.SET': { actions: assign({ order: ({ event }) => event.order, withoutOrder: ({ context, event }) => event.withoutOrder ?? context.withoutOrder }) },
    SAFE_STATE: { actions: assign({ rejectAll: ({ event }) => event.rejectAll }) },
    // Draining or drained: remembered, and in force when the line runs again.
    DISABLE: { actions: assign({ disabledReason: ({ event }) => event.reason }) },
    ENABLE: { actions: assign({ disabledReason: null }) },
    // Draining: nothing new may start a commit, so a no-read is only counted (and answered at once).
    NOREAD: {
      actions: enqueueActions(({ context, enqueue, event }) => {
        enqueue.assign({ counters: { ...context.counters, noReads: context.counters.noReads + 1 } });
        if (!event.replyTo) return;
        const item: CommitItem = { code: event.text, source: event.source, receivedAt: event.receivedAt ?? null, outcome: 'noread', ...because(reasons.noRead()), bottle: null, gtin: null };
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
        SCAN: [
          // Every role but ADD: off the hot path, to the role handler.
          { guard: ({ event }) => isRoleScan(event), actions: ['confirmRejection', 'submitRoleJob'] },
          {
            actions: {
              type: 'submitJob',
              params: ({ context, event }) => ({
                items: [candidateItem(event.code, event.source, event.receivedAt, context.settings, undefined, undefined, context)],
                replyTo: event.replyTo ?? null,
                requestId: event.requestId ?? null,
              }),
            },
          },
        ],
        SUBMIT_BOTTLES: {
          actions: {
            type: 'submitJob',
            params: ({ context, event }) => ({
              items: event.bottles.map((b) => candidateItem(b.identifier, 'api', undefined, context.settings, b, event.deviceId, context)),
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
          actions: [
            'confirmRejection',
            {
              type: 'submitJob',
              params: ({ context, event }) => ({
                items: [{ code: event.code, source: event.source, receivedAt: event.receivedAt ?? null, outcome: 'refused', ...because(reasons.linePaused(context.pauseReason ?? '')), bottle: null, gtin: null }],
                replyTo: event.replyTo ?? null,
                requestId: event.requestId ?? null,
                role: event.role,
              }),
            },
          ],
        },
        SUBMIT_BOTTLES: { actions: { type: 'refuseNow', params: ({ context }) => ({ reason: reasons.linePaused(context.pauseReason ?? '') }) } },
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
          actions: [
            'confirmRejection',
            {
              type: 'submitJob',
              params: ({ context, event }) => ({
                items: [
                  { code: event.code, source: event.source, receivedAt: event.receivedAt ?? null, outcome: 'refused', ...because(reasons.lineDisabled(context.disabledReason ?? '')), bottle: null, gtin: null },
                ],
                replyTo: event.replyTo ?? null,
                requestId: event.requestId ?? null,
                role: event.role,
              }),
            },
          ],
        },
        SUBMIT_BOTTLES: { actions: { type: 'refuseNow', params: ({ context }) => ({ reason: reasons.lineDisabled(context.disabledReason ?? '') }) } },
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
        SCAN: { actions: { type: 'refuseNow', params: { reason: reasons.lineStopping() } } },
        SUBMIT_BOTTLES: { actions: { type: 'refuseNow', params: { reason: reasons.lineStopping() } } },
      },
    },
    drained: {
      entry: emit({ type: 'line.state', state: 'drained', reason: 'stopped' }),
      on: {
        SCAN: { actions: { type: 'refuseNow', params: { reason: reasons.lineStopped() } } },
        SUBMIT_BOTTLES: { actions: { type: 'refuseNow', params: { reason: reasons.lineStopped() } } },
        RESUME: 'running',
      },
    },
  },
});

export type ScanLineActor = ActorRefFrom<typeof scanLineMachine>;
