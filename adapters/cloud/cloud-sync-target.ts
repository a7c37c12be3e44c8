import type { SyncTarget } from '../sync/sync-target.js';
import type { CloudClient } from './cloud-client.js';
import type { SyncItem } from './cloud-types.js';

/** Direct-cloud mode: the outbox drains straight to OKTO Cloud with the device token. */
export function cloudSyncTarget(client: CloudClient, deviceToken: string): SyncTarget {
  return {
    name: 'OKTO Cloud',
    send: (items: SyncItem[]) => client.sync(deviceToken, items),
  };
}
