import { fromPromise } from 'xstate';
import type { ConnectionMode, ConnectionRestored } from '../../src/domain/connection-mode.js';
import { PROVISIONING_RECORD } from '../cloud/provisioning-actors.js';
import type { SettingsStore, SnapshotStore } from './settings-store.js';

export const CONNECTION_MODE_KEY = 'connection.mode';

/**
 * The connection actor's storage: the mode is saved under one key (the only place it is kept);
 * at every start the actor reads it back with the saved provisioning record's device token.
 */
export function createConnectionStore(settings: SettingsStore, snapshots: SnapshotStore) {
  return {
    restore: fromPromise<ConnectionRestored, void>(async () => {
      const mode = (await settings.get<ConnectionMode>(CONNECTION_MODE_KEY))?.value ?? null;
      const record = await snapshots.load<{ status: string; deviceToken: string | null }>(PROVISIONING_RECORD);
      return { mode, deviceToken: record?.status === 'PROVISIONED' ? record.deviceToken : null };
    }),
    saveMode: fromPromise<void, { mode: ConnectionMode }>(async ({ input }) => {
      await settings.set(CONNECTION_MODE_KEY, input.mode);
    }),
  };
}
