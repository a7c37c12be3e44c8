import { type AnyActorRef, assign, enqueueActions, fromPromise, setup } from 'xstate';
import { PROVISIONING, SYNC_QUEUE } from '../../src/domain/actor-ids.js';
import type { ConnectionMode, ConnectionRestored } from '../../src/domain/connection-mode.js';
import type { ConnectionSettings } from '../../src/domain/device-channel.js';
import type { DomainFailure } from '../../src/domain/domain-error.js';

/**
 * Where the edge sends what it stored, in one actor: the connection mode (DIRECT_CLOUD or
 * VIA_LOCAL_SERVER, chosen here or forced by the factory server, each with its reason), and the
 * sync target that follows from the mode and the facts other actors announce (the provisioning
 * record, the factory's settings, a token refused upstream). It persists the mode through the
 * supplied `saveMode`, tells the sync queue whether it has a target (and why not), and asks
 * provisioning to mark a device token the cloud refused.
 *
 * PURE: storage comes in as the `restore` and `saveMode` actors; the target itself (an HTTP
 * client) is built by the caller from `targetOf(context)`.
 */

/** Why the mode is what it is. */
export type ModeSource = 'CONFIGURED' | 'CHOSEN' | 'FORCED_BY_FACTORY';

export interface ConnectionInput {
  /** The mode from configuration, used when none was saved. */
  configuredMode: ConnectionMode;
  /** Whether the factory server's sync target exists (a factory URL and a device token are configured). */
  factoryConfigured: boolean;
}

interface ModeRequest {
  mode: ConnectionMode;
  source: ModeSource;
  replyTo: AnyActorRef | null;
}

export interface ConnectionContext {
  configuredMode: ConnectionMode;
  factoryConfigured: boolean;
  mode: ConnectionMode;
  source: ModeSource;
  /** The factory's last connection settings, or null before any. */
  settings: ConnectionSettings | null;
  /** The cloud device token of a PROVISIONED record, else null. */
  deviceToken: string | null;
  /** True once a provisioning record was announced (a restored token must not overwrite it). */
  recordKnown: boolean;
  /** The device token OKTO Cloud answered 401 to (provisioning stays PROVISIONED until an operator acts). */
  rejectedToken: string | null;
  /**
   * The factory answered 401/403 to a sync: the token is configuration, not something
   * provisioning can renew, so sync stays off (no loop) until the edge restarts with a new one.
   */
  factoryRejected: boolean;
  /** Set by that refusal, so the `sync.unauthorized` that follows is told apart from the cloud's. */
  factoryJustRefused: boolean;
  /** Mode changes waiting to be saved, in arrival order. */
  pending: ModeRequest[];
}

export type ConnectionReply =
  | { type: 'connection.reply'; ok: true; mode: ConnectionMode }
  | { type: 'connection.reply'; ok: false; error: DomainFailure };

export type ConnectionEvent =
  /** PUT /connection/mode: a local choice (refused while the factory forbids an override). */
  | { type: 'SET_MODE'; mode: ConnectionMode; replyTo?: AnyActorRef }
  /** The factory server's connection settings (factory link welcome or push). */
  | { type: 'FACTORY_SETTINGS'; settings: ConnectionSettings }
  /** The provisioning actor announced its record. */
  | { type: 'PROVISIONING_CHANGED'; status: string; deviceToken: string | null }
  /** The factory's sync target was refused with 401/403 (sent before the sync queue reports it). */
  | { type: 'FACTORY_TOKEN_REFUSED' }
  /** The sync queue was answered 401 by its target. */
  | { type: 'SYNC_UNAUTHORIZED' }
  /** Tell the sync queue again where to send (a restarted queue starts offline). */
  | { type: 'ANNOUNCE_TARGET' };

export type ConnectionEmitted =
  | { type: 'connection.modeChanged'; mode: ConnectionMode; from: ConnectionMode; source: ModeSource; reason: string | null }
  | { type: 'connection.modeSwitchFailed'; mode: ConnectionMode; source: ModeSource; error: string }
  | { type: 'connection.factoryRefused' };

/** Which target the sync queue sends to now, or why there is none. */
export type UpstreamTarget =
  | { kind: 'factory'; reason: null }
  | { kind: 'cloud'; deviceToken: string; reason: null }
  | { kind: 'none'; reason: string };

export const imposedReason = (mode: ConnectionMode) => `Set by the factory server: its default mode is ${mode} and it does not allow a device override`;

/** The factory's settings forbid a local choice: its default mode is imposed. */
const forcing = (settings: ConnectionSettings | null): settings is ConnectionSettings => settings !== null && !settings.allowDeviceOverride;

