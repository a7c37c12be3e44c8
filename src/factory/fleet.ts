import type { AnyActorRef } from 'xstate';
import type { ReportedStatus } from '../domain/device-channel.js';
import type {
  DeviceSessionContext,
  DeviceSessionEmitted,
  DeviceSessionEvent,
  DeviceSessionInput,
  DeviceStatus,
} from '../../machines/factory/device-session.machine.js';
import type { ChildSpec, SupervisorEvent, SupervisorInput, SupervisorPolicy } from '../../machines/shared/supervisor.machine.js';
import { bridgeEmitsToBus } from '../runtime/emit-bridge.js';

/**
 * The factory's device sessions, one actor per registered device, sharded under supervisors:
 * spawning many children under one parent is quadratic in XState (DESIGN), so no parent holds
 * more than `shardCapacity` sessions. Shards are supervisor machines spawned on demand as
 * children of the root supervisor; a device goes to the first shard with room (first fit), and
 * a new shard is opened only when all are full. Each session has systemId `device.<id>`.
 *
 * The root's emit bridge follows only its direct children (the shards), so session events do
 * not reach the bus through it: `onEvent` follows each shard's children instead.
 *
 * Reads (`list`, `status`, `counts`) go straight to the sessions' snapshots: no messages, no
 * waiting, cheap enough to call per request with thousands of devices.
 */

export interface FleetOptions {
  /** A running supervisor (createSupervisorMachine) with the shard logic registered under `shardSrc`. */
  root: AnyActorRef;
  /** Key of the shard supervisor logic in the root's actors; that shard logic has the session
   * logic (with a real `deadline` provided) registered under `sessionSrc`. */
  shardSrc?: string;
  sessionSrc?: string;
  shardCapacity?: number;
  staleAfterMs: number;
  offlineAfterMs: number;
  /** Wall clock the sessions derive their initial state from; must match the deadline timer's. */
  now?: () => number;
  /** Restart policy of the shard supervisors for their sessions. */
  shardPolicy?: Partial<SupervisorPolicy>;
  /** Receives every session event from the start (e.g. the bus's publish); same as an `onEvent`
   * handler registered before the first `add`. */
  publish?: (event: DeviceSessionEmitted) => void;
}

export interface DeviceSessionView {
  deviceId: string;
  status: DeviceStatus;
  /** Epoch ms, null if never seen. */
  lastSeenAt: number | null;
  reported: ReportedStatus | null;
  /** Whether a device channel is open. */
  connected: boolean;
}

export interface FleetCounts {
  online: number;
  stale: number;
  offline: number;
}

export interface Fleet {
  /** Starts a session; false if the device already has one. `lastSeenAt` (epoch ms) comes from the database. */
  add(deviceId: string, lastSeenAt: number | null, reported?: ReportedStatus | null): boolean;
  /** Stops and forgets the session; false if there was none. */
  remove(deviceId: string): boolean;
  /** The three below return false when the device has no live session. `at` is epoch ms. */
  heartbeat(deviceId: string, at: number, status?: ReportedStatus): boolean;
  channelOpened(deviceId: string, at: number): boolean;
  channelClosed(deviceId: string, at: number): boolean;
  has(deviceId: string): boolean;
  /** Undefined for an unknown device, or one whose session its shard gave up restarting. */
  status(deviceId: string): DeviceSessionView | undefined;
  /** Every live session, in the order the devices were added. */
  list(): DeviceSessionView[];
  counts(): FleetCounts;
  /** Session events (`device.statusChanged`, `device.reported`); returns the unsubscribe. */
  onEvent(handler: (event: DeviceSessionEmitted) => void): () => void;
  /** Shard ids with how many sessions each holds (for diagnostics and tests). */
  shards(): Array<{ id: string; sessions: number }>;
  /** Detaches the event followers. Sessions stop with the root. */
  dispose(): void;
}

export const sessionSystemId = (deviceId: string) => `device.${deviceId}`;
export const DEFAULT_SHARD_CAPACITY = 100;

interface Shard {
  id: string;
  systemId: string;
  ref: AnyActorRef;
  sessions: number;
  detach: () => void;
}

