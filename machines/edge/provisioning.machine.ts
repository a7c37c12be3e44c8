import { type ActorRefFrom, type AnyActorRef, assign, enqueueActions, fromPromise, sendTo, setup } from 'xstate';
import type { ActivatedDevice, CloudDevice } from '../../src/domain/ports/provisioning-record.js';

/**
 * Provisioning against OKTO Cloud (direct-cloud mode): sign in with the company's cloud account
 * (user token), pick a device, activate it (device token). The tokens live in context, which is
 * persisted by the actor itself (`saveRecord`, provided by the composition root) and announced as
 * `provisioning.changed`; they never leave the edge's API.
 */

import type { ProvisioningRecord, ProvisioningStatus } from '../../src/domain/ports/provisioning-record.js';
export type { ProvisioningRecord, ProvisioningStatus } from '../../src/domain/ports/provisioning-record.js';

export interface ProvisioningContext extends ProvisioningRecord {
  installationId: string;
  devices: CloudDevice[];
  pendingReply: AnyActorRef | null;
}

/** Errors from the cloud client, read structurally (the machine imports no adapter code). */
interface CloudFailure {
  kind?: string;
  message?: string;
}
export type ProvisioningFailureKind = 'CONFLICT' | 'UNAUTHORIZED' | 'UNAVAILABLE' | 'NOT_FOUND' | 'INVALID';

export type ProvisioningReply =
  | { type: 'provisioning.reply'; ok: true; status: ProvisioningStatus; devices?: CloudDevice[] }
  | { type: 'provisioning.reply'; ok: false; status: ProvisioningStatus; kind: ProvisioningFailureKind; message: string };

export type ProvisioningEvent =
  | { type: 'SIGN_IN'; email: string; password: string; replyTo?: AnyActorRef }
  | { type: 'FETCH_DEVICES'; replyTo?: AnyActorRef }
  | { type: 'ACTIVATE'; deviceId: string; replyTo?: AnyActorRef }
  | { type: 'DEPROVISION'; replyTo?: AnyActorRef }
  /** The sync queue got 401 with the device token: the cloud no longer knows this activation. */
  | { type: 'DEVICE_TOKEN_REJECTED' };

export type ProvisioningEmitted = { type: 'provisioning.changed'; record: ProvisioningRecord };

export interface ProvisioningInput {
  installationId: string;
}

const placeholder = (name: string) =>
  fromPromise<never, never>(async () => {
    throw new Error(`provisioning: ${name} not provided`);
  });

function failureKind(error: unknown, fallback: ProvisioningFailureKind): ProvisioningFailureKind {
  switch ((error as CloudFailure)?.kind) {
    case 'unauthorized':
      return 'UNAUTHORIZED';
    case 'conflict':
      return 'CONFLICT';
    case 'not_found':
      return 'NOT_FOUND';
    case 'unreachable':
    case 'timeout':
    case 'server':
    case 'protocol':
      return 'UNAVAILABLE';
    default:
      return fallback;
  }
}

const messageOf = (error: unknown) => (error as CloudFailure)?.message ?? String(error);

function recordOf(context: ProvisioningRecord, status: ProvisioningRecord['status']): ProvisioningRecord {
  return { status, email: context.email, userToken: context.userToken, deviceToken: context.deviceToken, device: context.device, error: context.error };
}

/**
 * Enqueues the `saveRecord` action by name, so the composition root's implementation (given
 * with `provide`) runs. Named actions defined in the same `setup` are not in `enqueue`'s types
 * yet (they are resolved at run time), hence the narrow cast.
 */
function saveRecord(enqueue: unknown, record: ProvisioningRecord) {
  (enqueue as (action: { type: 'saveRecord'; params: ProvisioningRecord }) => void)({ type: 'saveRecord', params: record });
}

const EMPTY: ProvisioningRecord = { status: 'NOT_PROVISIONED', email: null, userToken: null, deviceToken: null, device: null, error: null };

