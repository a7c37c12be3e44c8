import { transition } from 'xstate';
import type { AuditActor, AuditEntry } from '../../../adapters/store/factory/audit-log.js';
import type { CommandFilter, CommandStore, InsertOutcome, StoredCommand } from '../../../adapters/store/factory/command-store.js';
import { type CommandMachineEvent, type CommandSnapshot, commandMachine, deadlineOf, statusOf } from '../../../machines/factory/command.machine.js';
import type { ChannelMessage, ChannelPayload } from '../../domain/device-channel.js';
import { commandParamsSchemas, FINAL_COMMAND_STATUSES } from '../../domain/device-commands.js';
import { DomainError } from '../../domain/domain-error.js';
import { nextId } from '../../domain/ids.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { Logger } from '../../runtime/logger.js';
import type { DeviceChannelPort } from '../extension.js';
import type { FactoryEvent } from '../factory-events.js';
import type { CommandPort, CommandRecord, DispatchRequest } from '../../domain/ports/command-port.js';
import { execShellOutcome, initialSnapshot, publicRecord, snapshotOf, withSnapshot } from './command-records.js';
import { createNearestDeadlineTimer } from '../../../adapters/timers/nearest-deadline-timer.js';
import { createCommandWriter } from './command-writer.js';

export interface CommandServiceOptions {
  store: CommandStore;
  channel: DeviceChannelPort;
  bus: EventBus<FactoryEvent>;
  logger: Logger;
  deviceExists: (deviceId: string) => boolean;
  defaultTimeoutMs: number;
  now?: () => number;
}

/** A command not yet final (or whose final change is not yet stored): what the service drives. */
interface Live {
  snapshot: CommandSnapshot;
  /** As the machine last left it (may be ahead of storage by one commit). */
  current: StoredCommand;
  /** As last stored and published: what readers get. */
  visible: StoredCommand;
  deadline: number | null;
}

const byAge = (a: Live, b: Live) => a.current.createdAt.localeCompare(b.current.createdAt) || a.current.id.localeCompare(b.current.id);
const createdByOf = (actor: AuditActor) => ('userId' in actor ? actor.username : 'deviceId' in actor ? `device:${actor.deviceId}` : `system:${actor.system}`);

/**
 * Device commands on the factory (ThingsBoard's persistent RPC): every command is stored, sent
 * when its device's channel is open (at once, or when it reconnects), and followed through its
 * lifecycle by the pure command machine. Every change is stored, then published as
 * `command.changed`. Deadlines (expiry while undelivered, timeout after delivery) live in the
 * table; ONE timer is armed for the nearest, so they survive a restart.
 */
