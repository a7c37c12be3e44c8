import { randomUUID } from 'node:crypto';
import { queuedCommand } from './command-record.js';
import { type CommandStatus, FINAL_COMMAND_STATUSES } from '../../src/domain/device-commands.js';
import { DomainError } from '../../src/domain/domain-error.js';
import type { CommandPort, CommandRecord, DispatchRequest } from '../../src/domain/ports/command-port.js';

/** What a scripted device does with a command. */
export type FakeBehaviour =
  /** Answers after `afterMs` (0: in the next tick). */
  | { kind: 'succeed'; result?: unknown; afterMs?: number }
  /** Reports the result before dispatch() has even returned (a very fast device). */
  | { kind: 'instant'; result?: unknown }
  | { kind: 'fail'; error?: { code: string; message: string }; afterMs?: number }
  /** Offline: the command stays QUEUED until the test plays the device (`progress`, `finish`). */
  | { kind: 'queue' }
  /** Sent, never answered. */
  | { kind: 'silent' }
  /** dispatch() itself refuses (e.g. the device is gone). */
  | { kind: 'refuse'; error?: DomainError };

type CommandError = { code: string; message: string };

/**
 * The one CommandPort stand-in for tests of its users (routes, device groups, deployments, desired
 * config): commands follow a script per request (default: stay QUEUED until the test finishes them),
 * every change is announced through `publish` (the bus's `command.changed`, as the command service
 * does), and the calls are recorded — failed ones too — including how many were in flight at once.
 * `publish` is called at each change, so a closure over a restarted factory reaches its new bus.
 */
export function createFakeCommandPort(publish: (command: CommandRecord) => void, script: (request: DispatchRequest) => FakeBehaviour = () => ({ kind: 'queue' })) {
  const commands = new Map<string, CommandRecord>();
  const byKey = new Map<string, string>();
  const waiters = new Map<string, Set<(command: CommandRecord) => void>>();
  const dispatched: DispatchRequest[] = [];
  let nextError: Error | null = null;
  let inFlight = 0;
  let maxInFlight = 0;

  const change = (id: string, patch: Partial<CommandRecord>) => {
    const previous = commands.get(id);
    if (!previous) throw new Error(`no command ${id}`);
    const next = { ...previous, ...patch };
    commands.set(id, next);
    publish(next);
    if (FINAL_COMMAND_STATUSES.has(next.status)) {
      for (const wake of waiters.get(id) ?? []) wake(next);
      waiters.delete(id);
    }
    return next;
  };

  /** Finishes a command as its device would (or the service, for TIMED_OUT/EXPIRED/CANCELED). */
  const finish = (commandId: string, status: CommandStatus = 'SUCCEEDED', outcome: { result?: unknown; error?: CommandError } = {}) => {
    const now = new Date().toISOString();
    const previous = commands.get(commandId);
    // A device that did what was asked: for update_firmware, the new version answers as itself.
    const ran = status === 'SUCCEEDED' && previous?.type === 'update_firmware' ? { installed: true, softwareVersion: previous.params.version } : null;
    return change(commandId, {
      status,
      result: outcome.result ?? ran,
      error: outcome.error ?? null,
      sentAt: previous?.sentAt ?? now,
      deliveredAt: previous?.deliveredAt ?? now,
      completedAt: now,
    });
  };

  const port: CommandPort = {
    async dispatch(request) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        dispatched.push(request);
        if (nextError) {
          const error = nextError;
          nextError = null;
          throw error;
        }
        const key = request.idempotencyKey ? `${request.deviceId}|${request.idempotencyKey}` : null;
        if (key && byKey.has(key)) return commands.get(byKey.get(key)!)!;
        const behaviour = script(request);
        if (behaviour.kind === 'refuse') throw behaviour.error ?? new DomainError('NOT_FOUND', `Device ${request.deviceId} not found`);
        const now = new Date().toISOString();
        const id = randomUUID();
        const record = queuedCommand(id, request, now);
        commands.set(id, record);
        if (key) byKey.set(key, id);
        publish(record);
        if (behaviour.kind === 'queue') return record;
        const sent = change(id, { status: 'SENT', sentAt: now });
        const done = request.type === 'update_firmware' ? undefined : { ok: true };
        if (behaviour.kind === 'instant') finish(id, 'SUCCEEDED', { result: behaviour.result ?? done });
        if (behaviour.kind === 'succeed') setTimeout(() => finish(id, 'SUCCEEDED', { result: behaviour.result ?? done }), behaviour.afterMs ?? 0);
        if (behaviour.kind === 'fail') setTimeout(() => finish(id, 'FAILED', { error: behaviour.error ?? { code: 'FAILED', message: 'scripted failure' } }), behaviour.afterMs ?? 0);
        // The SENT record as dispatch saw it, even when the device already answered ('instant').
        return sent;
      } finally {
        inFlight--;
      }
    },

    waitForFinal(commandId, timeoutMs) {
      const current = commands.get(commandId);
      if (!current) return Promise.reject(new DomainError('NOT_FOUND', `Command ${commandId} not found`));
      if (FINAL_COMMAND_STATUSES.has(current.status)) return Promise.resolve(current);
      return new Promise((resolve) => {
        let set = waiters.get(commandId);
        if (!set) waiters.set(commandId, (set = new Set()));
        const wake = (command: CommandRecord) => {
          clearTimeout(timer);
          resolve(command);
        };
        const timer = setTimeout(() => {
          set.delete(wake);
          resolve(commands.get(commandId)!);
        }, timeoutMs);
        set.add(wake);
      });
    },

    /** Cancels a QUEUED command, as the service does; CONFLICT once it was sent. */
    async cancel(commandId) {
      const record = commands.get(commandId);
      if (!record) throw new DomainError('NOT_FOUND', `Command ${commandId} not found`);
      if (record.status !== 'QUEUED') throw new DomainError('CONFLICT', `Command ${commandId} is ${record.status}`);
      return change(commandId, { status: 'CANCELED', completedAt: new Date().toISOString() });
    },
    async get(commandId) {
      return commands.get(commandId) ?? null;
    },
  };

  const commandFor = (deviceId: string) => {
    const command = [...commands.values()].reverse().find((c) => c.deviceId === deviceId);
    if (!command) throw new Error(`no command for ${deviceId}`);
    return command;
  };

  return {
    port,
    dispatched,
    commands,
    maxInFlight: () => maxInFlight,
    /** The next dispatch throws this (e.g. a DomainError), after being recorded. */
    failNext(error: Error) {
      nextError = error;
    },
    /** The newest command for a device. */
    commandFor,
    /** The device reports a stage (command.progress). */
    progress(commandId: string, stage: string) {
      const previous = commands.get(commandId);
      const now = new Date().toISOString();
      return change(commandId, { status: 'DELIVERED', stage, sentAt: previous?.sentAt ?? now, deliveredAt: previous?.deliveredAt ?? now });
    },
    finish,
  };
}

export type FakeCommandPort = ReturnType<typeof createFakeCommandPort>;
