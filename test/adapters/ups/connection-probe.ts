import { type AnyActorLogic, createActor, setup } from 'xstate';
import type { UpsConnectionEvent } from '../../../machines/edge/ups.machine.js';

/** Runs a UPS `connection` actor under a stand-in parent that records everything it sends back. */
export function probeConnection(logic: AnyActorLogic, input: unknown) {
  const events: UpsConnectionEvent[] = [];
  const parent = setup({ actors: { connection: logic } }).createMachine({
    invoke: { id: 'connection', src: 'connection', input: () => input as never },
    on: { '*': { actions: ({ event }) => void events.push(event as UpsConnectionEvent) } },
  });
  const actor = createActor(parent);
  actor.subscribe({ error: () => undefined });
  actor.start();
  return {
    events,
    readings: () => events.flatMap((e) => (e.type === 'ups.reading' ? [e.reading] : [])),
    poll: () => (actor.getSnapshot().children as Record<string, { send(e: unknown): void }>).connection?.send({ type: 'ups.poll' }),
    stop: () => actor.stop(),
  };
}