export async function createCommandService(options: CommandServiceOptions) {
  const { store, channel, bus, logger } = options;
  const now = options.now ?? Date.now;
  const live = new Map<string, Live>();
  const byDevice = new Map<string, Set<string>>();
  const waiters = new Map<string, Set<(command: CommandRecord) => void>>();
  let stopped = false;

  const forget = (command: StoredCommand) => {
    live.delete(command.id);
    const ids = byDevice.get(command.deviceId);
    ids?.delete(command.id);
    if (ids?.size === 0) byDevice.delete(command.deviceId);
  };

  /** A change is stored: readers see it, the bus hears it, and a final one settles its waiters. */
  const published = (command: StoredCommand) => {
    const entry = live.get(command.id);
    if (entry) entry.visible = command;
    const record = publicRecord(command);
    if (FINAL_COMMAND_STATUSES.has(command.status)) {
      forget(command);
      const settle = waiters.get(command.id);
      waiters.delete(command.id);
      settle?.forEach((resolve) => resolve(record));
    }
    bus.publish({ type: 'command.changed', command: record });
  };

  const writer = createCommandWriter({
    store,
    logger,
    onSaved: published,
    onInserted: (outcomes: InsertOutcome[]) => {
      for (const { command, created } of outcomes) {
        if (!created || live.has(command.id)) continue;
        track(command, initialSnapshot(command));
        published(command);
        trySend(live.get(command.id)!);
      }
    },
  });

  const track = (command: StoredCommand, snapshot: CommandSnapshot) => {
    const entry: Live = { snapshot, current: command, visible: command, deadline: deadlineOf(snapshot) };
    live.set(command.id, entry);
    let ids = byDevice.get(command.deviceId);
    if (!ids) byDevice.set(command.deviceId, (ids = new Set()));
    ids.add(command.id);
    armFor(entry.deadline);
  };

  /** Takes the machine's next snapshot: stores it (with `audits` in the same transaction) and re-arms the deadline. */
  const commit = (entry: Live, next: CommandSnapshot, audits: AuditEntry[] = []) => {
    entry.snapshot = next;
    entry.current = withSnapshot(entry.current, next);
    entry.deadline = deadlineOf(next);
    if (entry.current.type === 'exec_shell' && FINAL_COMMAND_STATUSES.has(entry.current.status)) audits.push(execShellOutcome(entry.current));
    writer.save(entry.current, audits);
    armFor(entry.deadline);
  };

  /** Applies one event; false when the machine ignores it in the command's state. */
  const apply = (entry: Live, event: CommandMachineEvent, audits: AuditEntry[] = []): boolean => {
    const [next] = transition(commandMachine, entry.snapshot, event);
    if (next === entry.snapshot) return false;
    commit(entry, next, audits);
    return true;
  };

  const commandMessage = (c: CommandRecord): ChannelPayload<'command'> => ({ commandId: c.id, type: c.type, params: c.params, expiresAt: c.expiresAt, timeoutMs: c.timeoutMs });

  /** Hands a QUEUED command to its device's channel, if open (an expired one expires instead). */
  const trySend = (entry: Live) => {
    if (stopped || statusOf(entry.snapshot) !== 'QUEUED' || !channel.isConnected(entry.current.deviceId)) return;
    const [next] = transition(commandMachine, entry.snapshot, { type: 'SEND', at: now() });
    if (statusOf(next) === 'SENT' && !channel.sendTo(entry.current.deviceId, 'command', commandMessage(entry.current))) return;
    commit(entry, next);
  };

  /**
   * A delivered command whose result may have been lost with the old channel: asked again, the
   * edge answers from its stored result (or acks again while it still runs). Its state does not
   * change; only the result or the timeout ends it.
   */
  const askAgain = (entry: Live) => {
    if (!stopped && statusOf(entry.snapshot) === 'DELIVERED') channel.sendTo(entry.current.deviceId, 'command', commandMessage(entry.current));
  };

  const deviceEntries = (deviceId: string) => [...(byDevice.get(deviceId) ?? [])].map((id) => live.get(id)!).sort(byAge);

  // Deadlines: one timer, for the nearest; on fire, DEADLINE to every command that is due.
  const deadlines = createNearestDeadlineTimer({
    now,
    onFire: (at) => {
      let nearest: number | null = null;
      for (const entry of [...live.values()]) {
        if (entry.deadline !== null && entry.deadline <= at) apply(entry, { type: 'DEADLINE', now: at });
        if (entry.deadline !== null && (nearest === null || entry.deadline < nearest)) nearest = entry.deadline;
      }
      return nearest;
    },
  });
  const armFor = (at: number | null) => deadlines.armFor(at);

  const refuse = async (request: DispatchRequest, error: DomainError): Promise<never> => {
    await store
      .refused({ actor: request.actor, action: 'command.dispatch', entityType: 'command', entityId: null, outcome: 'failure', detail: `${error.kind}: ${error.message}`, after: { deviceId: request.deviceId, type: request.type } })
      .catch((failure: unknown) => logger.error({ err: failure }, 'could not audit a refused command'));
    throw error;
  };

  // ── start: continue what the table holds ──
  for (const command of await store.live()) {
    track(command, snapshotOf(command));
    // Sent by a previous run over a channel that no longer exists: it goes out again on reconnect.
    apply(live.get(command.id)!, { type: 'DEVICE_DISCONNECTED' });
  }
  if (live.size > 0) logger.info({ commands: live.size }, 'continuing pending device commands');

  const service = {
    async dispatch(request: DispatchRequest): Promise<CommandRecord> {
      if (stopped) throw new DomainError('UNAVAILABLE', 'The command service is stopping');
      if (!options.deviceExists(request.deviceId)) return refuse(request, new DomainError('NOT_FOUND', `Device ${request.deviceId} not found`));
      const schema = commandParamsSchemas[request.type];
      if (!schema) return refuse(request, new DomainError('INVALID', `Unknown command type "${String(request.type)}"`));
      const params = schema.safeParse(request.params ?? {});
      if (!params.success) {
        const issue = params.error.issues[0];
        return refuse(request, new DomainError('INVALID', `Invalid params for ${request.type}`, { field: ['params', ...(issue?.path ?? [])].join('.'), reason: issue?.message ?? 'invalid' }));
      }
      const timeoutMs = request.timeoutMs ?? options.defaultTimeoutMs;
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) return refuse(request, new DomainError('INVALID', 'timeoutMs must be a positive whole number of milliseconds'));
      const expires = request.expiresAt == null ? null : Date.parse(request.expiresAt);
      if (expires !== null && Number.isNaN(expires)) return refuse(request, new DomainError('INVALID', 'expiresAt must be an ISO-8601 date-time'));

      const expiresAt = expires === null ? null : new Date(expires).toISOString();
      const command: StoredCommand = {
        id: nextId('cmd-'),
        deviceId: request.deviceId,
        type: request.type,
        params: params.data as Record<string, unknown>,
        status: 'QUEUED',
        idempotencyKey: request.idempotencyKey ?? null,
        timeoutMs,
        expiresAt,
        deadlineAt: expiresAt,
        createdBy: createdByOf(request.actor),
        createdAt: new Date(now()).toISOString(),
        sentAt: null,
        deliveredAt: null,
        completedAt: null,
        stage: null,
        result: null,
        error: null,
      };
      const outcome = await writer.insert({ command, actor: request.actor });
      return publicRecord(live.get(outcome.command.id)?.current ?? outcome.command);
    },

    async waitForFinal(commandId: string, timeoutMs: number): Promise<CommandRecord> {
      const entry = live.get(commandId);
      if (!entry) {
        const stored = await store.get(commandId);
        if (!stored) throw new DomainError('NOT_FOUND', `Command ${commandId} not found`);
        return publicRecord(stored);
      }
      return new Promise((resolve) => {
        let settle = waiters.get(commandId);
        if (!settle) waiters.set(commandId, (settle = new Set()));
        const done = (command: CommandRecord) => {
          clearTimeout(timeout);
          resolve(command);
        };
        const timeout = setTimeout(() => {
          settle.delete(done);
          resolve(publicRecord(entry.visible));
        }, Math.max(0, timeoutMs));
        settle.add(done);
      });
    },

    async get(commandId: string): Promise<CommandRecord | null> {
      const entry = live.get(commandId);
      if (entry) return publicRecord(entry.visible);
      const stored = await store.get(commandId);
      return stored && publicRecord(stored);
    },

    /** A device's commands, newest first. */
    async list(deviceId: string, filter: CommandFilter): Promise<{ items: CommandRecord[]; total: number }> {
      const page = await store.list(deviceId, filter);
      return { items: page.items.map(publicRecord), total: page.total };
    },

    /** Cancels a command not yet sent (QUEUED); CONFLICT once the device may have it. */
    async cancel(commandId: string, actor: AuditActor): Promise<CommandRecord> {
      const entry = live.get(commandId);
      const status = entry ? statusOf(entry.snapshot) : (await store.get(commandId))?.status;
      if (!status) throw new DomainError('NOT_FOUND', `Command ${commandId} not found`);
      const audit: AuditEntry = { actor, action: 'command.cancel', entityType: 'command', entityId: commandId, outcome: 'success', before: { status } };
      if (!entry || !apply(entry, { type: 'CANCEL', at: now() }, [{ ...audit, after: { status: 'CANCELED' } }])) {
        const error = new DomainError('CONFLICT', `Command ${commandId} is ${status}: only a QUEUED command can be canceled`);
        await store.refused({ ...audit, outcome: 'failure', detail: `CONFLICT: ${error.message}` }).catch(() => undefined);
        throw error;
      }
      return service.waitForFinal(commandId, 10_000);
    },

    onDeviceConnected(deviceId: string): void {
      // After the welcome (the hub sends it once this returns), oldest first.
      setImmediate(() => {
        for (const entry of deviceEntries(deviceId)) {
          // Sent over an earlier channel and never acknowledged: send it again (the edge runs an id once).
          if (statusOf(entry.snapshot) === 'SENT') apply(entry, { type: 'DEVICE_DISCONNECTED' });
          trySend(entry);
          askAgain(entry);
        }
      });
    },

    onDeviceDisconnected(deviceId: string): void {
      for (const entry of deviceEntries(deviceId)) apply(entry, { type: 'DEVICE_DISCONNECTED' });
    },

    /** command.ack / command.progress / command.result from a device; anything about a command it does not own, or one already final, is ignored. */
    onDeviceMessage(deviceId: string, message: ChannelMessage): void {
      const at = now();
      let event: CommandMachineEvent;
      let commandId: string;
      if (message.type === 'command.ack') {
        commandId = (message.payload as ChannelPayload<'command.ack'>).commandId;
        event = { type: 'DELIVERED', at };
      } else if (message.type === 'command.progress') {
        const p = message.payload as ChannelPayload<'command.progress'>;
        commandId = p.commandId;
        event = { type: 'PROGRESS', at, stage: p.stage };
      } else if (message.type === 'command.result') {
        const p = message.payload as ChannelPayload<'command.result'>;
        commandId = p.commandId;
        event = { type: 'RESULT', at, ok: p.ok, ...(p.result !== undefined ? { result: p.result } : {}), ...(p.error ? { error: p.error } : {}) };
      } else {
        return;
      }
      const entry = live.get(commandId);
      if (!entry || entry.current.deviceId !== deviceId) {
        logger.debug({ deviceId, commandId, type: message.type }, 'message about an unknown or finished command ignored');
        return;
      }
      apply(entry, event);
    },

    /** A removed device's commands that never reached it are canceled. */
    onDeviceRemoved(deviceId: string): void {
      for (const entry of deviceEntries(deviceId)) {
        apply(entry, { type: 'DEVICE_DISCONNECTED' });
        apply(entry, { type: 'CANCEL', at: now(), reason: 'The device was removed' });
      }
    },

    /** Live commands (tests, diagnostics). */
    pendingCount: () => live.size,

    async stop(): Promise<void> {
      stopped = true;
      deadlines.stop();
      await writer.stop();
      for (const [id, settle] of waiters) {
        const entry = live.get(id);
        if (entry) settle.forEach((resolve) => resolve(publicRecord(entry.visible)));
      }
      waiters.clear();
    },
  };
  return service satisfies CommandPort;
}

export type CommandService = Awaited<ReturnType<typeof createCommandService>>;
