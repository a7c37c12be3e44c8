import type { Knex } from 'knex';
import { fromPromise } from 'xstate';
import type { WorkOutcome } from '../../../src/domain/ports/work-outcome.js';
import type { ConnectionSettings } from '../../../src/domain/device-channel.js';
import { createSettingsStore } from '../settings-store.js';
import { type AuditActor, audited } from './audit-log.js';

const KEY = 'connection.settings';

export interface ConnectionSettingsChange {
  actor: AuditActor;
  patch: Partial<ConnectionSettings>;
}

/**
 * The site's connection settings: the configured defaults until someone changes them through the
 * API, then the stored ones. Changes go through a serial worker so two PUTs cannot interleave a
 * read-modify-write; each commits with its audit entry and is then announced (edges are told over
 * their channel).
 */
export function createConnectionSettings(db: Knex, defaults: ConnectionSettings) {
  const read = async (from: Knex = db): Promise<ConnectionSettings> => ({ ...defaults, ...((await createSettingsStore(from).get<ConnectionSettings>(KEY))?.value ?? {}) });
  return {
    read: () => read(),
    executor: fromPromise<WorkOutcome<ConnectionSettings>, ConnectionSettingsChange>(async ({ input }) => {
      const next = await audited(db, { actor: input.actor, action: 'connection.settings.update', entityType: 'settings', entityId: KEY }, async (trx) => {
        const before = await read(trx);
        const after = { ...before, ...input.patch };
        await createSettingsStore(trx).set(KEY, after);
        return { result: after, before, after };
      });
      return { ok: true, result: next, events: [{ type: 'connection.settingsChanged', settings: next }] };
    }),
  };
}
