import { type AnyActorRef, createActor, fromCallback, setup, type SimulatedClock } from 'xstate';
import {
  type PlcActor,
  type PlcConnectionCommand,
  type PlcConnectionEvent,
  type PlcEmitted,
  type PlcInput,
  plcMachine,
  type PlcReply,
} from '../../machines/edge/plc.machine.js';

export interface FakePlcLink {
  input: unknown;
  commands: PlcConnectionCommand[];
  stopped: boolean;
  /** Plays the driver: connected, failed, lost, stats. */
  emit(event: PlcConnectionEvent): void;
  /** Answers the oldest unanswered request. */
  answer(reply: { ok: true; value?: boolean | number | string } | { ok: false; code: string; error: string }): void;
}

/** A PLC link the test drives: each invocation is recorded; requests wait for the test to answer. */
export function createFakePlcLink() {
  const links: FakePlcLink[] = [];
  const logic = fromCallback<PlcConnectionCommand, unknown, PlcConnectionEvent>(({ input, sendBack, receive }) => {
    const unanswered: PlcConnectionCommand[] = [];
    const link: FakePlcLink = {
      input,
      commands: [],
      stopped: false,
      emit: (event) => sendBack(event),
      answer(reply) {
        const command = unanswered.shift();
        if (!command) throw new Error('fake PLC link: nothing to answer');
        const full: PlcReply = reply.ok ? { type: 'plc.reply', requestId: command.requestId, ok: true, latencyMs: 1, ...(reply.value !== undefined ? { value: reply.value } : {}) } : { type: 'plc.reply', requestId: command.requestId, ...reply };
        command.replyTo?.send(full);
        sendBack({ type: 'plc.stats', ok: reply.ok, latencyMs: 1, error: reply.ok ? null : reply.error, op: command.request.op });
      },
    };
    links.push(link);
    receive((command) => {
      link.commands.push(command);
      unanswered.push(command);
    });
    return () => {
      link.stopped = true;
    };
  });
  return {
    logic,
    links,
    latest(): FakePlcLink {
      const last = links.at(-1);
      if (!last) throw new Error('fake PLC link: never invoked');
      return last;
    },
  };
}

export const PLC_INPUT: PlcInput = { plcId: 'p1', protocol: 'MODBUS_TCP', connection: { host: 'fake' }, backoff: { baseMs: 10, maxMs: 40 }, safeState: 'stop' };

/** A PLC machine with a fake link and a recorder standing in for the scan line, in one actor system. */
export function startPlcRig(input: Partial<PlcInput> = {}, options: { clock?: SimulatedClock } = {}) {
  const link = createFakePlcLink();
  const lineEvents: Array<{ type: string; reason?: string }> = [];
  const line = fromCallback<{ type: string; reason?: string }>(({ receive }) => {
    receive((event) => {
      lineEvents.push(event);
    });
  });
  const plcInput: PlcInput = { ...PLC_INPUT, ...input };
  const rig = setup({ actors: { line, plc: plcMachine.provide({ actors: { connection: link.logic } }) } }).createMachine({
    invoke: [
      { id: 'line', src: 'line', systemId: 'scanLine' },
      { id: 'plc', src: 'plc', systemId: `plc.${plcInput.plcId}`, input: plcInput },
    ],
  });
  const errors: unknown[] = [];
  const root = createActor(rig, options.clock ? { clock: options.clock } : {});
  root.subscribe({ error: (error) => errors.push(error) });
  const emitted: PlcEmitted[] = [];
  root.start();
  const plc = root.getSnapshot().children.plc as PlcActor;
  plc.on('*', (event) => emitted.push(event));
  /** Sends a request and returns a function giving its reply once there is one (synchronous machines answer at once). */
  const request = (event: { type: 'READ'; address: string } | { type: 'WRITE'; address: string; value: boolean | number | string } | { type: 'BROWSE' }) => {
    let reply: PlcReply | undefined;
    // XState delivers sendTo through `_send`; a plain object is enough to catch the reply (see src/runtime/ask.ts).
    const replyTo = { id: 'test-reply', _send: (r: PlcReply) => (reply = r), send: (r: PlcReply) => (reply = r) } as unknown as AnyActorRef;
    plc.send({ ...event, replyTo } as never);
    return () => reply;
  };
  return {
    root,
    plc,
    link,
    lineEvents,
    emitted,
    errors,
    request,
    snapshot: () => plc.getSnapshot(),
    stop: () => root.stop(),
  };
}