export function createFleet(options: FleetOptions): Fleet {
  const { root, staleAfterMs, offlineAfterMs } = options;
  const shardSrc = options.shardSrc ?? 'deviceShard';
  const sessionSrc = options.sessionSrc ?? 'deviceSession';
  const capacity = options.shardCapacity ?? DEFAULT_SHARD_CAPACITY;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`fleet: shardCapacity must be a positive integer, got ${capacity}`);
  if (!(staleAfterMs > 0 && offlineAfterMs > staleAfterMs)) {
    throw new Error(`fleet: need 0 < staleAfterMs < offlineAfterMs, got ${staleAfterMs} and ${offlineAfterMs}`);
  }

  const shards: Shard[] = [];
  /** deviceId → its shard. A Map keeps insertion order, which `list()` returns. */
  const placement = new Map<string, Shard>();
  const handlers = new Set<(event: DeviceSessionEmitted) => void>();
  if (options.publish) handlers.add(options.publish);

  const dispatch = (event: DeviceSessionEmitted) => {
    // A throwing handler is the handler's bug; it must not stop the others or the session.
    for (const handler of [...handlers]) {
      try {
        handler(event);
      } catch {
        // Swallowed on purpose: see above. Handlers that care report their own errors.
      }
    }
  };

  const openShard = (): Shard => {
    const index = shards.length;
    const id = `${shardSrc}.${index}`;
    const systemId = `fleet.shard.${index}`;
    const input: SupervisorInput = { children: [], ...(options.shardPolicy ? { policy: options.shardPolicy } : {}) };
    const child: ChildSpec = { id, src: shardSrc, systemId, input };
    root.send({ type: 'supervisor.spawn', child } satisfies SupervisorEvent);
    const ref = root.system.get(systemId) as AnyActorRef | undefined;
    if (!ref) throw new Error(`fleet: the root did not start shard "${id}" (is "${shardSrc}" registered and the root running?)`);
    // Follows the shard's children (sessions), resubscribing when a restart replaces one.
    const detach = bridgeEmitsToBus(ref, { publish: dispatch as (event: never) => void }, {
      filter: (event) => event.type.startsWith('device.'),
    });
    const shard: Shard = { id, systemId, ref, sessions: 0, detach };
    shards.push(shard);
    return shard;
  };

  const session = (deviceId: string): AnyActorRef | undefined =>
    placement.has(deviceId) ? (root.system.get(sessionSystemId(deviceId)) as AnyActorRef | undefined) : undefined;

  const send = (deviceId: string, event: DeviceSessionEvent): boolean => {
    const ref = session(deviceId);
    if (!ref || ref.getSnapshot().status !== 'active') return false;
    ref.send(event);
    return true;
  };

  const view = (ref: AnyActorRef | undefined): DeviceSessionView | undefined => {
    const snapshot = ref?.getSnapshot() as { status: string; context: DeviceSessionContext } | undefined;
    if (!snapshot || snapshot.status !== 'active') return undefined;
    const { deviceId, status, lastSeenAt, reported, channels } = snapshot.context;
    return { deviceId, status, lastSeenAt, reported, connected: channels > 0 };
  };

  return {
    add(deviceId, lastSeenAt, reported = null) {
      if (placement.has(deviceId)) return false;
      const shard = shards.find((s) => s.sessions < capacity) ?? openShard();
      const input: DeviceSessionInput = { deviceId, lastSeenAt, staleAfterMs, offlineAfterMs, now, reported };
      shard.ref.send({
        type: 'supervisor.spawn',
        child: { id: deviceId, src: sessionSrc, systemId: sessionSystemId(deviceId), input },
      } satisfies SupervisorEvent);
      shard.sessions++;
      placement.set(deviceId, shard);
      return true;
    },
    remove(deviceId) {
      const shard = placement.get(deviceId);
      if (!shard) return false;
      shard.ref.send({ type: 'supervisor.remove', id: deviceId } satisfies SupervisorEvent);
      shard.sessions--;
      placement.delete(deviceId);
      return true;
    },
    heartbeat: (deviceId, at, status) => send(deviceId, status === undefined ? { type: 'HEARTBEAT', at } : { type: 'HEARTBEAT', at, status }),
    channelOpened: (deviceId, at) => send(deviceId, { type: 'CHANNEL_OPENED', at }),
    channelClosed: (deviceId, at) => send(deviceId, { type: 'CHANNEL_CLOSED', at }),
    has: (deviceId) => placement.has(deviceId),
    status: (deviceId) => view(session(deviceId)),
    list() {
      const out: DeviceSessionView[] = [];
      for (const deviceId of placement.keys()) {
        const v = view(session(deviceId));
        if (v) out.push(v);
      }
      return out;
    },
    counts() {
      const counts: FleetCounts = { online: 0, stale: 0, offline: 0 };
      for (const deviceId of placement.keys()) {
        const v = view(session(deviceId));
        if (v) counts[v.status]++;
      }
      return counts;
    },
    onEvent(handler) {
      // Wrapped so the same function subscribed twice gets two independent subscriptions.
      const entry = (event: DeviceSessionEmitted) => handler(event);
      handlers.add(entry);
      return () => {
        handlers.delete(entry);
      };
    },
    shards: () => shards.map((s) => ({ id: s.id, sessions: s.sessions })),
    dispose() {
      for (const shard of shards) shard.detach();
      handlers.clear();
    },
  };
}
