import { assign, type SnapshotFrom, setup } from 'xstate';
import type { CommandStatus } from '../../src/domain/device-commands.js';

/**
 * One device command as the factory tracks it (ThingsBoard's persistent RPC, AWS IoT Jobs):
 *
 *   QUEUED → SENT → DELIVERED → SUCCEEDED | FAILED | TIMED_OUT
 *   QUEUED | SENT → EXPIRED (not delivered before expiresAt), QUEUED → CANCELED
 *   SENT → QUEUED when the device's channel closes before it acknowledged (sent again on reconnect;
 *   the edge runs a command id once, so a second copy is harmless)
 *
 * PURE and timer-free: the service restores a snapshot from the stored record, applies one event
 * with `transition`, and stores what comes out, so a restarted server continues from the table.
 * Time enters only through the events (`at`, `now`); the one deadline that matters in each state is
 * `deadlineOf(snapshot)`, which the service keeps in the `deadline_at` column and arms a timer for.
 */

export interface CommandError {
  code: string;
  message: string;
}

export interface CommandMachineInput {
  commandId: string;
  timeoutMs: number;
  /** Epoch ms; null = waits for the device for ever. */
  expiresAt: number | null;
}

export interface CommandMachineContext extends CommandMachineInput {
  sentAt: number | null;
  deliveredAt: number | null;
  completedAt: number | null;
  stage: string | null;
  result: unknown;
  error: CommandError | null;
}

export type CommandMachineEvent =
  /** Handed to the device's open channel at `at`. */
  | { type: 'SEND'; at: number }
  /** The channel closed (or a new one replaced it). */
  | { type: 'DEVICE_DISCONNECTED' }
  /** command.ack: the device has it. */
  | { type: 'DELIVERED'; at: number }
  /** command.progress: the device is at `stage` (implies delivery). */
  | { type: 'PROGRESS'; at: number; stage: string }
  /** command.result. An edge that refuses to start a command past its expiresAt answers ok:false, code EXPIRED. */
  | { type: 'RESULT'; at: number; ok: boolean; result?: unknown; error?: CommandError }
  /** The armed timer fired (or the server started) at `now`. */
  | { type: 'DEADLINE'; now: number }
  | { type: 'CANCEL'; at: number; reason?: string };

type At = { at: number };
type ResultEvent = Extract<CommandMachineEvent, { type: 'RESULT' }>;

const expiredError = (context: CommandMachineContext): CommandError => ({
  code: 'EXPIRED',
  message: `Not delivered before ${context.expiresAt === null ? 'its expiry' : new Date(context.expiresAt).toISOString()}`,
});

const initialContext = (input: CommandMachineInput): CommandMachineContext => ({
  ...input,
  sentAt: null,
  deliveredAt: null,
  completedAt: null,
  stage: null,
  result: null,
  error: null,
});

const commandLogic = setup({
  types: {
    context: {} as CommandMachineContext,
    events: {} as CommandMachineEvent,
    input: {} as CommandMachineInput,
  },
  guards: {
    ok: ({ event }) => (event as ResultEvent).ok,
    refusedAsExpired: ({ event }) => !(event as ResultEvent).ok && (event as ResultEvent).error?.code === 'EXPIRED',
    /** The device stopped it at its own timeout: the same end as the factory's deadline, whichever comes first. */
    reportedTimeout: ({ event }) => !(event as ResultEvent).ok && (event as ResultEvent).error?.code === 'TIMED_OUT',
    expiredAtSend: ({ context, event }) => context.expiresAt !== null && (event as At).at >= context.expiresAt,
    expiryDue: ({ context, event }) => event.type === 'DEADLINE' && context.expiresAt !== null && event.now >= context.expiresAt,
    timeoutDue: ({ context, event }) => event.type === 'DEADLINE' && context.deliveredAt !== null && event.now >= context.deliveredAt + context.timeoutMs,
  },
  actions: {
    sent: assign({ sentAt: ({ event }) => (event as At).at }),
    /** A result (or progress) may come without an ack: it still proves the device got the command. */
    delivered: assign({ deliveredAt: ({ context, event }) => context.deliveredAt ?? (event as At).at }),
    stage: assign({ stage: ({ event }) => (event as Extract<CommandMachineEvent, { type: 'PROGRESS' }>).stage }),
    succeeded: assign(({ event }) => ({ completedAt: (event as ResultEvent).at, result: (event as ResultEvent).result ?? null, error: null })),
    failed: assign(({ event }) => {
      const e = event as ResultEvent;
      return { completedAt: e.at, result: e.result ?? null, error: e.error ?? { code: 'FAILED', message: 'The device reported a failure without a reason' } };
    }),
    expiredAt: assign(({ context, event }) => ({ completedAt: (event as At).at, error: expiredError(context) })),
    expiredByDeadline: assign(({ context, event }) => ({
      // The deadline itself, not when the timer happened to fire (a restarted server fires late).
      completedAt: Math.min(context.expiresAt!, (event as Extract<CommandMachineEvent, { type: 'DEADLINE' }>).now),
      error: expiredError(context),
    })),
    refusedByDevice: assign(({ event }) => {
      const e = event as ResultEvent;
      return { completedAt: e.at, error: e.error ?? null, result: e.result ?? null };
    }),
    timedOut: assign(({ context }) => ({
      completedAt: context.deliveredAt! + context.timeoutMs,
      error: { code: 'TIMED_OUT', message: `No result within ${context.timeoutMs} ms of delivery` },
    })),
    canceled: assign(({ event }) => {
      const e = event as Extract<CommandMachineEvent, { type: 'CANCEL' }>;
      return { completedAt: e.at, error: { code: 'CANCELED', message: e.reason ?? 'Canceled before it was sent' } };
    }),
  },
});

