import { randomUUID } from 'node:crypto';
import { queuedCommand } from './command-record.js';
import { type CommandStatus, FINAL_COMMAND_STATUSES } from '../../src/domain/device-commands.js';
import { DomainError } from '../../src/domain/domain-error.js';
import type { CommandPort, CommandRecord, DispatchRequest } from '../../src/factory/commands/command-port.js';

/** What a scripted device does with a command. */
export type FakeBehaviour =
  /** Answers after `afterMs` (0: in the next tick). */
  | { kind: 'succeed'; result?: unknown; afterMs?: number }
  /** Reports the result before dispatch() has even returned (a very fast device). */
  | { kind: 'instant'; result?: unknown }
  | { kind: 'fail'; error?: { code: string; message: string }; afterMs?: number }
  /** Offline: the command stays QUEUED. */
  | { kind: 'queue' }
  /** Sent, never answered. */
  | { kind: 'silent' }
  /** dispatch() itself refuses (e.g. the device is gone). */
  | { kind: 'refuse'; error?: DomainError };

/**
 * A CommandPort for tests of its users (device groups, deployments): commands follow a script per
 * device, every change is announced through `publish` (the bus's `command.changed`), and the
 * calls are recorded, including how many dispatches were in flight at once.
 */
export function createScriptedCommandPort(publish: (command: CommandRecord) => void, script: (request: DispatchRequest) => FakeBehaviour) {
  const commands = new Map<string, CommandRecord>();
  const byKey = new Map<string, string>();
  const waiters = new Map<string, Set<(command: CommandRecord) => void>>();
  const dispatched: DispatchRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const change = (id: string, patch: Partial<CommandRecord>) => {
    const next = { ...commands.get(id)!, ...patch };
    commands.set(id, next);
    publish(next);
    if (FINAL_COMMAND_STATUSES.has(next.status)) {
      for (const wake of waiters.get(id) ?? []) wake(next);
      waiters.delete(id);
    }
  };

  const port: CommandPort = {
    async dispatch(request) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        dispatched.push(request);
        if (request.idempotencyKey && byKey.has(`${request.deviceId}|${request.idempotencyKey}`)) {
          return commands.get(byKey.get(`${request.deviceId}|${request.idempotencyKey}`)!)!;
        }
        const behaviour = script(request);
        if (behaviour.kind === 'refuse') throw behaviour.error ?? new DomainError('NOT_FOUND', `Device ${request.deviceId} not found`);
        const now = new Date().toISOString();
        const id = randomUUID();
        const record = queuedCommand(id, request, now);
        commands.set(id, record);
        if (request.idempotencyKey) byKey.set(`${request.deviceId}|${request.idempotencyKey}`, id);
        publish(record);
        if (behaviour.kind === 'queue') return commands.get(id)!;
        change(id, { status: 'SENT', sentAt: now });
        const finish = (patch: Partial<CommandRecord>) => change(id, { ...patch, completedAt: new Date().toISOString() });
        if (behaviour.kind === 'instant') finish({ status: 'SUCCEEDED', result: behaviour.result ?? { ok: true } });
        if (behaviour.kind === 'succeed') setTimeout(() => finish({ status: 'SUCCEEDED', result: behaviour.result ?? { ok: true } }), behaviour.afterMs ?? 0);
        if (behaviour.kind === 'fail') setTimeout(() => finish({ status: 'FAILED', error: behaviour.error ?? { code: 'FAILED', message: 'scripted failure' } }), behaviour.afterMs ?? 0);
        // The SENT record as dispatch saw it, even when the device already answered ('instant').
        return { ...commands.get(id)!, status: 'SENT', completedAt: null, result: null };
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
      change(commandId, { status: 'CANCELED', completedAt: new Date().toISOString() });
      return commands.get(commandId)!;
    },
    async get(commandId) {
      return commands.get(commandId) ?? null;
    },
  };

  return {
    port,
    dispatched,
    commands,
    maxInFlight: () => maxInFlight,
    /** Finishes a command by hand (an offline device that came back). */
    complete(commandId: string, status: CommandStatus = 'SUCCEEDED') {
      change(commandId, { status, completedAt: new Date().toISOString(), ...(status === 'SUCCEEDED' ? { result: { ok: true } } : {}) });
    },
  };
}

export type ScriptedCommandPort = ReturnType<typeof createScriptedCommandPort>;
