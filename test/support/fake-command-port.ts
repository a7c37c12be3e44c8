import crypto from 'node:crypto';
import { DomainError } from '../../src/domain/domain-error.js';
import { queuedCommand } from './command-record.js';
import { type CommandStatus, FINAL_COMMAND_STATUSES } from '../../src/domain/device-commands.js';
import type { CommandPort, CommandRecord, DispatchRequest } from '../../src/factory/commands/command-port.js';
import type { FactoryEvent } from '../../src/factory/factory-events.js';
import type { EventBus } from '../../src/runtime/event-bus.js';

export interface FakeCommands {
  records: Map<string, CommandRecord>;
  dispatched: DispatchRequest[];
  port: CommandPort;
  /** Finishes a command as its device would, announcing it on the bus like the command service. */
  finish(commandId: string, result?: unknown, status?: CommandStatus, error?: { code: string; message: string }): CommandRecord;
  /** The next dispatch throws this (e.g. a DomainError). */
  failNext(error: Error): void;
}

/** A command service stand-in: dispatches are recorded and stay QUEUED until a test finishes them. */
export function fakeCommandPort(bus: EventBus<FactoryEvent>): FakeCommands {
  const records = new Map<string, CommandRecord>();
  const dispatched: DispatchRequest[] = [];
  const waiters = new Map<string, Array<(record: CommandRecord) => void>>();
  let nextError: Error | null = null;
  const fake: FakeCommands = {
    records,
    dispatched,
    port: {
      async dispatch(request) {
        if (nextError) {
          const error = nextError;
          nextError = null;
          throw error;
        }
        dispatched.push(request);
        const record = queuedCommand(crypto.randomUUID(), request);
        records.set(record.id, record);
        return record;
      },
      async waitForFinal(commandId, timeoutMs) {
        const record = records.get(commandId);
        if (!record) throw new Error(`no command ${commandId}`);
        if (FINAL_COMMAND_STATUSES.has(record.status)) return record;
        return new Promise<CommandRecord>((resolve) => {
          const timer = setTimeout(() => resolve(records.get(commandId)!), timeoutMs);
          waiters.set(commandId, [...(waiters.get(commandId) ?? []), (r) => (clearTimeout(timer), resolve(r))]);
        });
      },
      /** Cancels a QUEUED command, as the service does; CONFLICT once it was sent. */
      async cancel(commandId) {
        const record = records.get(commandId);
        if (!record) throw new DomainError('NOT_FOUND', `Command ${commandId} not found`);
        if (record.status !== 'QUEUED') throw new DomainError('CONFLICT', `Command ${commandId} is ${record.status}`);
        return fake.finish(commandId, null, 'CANCELED');
      },
      async get(commandId) {
        return records.get(commandId) ?? null;
      },
    },
    finish(commandId, result = null, status = 'SUCCEEDED', error) {
      const previous = records.get(commandId);
      if (!previous) throw new Error(`no command ${commandId}`);
      const now = new Date().toISOString();
      const record: CommandRecord = {
        ...previous,
        status,
        result,
        error: error ?? null,
        sentAt: previous.sentAt ?? now,
        deliveredAt: previous.deliveredAt ?? now,
        completedAt: now,
      };
      records.set(commandId, record);
      bus.publish({ type: 'command.changed', command: record });
      for (const wake of waiters.get(commandId) ?? []) wake(record);
      waiters.delete(commandId);
      return record;
    },
    failNext(error) {
      nextError = error;
    },
  };
  return fake;
}
