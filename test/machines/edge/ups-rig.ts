import { type AnyActorRef, type AnyEventObject, createActor, fromCallback, setup, type SimulatedClock } from 'xstate';
import { upsPolicyMachine, type UpsPolicyContext, type UpsPolicyEmitted, type UpsPolicyInput } from '../../../machines/edge/ups-policy.machine.js';
import { type UpsConnectionCommand, type UpsConnectionEvent, type UpsContext, type UpsEmitted, upsMachine, type UpsReading } from '../../../machines/edge/ups.machine.js';
import { parseUpsStatus } from '../../../adapters/ups/nut-protocol.js';

/** A reading as the connection would stamp it. */
export function reading(status: string, batteryPercent: number | null, at: number): UpsReading {
  return { status, ...parseUpsStatus(status), batteryPercent, runtimeSeconds: null, at };
}

const recorder = (log: AnyEventObject[]) =>
  fromCallback<AnyEventObject>(({ receive }) => {
    receive((event) => void log.push(event));
  });

/**
 * The policy machine between a fake scan line and a fake sync queue (same actor system, by the
 * systemIds the real ones have), with a fake hold-off timer whose starts and stops are recorded.
 */
export function startPolicyRig(input: Partial<UpsPolicyInput> = {}) {
  const line: AnyEventObject[] = [];
  const sync: AnyEventObject[] = [];
  const emitted: UpsPolicyEmitted[] = [];
  const errors: unknown[] = [];
  const timers: Array<{ at: number; stopped: boolean }> = [];
  const fakeTimer = fromCallback<{ type: 'CHECK'; now: number }, { at: number }>(({ input: timerInput }) => {
    const timer = { at: timerInput.at, stopped: false };
    timers.push(timer);
    return () => void (timer.stopped = true);
  });
  const fakeSync = fromCallback<AnyEventObject>(({ receive }) => {
    receive((event) => {
      sync.push(event);
      (event as { replyTo?: AnyActorRef }).replyTo?.send({ type: 'sync.triggered', state: 'sending', targetReady: true, reason: null });
    });
  });
  const parent = setup({
    actors: { line: recorder(line), sync: fakeSync, policy: upsPolicyMachine.provide({ actors: { timer: fakeTimer } }) },
  }).createMachine({
    invoke: [
      { src: 'line', systemId: 'scanLine' },
      { src: 'sync', systemId: 'syncQueue' },
      { id: 'policy', src: 'policy', systemId: 'upsPolicy', input: { lowBatteryPercent: 20, resumeHoldOffMs: 5000, ...input } },
    ],
  });
  const root = createActor(parent);
  root.subscribe({ error: (error) => errors.push(error) });
  root.start();
  const policy = root.system.get('upsPolicy') as AnyActorRef;
  policy.on('*', (event) => void emitted.push(event as UpsPolicyEmitted));
  return {
    line,
    sync,
    emitted,
    errors,
    timers,
    liveTimers: () => timers.filter((t) => !t.stopped),
    policy,
    send: (event: AnyEventObject) => policy.send(event),
    snapshot: () => policy.getSnapshot() as { value: string; context: UpsPolicyContext },
    stop: () => root.stop(),
  };
}

export type PolicyRig = ReturnType<typeof startPolicyRig>;

/**
 * The UPS machine with a fake connection (each invocation recorded, with a `send` back into the
 * machine) and a fake policy that records what it is handed.
 */
export function startUpsRig(options: { clock?: SimulatedClock; backoff?: { baseMs: number; maxMs: number } } = {}) {
  const policyEvents: AnyEventObject[] = [];
  const emitted: UpsEmitted[] = [];
  const errors: unknown[] = [];
  const connections: Array<{ input: unknown; stopped: boolean; commands: UpsConnectionCommand[]; emit(event: UpsConnectionEvent): void }> = [];
  const fakeConnection = fromCallback<UpsConnectionCommand, unknown, UpsConnectionEvent>(({ input, sendBack, receive }) => {
    const connection = { input, stopped: false, commands: [] as UpsConnectionCommand[], emit: (event: UpsConnectionEvent) => (connection.stopped ? undefined : sendBack(event)) };
    connections.push(connection);
    receive((command) => void connection.commands.push(command));
    return () => void (connection.stopped = true);
  });
  const parent = setup({ actors: { policy: recorder(policyEvents), ups: upsMachine.provide({ actors: { connection: fakeConnection } }) } }).createMachine({
    invoke: [
      { src: 'policy', systemId: 'upsPolicy' },
      { id: 'ups', src: 'ups', systemId: 'ups', input: { upsName: 'ups', connection: { kind: 'fake' }, backoff: options.backoff ?? { baseMs: 20, maxMs: 80 } } },
    ],
  });
  const root = createActor(parent, options.clock ? { clock: options.clock } : {});
  root.subscribe({ error: (error) => errors.push(error) });
  root.start();
  const ups = root.system.get('ups') as AnyActorRef;
  ups.on('*', (event) => void emitted.push(event as UpsEmitted));
  return {
    ups,
    connections,
    latest: () => connections.at(-1)!,
    live: () => connections.filter((c) => !c.stopped),
    policyEvents,
    emitted,
    errors,
    snapshot: () => ups.getSnapshot() as { value: unknown; context: UpsContext; status: string },
    stop: () => root.stop(),
  };
}

export type UpsRig = ReturnType<typeof startUpsRig>;
