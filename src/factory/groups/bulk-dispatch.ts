import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { type AuditActor, recordAudit } from '../../../adapters/store/factory/audit-log.js';
import type { CommandStatus, CommandType } from '../../domain/device-commands.js';
import { DomainError } from '../../domain/domain-error.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { Logger } from '../../runtime/logger.js';
import type { CommandPort, CommandRecord } from '../../domain/ports/command-port.js';
import type { BulkDispatchRequest } from '../../domain/ports/bulk-dispatch-request.js';
import type { FactoryEvent } from '../factory-events.js';
import { BulkTally, type BulkSummary, isFinal, summarize } from './bulk-progress.js';

export type { BulkDispatchRequest };

export interface BulkResultItem {
  deviceId: string;
  /** null when the command could not be dispatched at all (error says why). */
  commandId: string | null;
  status: CommandStatus;
  result?: unknown;
  error?: { code: string; message: string };
}

export interface BulkOutcome {
  bulkId: string;
  groupId: string;
  type: CommandType;
  summary: BulkSummary;
  results: BulkResultItem[];
}

export interface BulkDispatcherOptions {
  db: Knex;
  bus: EventBus<FactoryEvent>;
  logger: Logger;
  /** Looked up at each dispatch: the command service registers itself after this extension may have started. */
  commands: () => CommandPort | undefined;
  /** Is the device's channel open now (an offline member's command stays queued; nobody waits for it). */
  isConnected: (deviceId: string) => boolean;
  /** Dispatches in flight at once: enough to keep the command service busy, few enough not to flood storage. */
  concurrency?: number;
  /** The command service's default timeout (what a command without timeoutMs gets). */
  defaultTimeoutMs?: number;
  /** The longest a request is held open waiting for results. */
  maxWaitMs?: number;
  /** Waited beyond a command's timeout: its TIMED_OUT is decided by the service's deadline timer, then stored. */
  graceMs?: number;
  /** Dashboard progress messages at most this often (the last one always goes out). */
  progressIntervalMs?: number;
  /** How long a bulk still reports progress after the response (offline members reconnecting). */
  trackForMs?: number;
}

interface ActiveBulk {
  tally: BulkTally;
  commandIds: Set<string>;
  /** Members whose dispatch has not returned yet: their command's events may arrive first. */
  dispatching: Set<string>;
  early: Map<string, CommandRecord>;
  timer: NodeJS.Timeout | null;
  lastPushAt: number;
  expiry: NodeJS.Timeout | null;
}

/** Runs `work` over `items` with at most `limit` in flight, in item order of start. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const errorOf = (error: unknown) =>
  error instanceof DomainError ? { code: error.kind, message: error.message } : { code: 'UNAVAILABLE', message: error instanceof Error ? error.message : String(error) };

/**
 * Bulk dispatch to a device group: one command per member through the CommandPort, concurrently,
 * with per-device results, a summary, and live progress on /ws/dashboard (`command_progress`) as
 * `command.changed` events arrive on the bus.
 */