/** Why the mode is what it is when the factory imposes it; null when the local choice stands. */
export function modeReasonOf(context: Pick<ConnectionContext, 'settings'>): string | null {
  return forcing(context.settings) ? imposedReason(context.settings.defaultMode) : null;
}

/** A mode an operator may not choose locally right now, with the reason; null if allowed. */
export function refusalOf(context: Pick<ConnectionContext, 'settings'>, mode: ConnectionMode): string | null {
  const { settings } = context;
  if (!forcing(settings) || mode === settings.defaultMode) return null;
  return `${imposedReason(settings.defaultMode)}; ${mode} cannot be chosen on this edge`;
}

/** The sync target the mode and the announced facts give, or the reason there is none. */
export function targetOf(context: Pick<ConnectionContext, 'mode' | 'factoryConfigured' | 'factoryRejected' | 'deviceToken' | 'rejectedToken'>): UpstreamTarget {
  if (context.mode === 'VIA_LOCAL_SERVER') {
    if (!context.factoryConfigured) return { kind: 'none', reason: 'Factory server not configured (VIA_LOCAL_SERVER mode): nothing is sent until it is (FACTORY_URL and FACTORY_DEVICE_TOKEN)' };
    if (context.factoryRejected) return { kind: 'none', reason: 'The factory server rejected the device token: issue a new one at the factory and set FACTORY_DEVICE_TOKEN' };
    return { kind: 'factory', reason: null };
  }
  if (!context.deviceToken) return { kind: 'none', reason: 'Not provisioned: sign in and activate a device (DIRECT_CLOUD mode)' };
  if (context.deviceToken === context.rejectedToken) return { kind: 'none', reason: 'OKTO Cloud rejected the device token: deprovision and activate again' };
  return { kind: 'cloud', deviceToken: context.deviceToken, reason: null };
}

/** The mode once every pending change is saved: what a new request is compared with. */
const modeAfterPending = (context: ConnectionContext) => context.pending.at(-1)?.mode ?? context.mode;

