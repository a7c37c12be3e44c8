import type { Knex } from 'knex';
import { type AuditActor, audited } from '../../../adapters/store/factory/audit-log.js';
import { createDeviceConfigStore, emptyDeviceConfig } from '../../../adapters/store/factory/device-config-store.js';
import type { EdgeRuntimeConfig } from '../../domain/device-commands.js';
import { DomainError } from '../../domain/domain-error.js';
import type { Logger } from '../../runtime/logger.js';
import type { CommandPort, CommandRecord } from '../../domain/ports/command-port.js';
import { type DeviceConfigView, deviceConfigView } from './config-view.js';

export interface ConfigUpdate {
  deviceId: string;
  /** The version the caller last read (0 when the device had none). */
  version: number;
  config: EdgeRuntimeConfig;
  push: boolean;
  actor: AuditActor;
}

export interface ConfigUpdateResult extends DeviceConfigView {
  /** The push_config command carrying this version (null when not pushed, or when the dispatch failed). */
  command: { id: string; status: string } | null;
  /** Why the push could not be dispatched; the new version is stored all the same. */
  pushError?: { code: string; message: string };
}

export interface DeviceConfigServiceOptions {
  db: Knex;
  logger: Logger;
  /** Looked up at each push: the command service registers itself after this one may have started (and tests swap in a fake). */
  commands: () => CommandPort | undefined;
}

/** What a push_config command returns when the edge applied it. */
const appliedResult = (result: unknown): { version: number; applied: unknown } | null => {
  const r = result as { version?: unknown; applied?: unknown } | null;
  return r && typeof r.version === 'number' && Number.isInteger(r.version) ? { version: r.version, applied: r.applied ?? null } : null;
};

const actorName = (actor: AuditActor) => ('userId' in actor ? actor.username : 'deviceId' in actor ? `device:${actor.deviceId}` : actor.system);

/**
 * Desired device config, like a device shadow: the factory stores a versioned desired config per
 * device (optimistic concurrency: a writer must name the version it read), pushes it to the edge
 * as a push_config command, and keeps what the edge reports it applied beside it.
 */
export function createDeviceConfigService(options: DeviceConfigServiceOptions) {
  const { db, logger } = options;
  const store = createDeviceConfigStore(db);
  const pending = new Set<Promise<unknown>>();

  async function view(deviceId: string): Promise<DeviceConfigView> {
    const record = await store.get(deviceId);
    if (record) return deviceConfigView(record);
    const device = (await db('devices').where({ id: deviceId }).first('id')) as { id: string } | undefined;
    if (!device) throw new DomainError('NOT_FOUND', `Device ${deviceId} not found`);
    return deviceConfigView(emptyDeviceConfig(deviceId));
  }

  async function push(update: ConfigUpdate, version: number, commands: CommandPort): Promise<Pick<ConfigUpdateResult, 'command' | 'pushError'>> {
    try {
      const command = await commands.dispatch({ deviceId: update.deviceId, type: 'push_config', params: { version, config: update.config }, actor: update.actor });
      await store.setLastCommand(update.deviceId, command.id);
      return { command: { id: command.id, status: command.status } };
    } catch (error) {
      // The new version is committed; the caller can push it again with PUT (same config, new version) or a command.
      logger.warn({ err: error, deviceId: update.deviceId, version }, 'desired config stored but not pushed');
      const code = error instanceof DomainError ? error.kind : 'UNAVAILABLE';
      return { command: null, pushError: { code, message: error instanceof Error ? error.message : String(error) } };
    }
  }

  async function update(update: ConfigUpdate): Promise<ConfigUpdateResult> {
    const commands = update.push ? options.commands() : undefined;
    // Refused before anything is stored: a caller asking to push must not get a silently unpushed version.
    if (update.push && !commands) throw new DomainError('UNAVAILABLE', 'Device commands are not available on this factory: store the config with push: false');
    const stored = await audited(db, { actor: update.actor, action: 'device.config.update', entityType: 'device_config', entityId: update.deviceId }, async (trx) => {
      const { before, after } = await store.putDesired(trx, {
        deviceId: update.deviceId,
        expectedVersion: update.version,
        desired: update.config,
        updatedBy: actorName(update.actor),
      });
      return { result: after, before: { version: before.version, desired: before.desired }, after: { version: after.version, desired: after.desired, push: update.push } };
    });
    const pushed = commands ? await push(update, stored.version, commands) : { command: null };
    const record = (await store.get(update.deviceId)) ?? stored;
    return { ...deviceConfigView(record), ...pushed };
  }

  /** A push_config that succeeded: store what the device applied (audited as the device's doing). */
  async function recordResult(command: CommandRecord): Promise<void> {
    const applied = appliedResult(command.result);
    if (!applied) {
      logger.warn({ commandId: command.id, deviceId: command.deviceId }, 'push_config succeeded without {version, applied}: reported config unchanged');
      return;
    }
    await audited(db, { actor: { deviceId: command.deviceId }, action: 'device.config.reported', entityType: 'device_config', entityId: command.deviceId }, async (trx) => {
      const stored = await store.recordReported(trx, { deviceId: command.deviceId, version: applied.version, applied: applied.applied, at: command.completedAt ?? undefined });
      return { result: stored, after: { reportedVersion: applied.version, reported: applied.applied, commandId: command.id, stored } };
    });
  }

  return {
    view,
    update,
    /** Feed of command changes (the bus's command.changed): acts on succeeded push_config commands only. */
    onCommandChanged(command: CommandRecord): void {
      if (command.type !== 'push_config' || command.status !== 'SUCCEEDED') return;
      const work = recordResult(command)
        .catch((error: unknown) => logger.error({ err: error, commandId: command.id, deviceId: command.deviceId }, 'could not store the reported device config'))
        .finally(() => pending.delete(work));
      pending.add(work);
    },
    onDeviceRemoved(deviceId: string): void {
      const work = store
        .remove(deviceId)
        .catch((error: unknown) => logger.error({ err: error, deviceId }, 'could not remove the config of a removed device'))
        .finally(() => pending.delete(work));
      pending.add(work);
    },
    /** Waits for the reports still being stored (stop, before storage closes). */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

export type DeviceConfigService = ReturnType<typeof createDeviceConfigService>;
