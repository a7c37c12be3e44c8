import { fromPromise } from 'xstate';
import type { ProvisioningRecord } from '../../src/domain/ports/provisioning-record.js';
import type { SnapshotStore } from '../store/settings-store.js';
import type { CloudClient } from './cloud-client.js';

export const PROVISIONING_RECORD = 'provisioning';

/**
 * The provisioning machine's I/O: the cloud client, the saved record it starts from, and the
 * save of each record it announces (a failed save is logged; the next change saves again).
 */
export function createProvisioningActions(snapshots: SnapshotStore, onSaveError: (error: unknown) => void) {
  return {
    saveRecord: (_: unknown, record: ProvisioningRecord) => {
      snapshots.save(PROVISIONING_RECORD, record).catch(onSaveError);
    },
  };
}

/** The provisioning machine's actors: the cloud client, and the saved record it starts from. */
export function createProvisioningActors(client: CloudClient, snapshots: SnapshotStore) {
  return {
    loadRecord: fromPromise<ProvisioningRecord | null, void>(() => snapshots.load<ProvisioningRecord>(PROVISIONING_RECORD)),
    signIn: fromPromise<{ userToken: string }, { email: string; password: string }>(async ({ input }) => {
      const { userToken } = await client.signIn(input.email, input.password);
      return { userToken };
    }),
    listDevices: fromPromise(({ input }: { input: { userToken: string } }) => client.listDevices(input.userToken)),
    activate: fromPromise(({ input }: { input: { userToken: string; deviceId: string; installationId: string } }) =>
      client.activate(input.userToken, input.deviceId, input.installationId),
    ),
  };
}