export const commandMachine = commandLogic.createMachine({
  id: 'command',
  context: ({ input }) => initialContext(input),
  initial: 'QUEUED',
  states: {
    QUEUED: {
      on: {
        SEND: [
          { guard: 'expiredAtSend', target: 'EXPIRED', actions: 'expiredAt' },
          { target: 'SENT', actions: 'sent' },
        ],
        // The ack of a copy sent before the channel dropped.
        DELIVERED: { target: 'DELIVERED', actions: 'delivered' },
        PROGRESS: { target: 'DELIVERED', actions: ['delivered', 'stage'] },
        // A result is the same from every live state: the device ran it.
        RESULT: [
          { guard: 'ok', target: 'SUCCEEDED', actions: ['delivered', 'succeeded'] },
          { guard: 'refusedAsExpired', target: 'EXPIRED', actions: ['delivered', 'refusedByDevice'] },
          { guard: 'reportedTimeout', target: 'TIMED_OUT', actions: ['delivered', 'refusedByDevice'] },
          { target: 'FAILED', actions: ['delivered', 'failed'] },
        ],
        DEADLINE: { guard: 'expiryDue', target: 'EXPIRED', actions: 'expiredByDeadline' },
        CANCEL: { target: 'CANCELED', actions: 'canceled' },
      },
    },
    SENT: {
      on: {
        DEVICE_DISCONNECTED: 'QUEUED',
        DELIVERED: { target: 'DELIVERED', actions: 'delivered' },
        PROGRESS: { target: 'DELIVERED', actions: ['delivered', 'stage'] },
        RESULT: [
          { guard: 'ok', target: 'SUCCEEDED', actions: ['delivered', 'succeeded'] },
          { guard: 'refusedAsExpired', target: 'EXPIRED', actions: ['delivered', 'refusedByDevice'] },
          { guard: 'reportedTimeout', target: 'TIMED_OUT', actions: ['delivered', 'refusedByDevice'] },
          { target: 'FAILED', actions: ['delivered', 'failed'] },
        ],
        DEADLINE: { guard: 'expiryDue', target: 'EXPIRED', actions: 'expiredByDeadline' },
        // No CANCEL: the device may already be running it; only its result or the expiry ends it.
      },
    },
    DELIVERED: {
      on: {
        // A second ack (the command was sent twice) changes nothing; a closed channel neither: the
        // device keeps running it and reports after reconnecting, or the timeout ends it.
        PROGRESS: { actions: 'stage' },
        RESULT: [
          { guard: 'ok', target: 'SUCCEEDED', actions: 'succeeded' },
          { guard: 'refusedAsExpired', target: 'EXPIRED', actions: 'refusedByDevice' },
          { guard: 'reportedTimeout', target: 'TIMED_OUT', actions: 'refusedByDevice' },
          { target: 'FAILED', actions: 'failed' },
        ],
        DEADLINE: { guard: 'timeoutDue', target: 'TIMED_OUT', actions: 'timedOut' },
      },
    },
    SUCCEEDED: { type: 'final' },
    FAILED: { type: 'final' },
    TIMED_OUT: { type: 'final' },
    EXPIRED: { type: 'final' },
    CANCELED: { type: 'final' },
  },
});

export type CommandSnapshot = SnapshotFrom<typeof commandMachine>;

export const statusOf = (snapshot: CommandSnapshot): CommandStatus => snapshot.value as CommandStatus;

/** The next moment a DEADLINE event changes this command: its expiry while undelivered, delivery + timeout after; null once final. */
export function deadlineOf(snapshot: CommandSnapshot): number | null {
  const c = snapshot.context;
  switch (statusOf(snapshot)) {
    case 'QUEUED':
    case 'SENT':
      return c.expiresAt;
    case 'DELIVERED':
      return c.deliveredAt! + c.timeoutMs;
    default:
      return null;
  }
}

/** A snapshot of a stored command in `status`: how the service continues a command after a restart. */
export function restoreCommand(status: CommandStatus, context: CommandMachineContext): CommandSnapshot {
  return commandMachine.resolveState({ value: status, context });
}

/** A new command's snapshot: the same as the machine's initial one, without starting an actor scope (a group dispatch makes a thousand). */
export const newCommand = (input: CommandMachineInput): CommandSnapshot => restoreCommand('QUEUED', initialContext(input));