/** Tells the sync queue whether it has a target, and why not (nothing when the queue is not running). */
function announceTarget(
  enqueue: { sendTo(target: AnyActorRef, event: { type: 'TARGET'; ready: boolean; reason: string | null }): void },
  context: ConnectionContext,
  system: { get(systemId: string): unknown },
) {
  const queue = system.get(SYNC_QUEUE) as AnyActorRef | undefined;
  if (!queue) return;
  const target = targetOf(context);
  enqueue.sendTo(queue, { type: 'TARGET', ready: target.kind !== 'none', reason: target.reason });
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    input: {} as ConnectionInput,
    emitted: {} as ConnectionEmitted,
  },
  actors: {
    restore: fromPromise<ConnectionRestored, void>(async () => ({ mode: null, deviceToken: null })),
    saveMode: fromPromise<void, { mode: ConnectionMode }>(async () => {
      throw new Error('connection: saveMode not provided');
    }),
  },
  actions: {
    announceTarget: enqueueActions(({ context, enqueue, system }) => announceTarget(enqueue, context, system)),
    takeRecord: assign(({ event }) => {
      const e = event as Extract<ConnectionEvent, { type: 'PROVISIONING_CHANGED' }>;
      return { deviceToken: e.status === 'PROVISIONED' ? e.deviceToken : null, recordKnown: true };
    }),
    markFactoryRefused: assign({ factoryRejected: true, factoryJustRefused: true }),
    /** 401 from the target: the factory's (configuration: stop) or the cloud's (mark the token, ask provisioning). */
    onUnauthorized: enqueueActions(({ context, enqueue, system }) => {
      if (context.factoryJustRefused) {
        enqueue.assign({ factoryJustRefused: false });
        enqueue.emit({ type: 'connection.factoryRefused' });
        announceTarget(enqueue, context, system);
        return;
      }
      enqueue.assign({ rejectedToken: context.deviceToken });
      const provisioning = system.get(PROVISIONING) as AnyActorRef | undefined;
      if (provisioning) enqueue.sendTo(provisioning, { type: 'DEVICE_TOKEN_REJECTED' });
    }),
    /** A local choice: refused while the factory forbids it, else queued to be saved. */
    requestMode: enqueueActions(({ context, event, enqueue }) => {
      const e = event as Extract<ConnectionEvent, { type: 'SET_MODE' }>;
      const refusal = refusalOf(context, e.mode);
      if (refusal) {
        const reply: ConnectionReply = { type: 'connection.reply', ok: false, error: { kind: 'CONFLICT', message: refusal, details: { mode: context.mode } } };
        if (e.replyTo) enqueue.sendTo(e.replyTo, reply);
        return;
      }
      enqueue.assign({ pending: [...context.pending, { mode: e.mode, source: 'CHOSEN', replyTo: e.replyTo ?? null }] });
    }),
    /** The factory's settings: kept; when they forbid an override and the mode differs, its default is queued. */
    takeSettings: enqueueActions(({ context, event, enqueue }) => {
      const { settings } = event as Extract<ConnectionEvent, { type: 'FACTORY_SETTINGS' }>;
      enqueue.assign({ settings });
      if (settings.allowDeviceOverride) {
        // The local choice stands again; a mode that was forced stays, now as if chosen.
        if (context.source === 'FORCED_BY_FACTORY') enqueue.assign({ source: 'CHOSEN' });
        return;
      }
      if (modeAfterPending(context) === settings.defaultMode) {
        if (context.pending.length === 0) enqueue.assign({ source: 'FORCED_BY_FACTORY' });
        return;
      }
      enqueue.assign({ pending: [...context.pending, { mode: settings.defaultMode, source: 'FORCED_BY_FACTORY', replyTo: null }] });
    }),
    /** The head request is saved: it is the mode now. */
    commitHead: enqueueActions(({ context, enqueue, system }) => {
      const [head, ...rest] = context.pending;
      if (!head) return;
      const from = context.mode;
      enqueue.assign({ mode: head.mode, source: head.source, pending: rest });
      if (head.replyTo) enqueue.sendTo(head.replyTo, { type: 'connection.reply', ok: true, mode: head.mode } satisfies ConnectionReply);
      enqueue.emit({ type: 'connection.modeChanged', mode: head.mode, from, source: head.source, reason: head.source === 'FORCED_BY_FACTORY' ? imposedReason(head.mode) : null });
      announceTarget(enqueue, { ...context, mode: head.mode }, system);
    }),
    /** The head request could not be saved: the mode stays, the requester is told. */
    failHead: enqueueActions(({ context, event, enqueue }) => {
      const [head, ...rest] = context.pending;
      if (!head) return;
      const message = `Failed: ${errorText((event as { error?: unknown }).error)}`;
      enqueue.assign({ pending: rest });
      if (head.replyTo) enqueue.sendTo(head.replyTo, { type: 'connection.reply', ok: false, error: { kind: 'UNAVAILABLE', message } } satisfies ConnectionReply);
      enqueue.emit({ type: 'connection.modeSwitchFailed', mode: head.mode, source: head.source, error: message });
    }),
  },
  guards: {
    hasPending: ({ context }) => context.pending.length > 0,
  },
}).createMachine({
  id: 'connection',
  context: ({ input }) => ({
    configuredMode: input.configuredMode,
    factoryConfigured: input.factoryConfigured,
    mode: input.configuredMode,
    source: 'CONFIGURED',
    settings: null,
    deviceToken: null,
    recordKnown: false,
    rejectedToken: null,
    factoryRejected: false,
    factoryJustRefused: false,
    pending: [],
  }),
  initial: 'restoring',
  // Facts are taken in every state: none may be lost while the mode is read or saved.
  on: {
    SET_MODE: { actions: 'requestMode' },
    FACTORY_SETTINGS: { actions: 'takeSettings' },
    PROVISIONING_CHANGED: { actions: ['takeRecord', 'announceTarget'] },
    FACTORY_TOKEN_REFUSED: { actions: 'markFactoryRefused' },
    SYNC_UNAUTHORIZED: { actions: 'onUnauthorized' },
    ANNOUNCE_TARGET: { actions: 'announceTarget' },
  },
  states: {
    restoring: {
      invoke: {
        src: 'restore',
        onDone: {
          target: 'idle',
          actions: [
            assign(({ context, event }) => ({
              mode: event.output.mode ?? context.configuredMode,
              source: event.output.mode ? ('CHOSEN' as const) : ('CONFIGURED' as const),
              // A record announced while restoring is newer than the saved one.
              deviceToken: context.recordKnown ? context.deviceToken : event.output.deviceToken,
            })),
            'announceTarget',
          ],
        },
        // Storage unreadable: the configured mode, as at a first start.
        onError: { target: 'idle', actions: 'announceTarget' },
      },
    },
    idle: {
      always: { guard: 'hasPending', target: 'saving' },
    },
    saving: {
      invoke: {
        src: 'saveMode',
        input: ({ context }) => ({ mode: context.pending[0]!.mode }),
        onDone: { target: 'idle', actions: 'commitHead' },
        onError: { target: 'idle', actions: 'failHead' },
      },
    },
  },
});

/** What GET /connection/mode and /connection/status show, read from a snapshot's context. */
export function connectionView(context: ConnectionContext) {
  return { mode: context.mode, source: context.source, modeReason: modeReasonOf(context), target: targetOf(context) };
}
