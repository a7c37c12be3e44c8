import type { AnyActorRef } from 'xstate';
import type { ScanTally } from '../../../adapters/store/scan-tally.js';
import type { JournalRecordEvent } from '../../domain/journal-record.js';
import { LineOperationRefused } from '../../domain/line-operation.js';
import { currentShift, dayStart, type ShiftDefinition } from '../../domain/shifts.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { EdgeEvent } from '../edge-events.js';
import { createRateWindow, emptyCounters, type LineCounters, tally } from './line-counters.js';

export interface LineStateRecord {
  state: string;
  reason: string | null;
  since: string;
  /** The person who put the line in this state; null when the system did (PLC, UPS, reject loop, the factory, start-up). */
  by: string | null;
}

/**
 * The operator's line operations (pause, resume with a reason) and what the line status shows:
 * the line's state with who put it there and since when, the causes of a system pause that
 * still hold (a PLC with safe state `stop` that is still away, the UPS not back on mains), and
 * counters for the current shift and today, from the bus (seeded from the stored scans at
 * start, so a restart mid-shift keeps them). It journals every change of the line's state.
 */
export function createLineOperations(options: {
  bus: EventBus<EdgeEvent>;
  scanLine: () => AnyActorRef | undefined;
  tally: ScanTally;
  shifts: readonly ShiftDefinition[];
  timeZone?: string | undefined;
  now?: () => number;
}) {
  const { bus, shifts, timeZone } = options;
  const now = options.now ?? Date.now;
  const journal = (record: Omit<JournalRecordEvent, 'type' | 'category' | 'source'>) =>
    bus.publish({ type: 'journal.record', category: 'line', source: 'scanLine', ...record });

  let line: LineStateRecord = { state: 'running', reason: null, since: new Date(now()).toISOString(), by: null };
  /** What a person just asked for, so the line's next state change is put down to them. */
  let pending: { state: string; user: string; reason: string } | null = null;
  const plcsAway = new Map<string, string>();
  let upsPolicy: { state: string; reason: string | null } = { state: 'online', reason: null };

  let shift = currentShift(new Date(now()), shifts, timeZone);
  let day = dayStart(new Date(now()), timeZone);
  let shiftCounters = emptyCounters();
  let dayCounters = emptyCounters();
  const acceptedRate = createRateWindow(now);
  const scannedRate = createRateWindow(now);

  /** Starts fresh counters when a new shift or day has begun (looked at once a second at most: it runs per scan). */
  let nextRollCheck = 0;
  function rollOver() {
    if (now() < nextRollCheck) return;
    nextRollCheck = now() + 1000;
    const at = new Date(now());
    const nextShift = currentShift(at, shifts, timeZone);
    if (nextShift.startedAt.getTime() !== shift.startedAt.getTime()) {
      shift = nextShift;
      shiftCounters = emptyCounters();
    }
    const nextDay = dayStart(at, timeZone);
    if (nextDay.getTime() !== day.getTime()) {
      day = nextDay;
      dayCounters = emptyCounters();
    }
  }

  const offs = [
    bus.subscribe('scan.decided', ({ decision, role }) => {
      if (role !== 'ADD') return;
      rollOver();
      // Rejections count by reason code (stable, translated by the HMI), as the stored scans do.
      tally(shiftCounters, decision.outcome, decision.reasonCode ?? decision.message);
      tally(dayCounters, decision.outcome, decision.reasonCode ?? decision.message);
      scannedRate.add();
      if (decision.outcome === 'accepted') acceptedRate.add();
    }),
    bus.subscribe('line.state', (event) => {
      const by = pending && pending.state === event.state ? pending.user : null;
      const why = pending && pending.state === event.state ? pending.reason : null;
      pending = null;
      const before = line.state;
      line = { state: event.state, reason: event.reason, since: new Date(now()).toISOString(), by };
      if (event.state === 'paused') {
        journal(by ? { severity: 'warning', messageKey: 'line.paused_by', params: { user: by, reason: event.reason ?? '' }, user: by } : { severity: 'alarm', messageKey: 'line.paused', params: { reason: event.reason ?? '' } });
      } else if (event.state === 'running' && before !== 'running') {
        if (before === 'disabled') journal({ severity: 'info', messageKey: 'line.enabled' });
        else journal(by ? { severity: 'info', messageKey: 'line.resumed_by', params: { user: by, reason: why ?? '' }, user: by } : { severity: 'info', messageKey: 'line.resumed' });
      } else if (event.state === 'disabled') {
        journal({ severity: 'alarm', messageKey: 'line.disabled', params: { reason: event.reason ?? '' } });
      } else if (event.state === 'draining') {
        journal({ severity: 'info', messageKey: 'line.stopping' });
      }
    }),
    bus.subscribe('plc.disconnected', (event) => {
      if (event.safeState === 'stop') plcsAway.set(event.plcId, event.reason);
    }),
    bus.subscribe('plc.state', (event) => {
      if (event.state === 'connected') plcsAway.delete(event.plcId);
    }),
    bus.subscribe('ups.policy', (event) => {
      upsPolicy = { state: event.state, reason: event.reason };
    }),
  ];

  /** The causes of a system pause that still hold: while any does, a person may not resume. */
  function causes(): string[] {
    const list = [...plcsAway].map(([plcId, reason]) => `PLC ${plcId} is disconnected (${reason})`);
    if (upsPolicy.state !== 'online') list.push(`UPS: ${upsPolicy.reason ?? upsPolicy.state}`);
    return list;
  }

  function requireLine(): AnyActorRef {
    const ref = options.scanLine();
    if (!ref) throw new LineOperationRefused('the scan line is not running', ['scan line not running']);
    return ref;
  }

  return {
    /** Seeds the counters from the stored scans of today and the current shift (once, before the line starts). */
    async load(): Promise<void> {
      rollOver();
      const from = new Date(Math.min(shift.startedAt.getTime(), day.getTime())).toISOString();
      const rows = await options.tally.since(from, shift.startedAt.toISOString(), day.toISOString());
      for (const row of rows) {
        if (row.inShift) tally(shiftCounters, row.outcome, row.reason, row.count);
        if (row.inDay) tally(dayCounters, row.outcome, row.reason, row.count);
      }
    },

    pause(reason: string, user: string): void {
      const ref = requireLine();
      const state = line.state;
      if (state === 'disabled') throw new LineOperationRefused('the device is disabled by the factory', [line.reason ?? 'disabled']);
      if (state === 'draining' || state === 'drained') throw new LineOperationRefused('the line is stopping', ['stopping']);
      pending = { state: 'paused', user, reason };
      ref.send({ type: 'PAUSE', reason });
      // Already paused: the reason changes, the state does not (so no line.state): journal it here.
      if (state === 'paused') {
        pending = null;
        line = { ...line, reason, by: user };
        journal({ severity: 'warning', messageKey: 'line.paused_by', params: { user, reason }, user });
      }
    },

    /** Resumes a paused line (whoever paused it) unless a cause of a system pause still holds. */
    resume(reason: string, user: string): void {
      const ref = requireLine();
      const state = line.state;
      if (state === 'running') return;
      if (state === 'disabled') throw new LineOperationRefused('the device is disabled by the factory: only the factory enables it', [line.reason ?? 'disabled']);
      if (state !== 'paused') throw new LineOperationRefused(`the line is ${state}`, [state]);
      const holding = causes();
      if (holding.length > 0) throw new LineOperationRefused(`the line cannot resume while ${holding.join('; ')}`, holding);
      pending = { state: 'running', user, reason };
      ref.send({ type: 'RESUME' });
    },

    status() {
      rollOver();
      return {
        ...line,
        causes: causes(),
        shift: { name: shift.name, startedAt: shift.startedAt.toISOString(), counters: structuredClone(shiftCounters) as LineCounters },
        today: { startedAt: day.toISOString(), counters: structuredClone(dayCounters) as LineCounters },
        ratePerMinute: { accepted: acceptedRate.perMinute(), scanned: scannedRate.perMinute() },
      };
    },

    dispose() {
      offs.forEach((off) => off());
    },
  };
}

export type LineOperations = ReturnType<typeof createLineOperations>;
