import { fromPromise } from 'xstate';
import type { WorkOutcome } from '../../../machines/shared/serial-worker.machine.js';
import type { ConnectionSettings } from '../../../src/domain/device-channel.js';
import type { SettingsStore } from '../settings-store.js';

const KEY = 'connection.settings';

/**
 * The site's connection settings: the configured defaults until someone changes them through the
 * API, then the stored ones. Changes go through a serial worker so two PUTs cannot interleave a
 * read-modify-write; the committed result is announced (edges are told over their channel).
 */
export function createConnectionSettings(settings: SettingsStore, defaults: ConnectionSettings) {
  const read = async (): Promise<ConnectionSettings> => ({ ...defaults, ...((await settings.get<ConnectionSettings>(KEY))?.value ?? {}) });
  return {
    read,
    executor: fromPromise<WorkOutcome<ConnectionSettings>, Partial<ConnectionSettings>>(async ({ input }) => {
      const next = { ...(await read()), ...input };
      await settings.set(KEY, next);
      return { ok: true, result: next, events: [{ type: 'connection.settingsChanged', settings: next }] };
    }),
  };
}
