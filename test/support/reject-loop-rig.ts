import { createActor, fromCallback, type InspectionEvent, setup } from 'xstate';
import {
  type EjectCommand,
  type PlcActorEvent,
  type RejectDeadlineCheck,
  type RejectDeadlineInput,
  type RejectLoopActor,
  type RejectLoopEmitted,
  type RejectLoopInput,
  rejectLoopMachine,
} from '../../machines/edge/reject-loop.machine.js';
import type { ScanLineEvent } from '../../machines/edge/scan-line.machine.js';

export interface FakeDeadline {
  at: number;
  stopped: boolean;
  fire(now: number): void;
}

export const REJECT_LOOP_INPUT: RejectLoopInput = {
  pulseMs: 50,
  feedbackWindowMs: 1000,
  stopLineOnMissedReject: true,
  plcConnected: true,
  rejectAll: false,
};

/**
 * The reject loop with its I/O played by the test: a fake PLC actor that records EJECT commands
 * (the test answers for it), a fake deadline timer the test fires, and a recorder standing in for
 * the scan line under systemId 'scanLine', all in one actor system as the edge's supervisor has.
 */
export function startRejectLoopRig(input: Partial<RejectLoopInput> = {}, options: { inspect?: (event: InspectionEvent) => void } = {}) {
  const ejects: EjectCommand[] = [];
  const lineEvents: ScanLineEvent[] = [];
  const timers: FakeDeadline[] = [];
  let plcBack: ((event: PlcActorEvent) => void) | null = null;
  const plc = fromCallback<EjectCommand, unknown, PlcActorEvent>(({ receive, sendBack }) => {
    plcBack = sendBack;
    receive((command) => {
      ejects.push(command);
    });
  });
  const deadline = fromCallback<RejectDeadlineCheck, RejectDeadlineInput>(({ input: timer, sendBack }) => {
    const entry: FakeDeadline = { at: timer.at, stopped: false, fire: (now) => sendBack({ type: 'CHECK', now }) };
    timers.push(entry);
    return () => {
      entry.stopped = true;
    };
  });
  const line = fromCallback<ScanLineEvent>(({ receive }) => {
    receive((event) => {
      lineEvents.push(event);
    });
  });
  const machine = rejectLoopMachine.provide({ actors: { plc, deadline } });
  const rig = setup({ actors: { line, rejectLoop: machine } }).createMachine({
    invoke: [
      { id: 'line', src: 'line', systemId: 'scanLine' },
      { id: 'rejectLoop', src: 'rejectLoop', systemId: 'rejectLoop', input: { ...REJECT_LOOP_INPUT, ...input } },
    ],
  });
  const errors: unknown[] = [];
  // inspect: a coverage tracker sees the loop's first (transient) step too.
  const root = createActor(rig, options.inspect ? { inspect: options.inspect } : {});
  root.subscribe({ error: (error) => errors.push(error) });
  root.start();
  const loop = root.getSnapshot().children.rejectLoop as RejectLoopActor;
  const emitted: RejectLoopEmitted[] = [];
  loop.on('*', (event) => emitted.push(event));
  return {
    loop,
    ejects,
    lineEvents,
    timers,
    emitted,
    errors,
    alarms: () => emitted.filter((e) => e.type === 'line.alarm'),
    liveTimers: () => timers.filter((t) => !t.stopped),
    plcSays(event: PlcActorEvent) {
      if (!plcBack) throw new Error('plc actor not started');
      plcBack(event);
    },
    unit(code: string, outcome: string, at: number, extra: { source?: string; role?: string | null; reasonCode?: string } = {}) {
      loop.send({ type: 'UNIT', code, outcome, source: extra.source ?? 'scanner-1', role: extra.role ?? null, at, ...(extra.reasonCode ? { reasonCode: extra.reasonCode } : {}) });
    },
    snapshot: () => loop.getSnapshot(),
    stop: () => root.stop(),
  };
}