export function createBulkDispatcher(options: BulkDispatcherOptions) {
  const concurrency = options.concurrency ?? 200;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const graceMs = options.graceMs ?? 1_000;
  const progressIntervalMs = options.progressIntervalMs ?? 100;
  const trackForMs = options.trackForMs ?? 15 * 60_000;
  const byCommand = new Map<string, ActiveBulk>();
  const byDispatchingDevice = new Map<string, Set<ActiveBulk>>();
  const active = new Set<ActiveBulk>();

  const push = (bulk: ActiveBulk) => {
    if (bulk.timer) clearTimeout(bulk.timer);
    bulk.timer = null;
    bulk.lastPushAt = Date.now();
    options.bus.publish({ type: 'dashboard.push', message: { type: 'command_progress', data: bulk.tally.progress() } });
  };

  const finish = (bulk: ActiveBulk) => {
    if (!active.delete(bulk)) return;
    for (const id of bulk.commandIds) byCommand.delete(id);
    if (bulk.expiry) clearTimeout(bulk.expiry);
    if (bulk.timer) clearTimeout(bulk.timer);
    bulk.timer = null;
  };

  /** Progress is coalesced (a 1,000-device bulk does not send 1,000 messages a second); completion always goes out at once. */
  const changed = (bulk: ActiveBulk) => {
    if (bulk.tally.complete) {
      push(bulk);
      finish(bulk);
      return;
    }
    if (bulk.timer) return;
    const wait = Math.max(0, bulk.lastPushAt + progressIntervalMs - Date.now());
    bulk.timer = setTimeout(() => push(bulk), wait);
    bulk.timer.unref();
  };

  const record = (bulk: ActiveBulk, deviceId: string, status: CommandStatus | 'REFUSED') => {
    if (active.has(bulk) && bulk.tally.record(deviceId, status)) changed(bulk);
  };

  /** A dispatch returned: from now on the command's events are matched by its id. */
  const dispatched = (bulk: ActiveBulk, deviceId: string, command: CommandRecord): CommandRecord => {
    stopDispatching(bulk, deviceId);
    const latest = bulk.early.get(command.id) ?? command;
    bulk.early.delete(command.id);
    if (active.has(bulk)) {
      bulk.commandIds.add(command.id);
      byCommand.set(command.id, bulk);
    }
    record(bulk, deviceId, latest.status);
    return latest;
  };

  const stopDispatching = (bulk: ActiveBulk, deviceId: string) => {
    bulk.dispatching.delete(deviceId);
    const bulks = byDispatchingDevice.get(deviceId);
    bulks?.delete(bulk);
    if (bulks?.size === 0) byDispatchingDevice.delete(deviceId);
  };

  return {
    /** Feed of the bus's `command.changed`. */
    onCommandChanged(command: CommandRecord): void {
      const bulk = byCommand.get(command.id);
      if (bulk) return record(bulk, command.deviceId, command.status);
      // The command may finish before its dispatch call has returned to us: keep it until it does.
      for (const waiting of byDispatchingDevice.get(command.deviceId) ?? []) waiting.early.set(command.id, command);
    },

    async dispatch(request: BulkDispatchRequest): Promise<BulkOutcome> {
      const port = options.commands();
      if (!port) throw new DomainError('UNAVAILABLE', 'Device commands are not available on this server');
      const bulkId = randomUUID();
      const waitMs = Math.min(maxWaitMs, (request.timeoutMs ?? defaultTimeoutMs) + graceMs);
      const deadline = Date.now() + waitMs;
      const bulk: ActiveBulk = {
        tally: new BulkTally(bulkId, request.groupId, request.deviceIds.length),
        commandIds: new Set(),
        dispatching: new Set(request.deviceIds),
        early: new Map(),
        timer: null,
        lastPushAt: 0,
        expiry: null,
      };
      active.add(bulk);
      bulk.expiry = setTimeout(() => finish(bulk), Math.max(trackForMs, waitMs));
      bulk.expiry.unref();
      for (const deviceId of request.deviceIds) {
        let bulks = byDispatchingDevice.get(deviceId);
        if (!bulks) byDispatchingDevice.set(deviceId, (bulks = new Set()));
        bulks.add(bulk);
      }

      const results: BulkResultItem[] = new Array(request.deviceIds.length);
      const settle = (index: number, deviceId: string, command: CommandRecord) => {
        results[index] = {
          deviceId,
          commandId: command.id,
          status: command.status,
          ...(command.result !== undefined && command.result !== null ? { result: command.result } : {}),
          ...(command.error ? { error: command.error } : {}),
        };
      };

      await forEachLimited(request.deviceIds, concurrency, async (deviceId, index) => {
        let command: CommandRecord;
        try {
          command = await port.dispatch({
            deviceId,
            type: request.type,
            params: request.params,
            actor: request.actor,
            ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
            ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt } : {}),
            ...(request.idempotencyKey ? { idempotencyKey: `${request.idempotencyKey}:${deviceId}` } : {}),
          });
        } catch (error) {
          stopDispatching(bulk, deviceId);
          record(bulk, deviceId, 'REFUSED');
          results[index] = { deviceId, commandId: null, status: 'FAILED', error: errorOf(error) };
          return;
        }
        command = dispatched(bulk, deviceId, command);
        settle(index, deviceId, command);
        // Nobody waits for a command queued for an offline member: it stays pending (and is
        // still tracked for progress) until the device reconnects or the command expires.
        if (!request.wait || isFinal(command) || (command.status === 'QUEUED' && !options.isConnected(deviceId))) return;
        try {
          const latest = await port.waitForFinal(command.id, Math.max(0, deadline - Date.now()));
          record(bulk, deviceId, latest.status);
          settle(index, deviceId, latest);
        } catch (error) {
          options.logger.warn({ err: error, commandId: command.id, bulkId }, 'waiting for a bulk command failed');
        }
      });

      const summary = summarize(results.map((r) => (r.commandId === null ? 'REFUSED' : r.status)));
      await recordAudit(options.db, {
        actor: request.actor,
        action: 'group.command.dispatch',
        entityType: 'device_group',
        entityId: request.groupId,
        after: { bulkId, type: request.type, params: request.params, idempotencyKey: request.idempotencyKey ?? null, summary },
        outcome: 'success',
      }).catch((error: unknown) => options.logger.error({ err: error, bulkId }, 'audit of a bulk dispatch failed'));
      // Where it stands as the caller gets the answer (and the end of an empty group's bulk).
      if (active.has(bulk)) {
        push(bulk);
        if (bulk.tally.complete) finish(bulk);
      }
      return { bulkId, groupId: request.groupId, type: request.type, summary, results };
    },

    /** Bulks still reporting progress (tests, diagnostics). */
    activeCount: () => active.size,

    stop(): void {
      for (const bulk of [...active]) finish(bulk);
      byDispatchingDevice.clear();
    },
  };
}

export type BulkDispatcher = ReturnType<typeof createBulkDispatcher>;
