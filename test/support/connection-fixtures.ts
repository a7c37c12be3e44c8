import { type AnyActorRef, type AnyEventObject, createActor, fromCallback, fromPromise, type InspectionEvent, setup } from 'xstate';
import { type ConnectionContext, type ConnectionInput, type ConnectionReply, connectionMachine } from '../../machines/edge/connection.machine.js';
import { CONNECTION, PROVISIONING, SYNC_QUEUE } from '../../src/domain/actor-ids.js';
import type { ConnectionMode, ConnectionRestored } from '../../src/domain/connection-mode.js';
import { flush } from './controlled-promise.js';

/**
 * The connection actor under a small root, beside stand-ins for the sync queue and the
 * provisioning actor (found by their systemIds, as in the edge): records what it tells them,
 * what it emits and which modes it saved. Storage answers at once unless `saveFails` is set.
 * `inspect` (e.g. a coverage's `inspect`) sees the whole actor system from its first step.
 */
export async function startConnectionRig(
  options: { input?: Partial<ConnectionInput>; restored?: ConnectionRestored | Error; inspect?: (event: InspectionEvent) => void } = {},
) {
  const toQueue: AnyEventObject[] = [];
  const toProvisioning: AnyEventObject[] = [];
  const emitted: AnyEventObject[] = [];
  const saved: ConnectionMode[] = [];
  const storage = { saveFails: false };
  const input: ConnectionInput = { configuredMode: 'DIRECT_CLOUD', factoryConfigured: true, ...options.input };
  const connection = connectionMachine.provide({
    actors: {
      restore: fromPromise<ConnectionRestored, void>(async () => {
        if (options.restored instanceof Error) throw options.restored;
        return options.restored ?? { mode: null, deviceToken: null };
      }),
      saveMode: fromPromise<void, { mode: ConnectionMode }>(async ({ input: { mode } }) => {
        if (storage.saveFails) throw new Error('SQLITE_FULL: database or disk is full');
        saved.push(mode);
      }),
    },
  });
  const recorder = (into: AnyEventObject[]) => fromCallback<AnyEventObject>(({ receive }) => receive((event) => void into.push(event)));
  const root = createActor(
    setup({ actors: { connection, queue: recorder(toQueue), provisioning: recorder(toProvisioning) } }).createMachine({
      invoke: [
        { src: 'queue', systemId: SYNC_QUEUE },
        { src: 'provisioning', systemId: PROVISIONING },
        { src: 'connection', id: 'connection', systemId: CONNECTION, input },
      ],
    }),
    options.inspect ? { inspect: options.inspect } : {},
  );
  root.start();
  const ref = root.system.get(CONNECTION) as AnyActorRef;
  ref.on('*', (event: AnyEventObject) => void emitted.push(event));
  await flush();

  const replies: ConnectionReply[] = [];
  const replyTo = createActor(fromCallback<ConnectionReply>(({ receive }) => receive((reply) => void replies.push(reply))));
  replyTo.start();

  return {
    ref,
    toQueue,
    toProvisioning,
    emitted,
    saved,
    storage,
    replies,
    context: () => (ref.getSnapshot() as { context: ConnectionContext }).context,
    state: () => (ref.getSnapshot() as { value: unknown }).value,
    lastTarget: () => toQueue.filter((e) => e.type === 'TARGET').at(-1) as { ready: boolean; reason: string | null } | undefined,
    /** Sends an event and lets the actor finish what it started (saves included). */
    async send(event: AnyEventObject) {
      ref.send(event);
      await flush();
      await flush();
    },
    async setMode(mode: ConnectionMode): Promise<ConnectionReply> {
      const before = replies.length;
      ref.send({ type: 'SET_MODE', mode, replyTo });
      await flush();
      await flush();
      if (replies.length !== before + 1) throw new Error(`expected one reply, got ${replies.length - before}`);
      return replies.at(-1)!;
    },
    stop() {
      replyTo.stop();
      root.stop();
    },
  };
}

export type ConnectionRig = Awaited<ReturnType<typeof startConnectionRig>>;
