import { type AnyActorLogic, createActor, sendTo, setup } from 'xstate';
import type { TransportCommand, TransportEvent } from '../../../adapters/scanners/tcp-transport.js';
import { waitFor } from '../../support/wait-for.js';

type HarnessEvent = TransportEvent | { type: 'COMMAND'; command: TransportCommand } | { type: 'RESTART' } | { type: 'STOP' };

/**
 * An owner for any scanner transport (callback logic needs a parent to send back to): records
 * every transport event, passes commands, and re-invokes on RESTART as the scanner machine does
 * after its backoff. Like transport-harness.ts, for the transports other than TCP.
 */
export function startTransport(logic: AnyActorLogic, input: unknown) {
  const events: TransportEvent[] = [];
  const machine = setup({ types: { events: {} as HarnessEvent }, actors: { transport: logic } }).createMachine({
    initial: 'running',
    states: {
      running: {
        invoke: { id: 'transport', src: 'transport', input },
        on: {
          COMMAND: { actions: sendTo('transport', ({ event }) => event.command) },
          RESTART: { target: 'running', reenter: true },
          STOP: 'stopped',
        },
      },
      stopped: { on: { RESTART: 'running' } },
    },
    on: { 'transport.*': { actions: ({ event }) => void events.push(event as TransportEvent) } },
  });
  const errors: unknown[] = [];
  const actor = createActor(machine);
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();

  const of = <T extends TransportEvent['type']>(type: T, from = 0) =>
    events.slice(from).filter((e): e is Extract<TransportEvent, { type: T }> => e.type === type);

  return {
    events,
    errors,
    of,
    command: (command: TransportCommand) => actor.send({ type: 'COMMAND', command }),
    restart: () => actor.send({ type: 'RESTART' }),
    stop: () => actor.stop(),
    /** Waits for the first event of `type` at index >= from; resolves with it and its index. */
    async next<T extends TransportEvent['type']>(type: T, from = 0, timeoutMs = 5000) {
      const index = await waitFor(() => {
        const i = events.findIndex((e, n) => n >= from && e.type === type);
        return i >= 0 ? i + 1 : 0;
      }, timeoutMs, () => `${type} after index ${from}; got ${JSON.stringify(events)}`);
      return { event: events[index - 1] as Extract<TransportEvent, { type: T }>, index: index - 1 };
    },
    /** Waits until `count` frames arrived at index >= from; returns the frames. */
    frames: (count: number, from = 0, timeoutMs = 5000) =>
      waitFor(() => {
        const frames = of('transport.frame', from).map((e) => e.frame);
        return frames.length >= count ? frames : null;
      }, timeoutMs, () => `${count} frames after ${from}; got ${JSON.stringify(events)}`),
  };
}