export const provisioningMachine = setup({
  types: {
    context: {} as ProvisioningContext,
    events: {} as ProvisioningEvent,
    input: {} as ProvisioningInput,
    emitted: {} as ProvisioningEmitted,
  },
  actors: {
    /** Reads the saved record at every start, so a supervisor restart resumes from what was saved last. */
    loadRecord: placeholder('loadRecord') as unknown as ReturnType<typeof fromPromise<ProvisioningRecord | null, void>>,
    signIn: placeholder('signIn') as unknown as ReturnType<typeof fromPromise<{ userToken: string }, { email: string; password: string }>>,
    listDevices: placeholder('listDevices') as unknown as ReturnType<typeof fromPromise<CloudDevice[], { userToken: string }>>,
    activate: placeholder('activate') as unknown as ReturnType<
      typeof fromPromise<{ deviceToken: string; device: ActivatedDevice }, { userToken: string; deviceId: string; installationId: string }>
    >,
  },
  actions: {
    /** Saves the record (provided by the composition root; the default keeps nothing). */
    saveRecord: (_, _record: ProvisioningRecord) => {},
    /** Saves the persistable record, then announces it (the connection actor follows it). */
    announce: enqueueActions(({ context, enqueue }, status: ProvisioningRecord['status']) => {
      const record = recordOf(context, status);
      saveRecord(enqueue, record);
      enqueue.emit({ type: 'provisioning.changed', record });
    }),
    keepReply: assign({ pendingReply: ({ event }) => ('replyTo' in event ? (event.replyTo ?? null) : null) }),
    replyOk: enqueueActions(({ context, enqueue }, params: { status: ProvisioningStatus; devices?: CloudDevice[] }) => {
      if (context.pendingReply) enqueue.sendTo(context.pendingReply, { type: 'provisioning.reply', ok: true, ...params } satisfies ProvisioningReply);
      enqueue.assign({ pendingReply: null });
    }),
    replyFailure: enqueueActions(({ context, enqueue }, params: { status: ProvisioningStatus; kind: ProvisioningFailureKind; message: string }) => {
      if (context.pendingReply) enqueue.sendTo(context.pendingReply, { type: 'provisioning.reply', ok: false, ...params } satisfies ProvisioningReply);
      enqueue.assign({ pendingReply: null });
    }),
    /** A request the current state does not allow: 409 with the current status. */
    refuse: sendTo(
      ({ event }) => ('replyTo' in event && event.replyTo ? event.replyTo : (undefined as unknown as AnyActorRef)),
      ({ self }): ProvisioningReply => {
        const status = statusOf(self.getSnapshot().value);
        return { type: 'provisioning.reply', ok: false, status, kind: 'CONFLICT', message: `Not allowed while ${status}` };
      },
    ),
    /** The cloud refused the user token: back to the start, saying why. */
    endSession: enqueueActions(({ context, enqueue }) => {
      const message = 'Cloud session expired: sign in again';
      const after = { ...context, userToken: null, error: message };
      enqueue.assign({ userToken: null, error: message, pendingReply: null });
      const record = recordOf(after, 'NOT_PROVISIONED');
      saveRecord(enqueue, record);
      enqueue.emit({ type: 'provisioning.changed', record });
      if (context.pendingReply) {
        enqueue.sendTo(context.pendingReply, { type: 'provisioning.reply', ok: false, status: 'NOT_PROVISIONED', kind: 'UNAUTHORIZED', message } satisfies ProvisioningReply);
      }
    }),
    forget: assign({ ...EMPTY, devices: [] as CloudDevice[] }),
  },
  guards: {
    restoredProvisioned: ({ context }) => context.status === 'PROVISIONED' && context.deviceToken !== null && context.device !== null,
    restoredSignedIn: ({ context }) => context.status === 'SIGNED_IN' && context.userToken !== null,
    hasReplyTo: ({ event }) => 'replyTo' in event && event.replyTo !== undefined,
    userTokenRejected: ({ event }) => failureKind((event as { error?: unknown }).error, 'INVALID') === 'UNAUTHORIZED',
  },
}).createMachine({
  id: 'provisioning',
  context: ({ input }) => ({ ...EMPTY, installationId: input.installationId, devices: [], pendingReply: null }),
  initial: 'restoring',
  on: {
    // Fallbacks: a state that does not handle an event refuses it with its status.
    SIGN_IN: { guard: 'hasReplyTo', actions: 'refuse' },
    FETCH_DEVICES: { guard: 'hasReplyTo', actions: 'refuse' },
    ACTIVATE: { guard: 'hasReplyTo', actions: 'refuse' },
    DEPROVISION: { guard: 'hasReplyTo', actions: 'refuse' },
  },
  states: {
    restoring: {
      invoke: {
        src: 'loadRecord',
        onDone: { target: 'routing', actions: assign(({ event }) => ({ ...(event.output ?? EMPTY) })) },
        onError: { target: 'NOT_PROVISIONED', actions: assign({ error: ({ event }) => `Could not read the saved provisioning: ${messageOf(event.error)}` }) },
      },
    },
    routing: {
      always: [
        { guard: 'restoredProvisioned', target: 'PROVISIONED' },
        { guard: 'restoredSignedIn', target: 'SIGNED_IN' },
        {
          target: 'NOT_PROVISIONED',
          actions: [assign({ status: 'NOT_PROVISIONED', userToken: null, deviceToken: null, device: null }), { type: 'announce', params: 'NOT_PROVISIONED' }],
        },
      ],
    },
    // No entry announcement here: every way in that changes something announces on its transition,
    // and a failed restore must not, or its empty record would overwrite the saved one.
    NOT_PROVISIONED: {
      on: {
        SIGN_IN: { target: 'SIGNING_IN', actions: ['keepReply', assign({ email: ({ event }) => event.email, error: null })] },
        DEPROVISION: { actions: ['keepReply', { type: 'replyOk', params: { status: 'NOT_PROVISIONED' } }] },
      },
    },
    SIGNING_IN: {
      invoke: {
        src: 'signIn',
        // The password goes from the event straight to the cloud call: it is never kept.
        input: ({ event }) => ({ email: (event as { email: string }).email, password: (event as { password: string }).password }),
        onDone: {
          target: 'SIGNED_IN',
          actions: [assign({ userToken: ({ event }) => event.output.userToken, error: null }), { type: 'replyOk', params: { status: 'SIGNED_IN' } }],
        },
        onError: {
          target: 'NOT_PROVISIONED',
          actions: [
            assign({ error: ({ event }) => `Sign-in failed: ${messageOf(event.error)}`, userToken: null }),
            { type: 'announce', params: 'NOT_PROVISIONED' },
            {
              type: 'replyFailure',
              params: ({ event }) => ({ status: 'NOT_PROVISIONED' as const, kind: failureKind(event.error, 'UNAUTHORIZED'), message: `Sign-in failed: ${messageOf(event.error)}` }),
            },
          ],
        },
      },
    },
    SIGNED_IN: {
      entry: { type: 'announce', params: 'SIGNED_IN' },
      initial: 'idle',
      on: {
        SIGN_IN: { target: 'SIGNING_IN', actions: ['keepReply', assign({ email: ({ event }) => event.email, error: null })] },
        ACTIVATE: { target: 'ACTIVATING', actions: ['keepReply', assign({ error: null })] },
        DEPROVISION: {
          target: 'NOT_PROVISIONED',
          actions: ['keepReply', 'forget', { type: 'announce', params: 'NOT_PROVISIONED' }, { type: 'replyOk', params: { status: 'NOT_PROVISIONED' } }],
        },
      },
      states: {
        idle: { on: { FETCH_DEVICES: { target: 'fetching', actions: 'keepReply' } } },
        fetching: {
          // One cloud call at a time: a request arriving now is refused, so the list's requester
          // keeps its pending reply (taking ACTIVATE etc. here would leave it unanswered).
          on: {
            SIGN_IN: [{ guard: 'hasReplyTo', actions: 'refuse' }, { actions: [] }],
            ACTIVATE: [{ guard: 'hasReplyTo', actions: 'refuse' }, { actions: [] }],
            DEPROVISION: [{ guard: 'hasReplyTo', actions: 'refuse' }, { actions: [] }],
          },
          invoke: {
            src: 'listDevices',
            input: ({ context }) => ({ userToken: context.userToken! }),
            onDone: {
              target: 'idle',
              actions: [
                assign({ devices: ({ event }) => event.output }),
                { type: 'replyOk', params: ({ event }) => ({ status: 'SIGNED_IN' as const, devices: event.output }) },
              ],
            },
            onError: [
              {
                // The user token expired: the operator must sign in again.
                guard: 'userTokenRejected',
                target: '#provisioning.NOT_PROVISIONED',
                actions: 'endSession',
              },
              {
                target: 'idle',
                actions: {
                  type: 'replyFailure',
                  params: ({ event }) => ({ status: 'SIGNED_IN' as const, kind: failureKind(event.error, 'UNAVAILABLE'), message: `Cannot list devices: ${messageOf(event.error)}` }),
                },
              },
            ],
          },
        },
      },
    },
    ACTIVATING: {
      invoke: {
        src: 'activate',
        input: ({ context, event }) => ({ userToken: context.userToken!, deviceId: (event as { deviceId: string }).deviceId, installationId: context.installationId }),
        onDone: {
          target: 'PROVISIONED',
          actions: [
            assign({ deviceToken: ({ event }) => event.output.deviceToken, device: ({ event }) => event.output.device, error: null }),
            { type: 'replyOk', params: { status: 'PROVISIONED' } },
          ],
        },
        onError: [
          {
            guard: 'userTokenRejected',
            target: 'NOT_PROVISIONED',
            actions: 'endSession',
          },
          {
            target: 'SIGNED_IN',
            actions: [
              assign({ error: ({ event }) => `Activation refused: ${messageOf(event.error)}` }),
              {
                type: 'replyFailure',
                params: ({ event }) => ({ status: 'SIGNED_IN' as const, kind: failureKind(event.error, 'UNAVAILABLE'), message: `Activation refused: ${messageOf(event.error)}` }),
              },
            ],
          },
        ],
      },
    },
    PROVISIONED: {
      entry: { type: 'announce', params: 'PROVISIONED' },
      on: {
        DEPROVISION: {
          target: 'NOT_PROVISIONED',
          actions: ['keepReply', 'forget', { type: 'announce', params: 'NOT_PROVISIONED' }, { type: 'replyOk', params: { status: 'NOT_PROVISIONED' } }],
        },
        DEVICE_TOKEN_REJECTED: {
          actions: [assign({ error: 'The cloud rejected this device token: deprovision and activate again' }), { type: 'announce', params: 'PROVISIONED' }],
        },
      },
    },
  },
});

/** The spec's status for a snapshot value (sub-states of SIGNED_IN are SIGNED_IN). */
export function statusOf(value: unknown): ProvisioningStatus {
  const top = typeof value === 'string' ? value : Object.keys(value as object)[0]!;
  return (top === 'restoring' || top === 'routing' ? 'NOT_PROVISIONED' : top) as ProvisioningStatus;
}

export type ProvisioningActor = ActorRefFrom<typeof provisioningMachine>;
