import type { AnyActorLogic } from 'xstate';
import { createCloudCatalogExecutor } from '../../adapters/cloud/cloud-catalog.js';
import type { CloudClient } from '../../adapters/cloud/cloud-client.js';
import { createProvisioningActions, createProvisioningActors } from '../../adapters/cloud/provisioning-actors.js';
import { wsDeviceChannel, type WsChannelConfig } from '../../adapters/factory-link/ws-channel.js';
import { createAggregationExecutor } from '../../adapters/store/aggregation-store.js';
import { createConnectionStore } from '../../adapters/store/connection-store.js';
import type { createOutboxDrain } from '../../adapters/store/outbox-drain.js';
import type { createScanCommitter } from '../../adapters/store/scan-committer.js';
import type { SettingsStore, SnapshotStore } from '../../adapters/store/settings-store.js';
import type { SqliteDatabase } from '../../adapters/store/sqlite-database.js';
import { connectionMachine, type ConnectionInput } from '../../machines/edge/connection.machine.js';
import { factoryLinkMachine, type FactoryLinkInput } from '../../machines/edge/factory-link.machine.js';
import { provisioningMachine } from '../../machines/edge/provisioning.machine.js';
import { scanLineMachine, type LineSettings } from '../../machines/edge/scan-line.machine.js';
import { serialWorkerMachine } from '../../machines/shared/serial-worker.machine.js';
import type { ChildSpec } from '../../machines/shared/supervisor.machine.js';
import { syncQueueMachine } from '../../machines/shared/sync-queue.machine.js';
import { BOTTLE_LEDGER, CLOUD_CATALOG, CONNECTION, FACTORY_LINK, PROVISIONING, SCAN_LINE, SYNC_QUEUE } from '../domain/actor-ids.js';
import type { Logger } from '../runtime/logger.js';
import { loadDeviceDisabled } from './commands/device-state.js';
import type { EdgeConfig } from './config.js';
import type { EdgeExtension } from './extension.js';
import { SCANNER_ACTORS, scannerChildSpec } from './hardware/scanner-children.js';
import type { createRoleScanHandler } from './roles/role-scan-handler.js';

type ScanCommitter = ReturnType<typeof createScanCommitter>;
type RoleScanHandler = ReturnType<typeof createRoleScanHandler>;

/** What the edge's own actors are built from (features bring their own). */
export interface EdgeActorDeps {
  config: EdgeConfig;
  logger: Logger;
  db: SqliteDatabase;
  settingsStore: SettingsStore;
  snapshots: SnapshotStore;
  cloud: CloudClient;
  outbox: ReturnType<typeof createOutboxDrain>;
  /** The scan line's committer and role handler (the hot path and the role scans). */
  scanLine: { committer: ScanCommitter['logic']; roles: RoleScanHandler['logic'] };
  /** The cloud device token for catalog calls, null when not provisioned. */
  deviceToken(): string | null;
  extensions: readonly EdgeExtension[];
}

/**
 * A start step of the edge: the actor logic the root supervisor spawns children from, by key —
 * the features' first, then the edge's own, each given its I/O through `provide`.
 */
export function edgeActorLogic(deps: EdgeActorDeps): Record<string, AnyActorLogic> {
  const { logger, db, settingsStore, snapshots, cloud, outbox } = deps;
  return {
    ...Object.assign({}, ...deps.extensions.map((extension) => extension.actors ?? {})),
    scanLine: scanLineMachine.provide({ actors: { committer: deps.scanLine.committer, roles: deps.scanLine.roles } }),
    // The bottle ledger: serialised writes to bottles and batches (batches, statuses, role scans, the batch buffer).
    bottleLedger: serialWorkerMachine.provide({
      actors: { execute: createAggregationExecutor(db.writer, undefined, () => ({ sscc: deps.config.aggregation.sscc, mixedCases: deps.config.aggregation.mixedCases })) },
    }),
    ...SCANNER_ACTORS,
    provisioning: provisioningMachine.provide({
      actors: createProvisioningActors(cloud, snapshots),
      actions: createProvisioningActions(snapshots, (error) => logger.error({ err: error }, 'could not save the provisioning record')),
    }),
    syncQueue: syncQueueMachine.provide({ actors: { drain: outbox.drain, pending: outbox.pending } }),
    connection: connectionMachine.provide({ actors: createConnectionStore(settingsStore, snapshots) }),
    cloudCatalog: serialWorkerMachine.provide({ actors: { execute: createCloudCatalogExecutor(cloud, settingsStore, deps.deviceToken) } }),
    factoryLink: factoryLinkMachine.provide({ actors: { channel: wsDeviceChannel } }),
  };
}

/**
 * A start step of the edge: the children of the root as they must start now. Line settings,
 * the disabled state and the features' devices are read afresh each time (restart_service).
 */
export async function edgeChildSpecs(options: {
  config: EdgeConfig;
  settingsStore: SettingsStore;
  installationId: string;
  status: FactoryLinkInput['status'];
  extensions: readonly EdgeExtension[];
}): Promise<ChildSpec[]> {
  const { config } = options;
  const disabled = await loadDeviceDisabled(options.settingsStore);
  const settings: LineSettings = {
    industry: config.line.industry,
    productionLineId: config.line.id,
    productId: config.line.productId,
    party: config.line.party,
    deviceId: config.line.deviceId,
  };
  const connection: ConnectionInput = { configuredMode: config.connection.mode, factoryConfigured: Boolean(config.factory.url && config.factory.deviceToken) };
  const children: ChildSpec[] = [
    { id: SCAN_LINE, src: 'scanLine', systemId: SCAN_LINE, input: { settings, disabledReason: disabled?.reason ?? null } },
    { id: BOTTLE_LEDGER, src: 'bottleLedger', systemId: BOTTLE_LEDGER },
    { id: PROVISIONING, src: 'provisioning', systemId: PROVISIONING, input: { installationId: options.installationId } },
    { id: SYNC_QUEUE, src: 'syncQueue', systemId: SYNC_QUEUE, input: { pollIntervalMs: config.sync.pollIntervalMs, backoff: config.sync.backoff } },
    { id: CONNECTION, src: 'connection', systemId: CONNECTION, input: connection },
    { id: CLOUD_CATALOG, src: 'cloudCatalog', systemId: CLOUD_CATALOG },
    // Scanners of every transport: src/edge/hardware/scanner-children.ts.
    ...config.scanners.map((scanner) => scannerChildSpec(scanner, SCAN_LINE)),
  ];
  if (config.factory.url) {
    const channel: WsChannelConfig = { factoryUrl: config.factory.url, deviceToken: config.factory.deviceToken ?? null };
    const input: FactoryLinkInput = {
      deviceId: config.factory.deviceId ?? config.line.deviceId,
      channel,
      heartbeatIntervalMs: config.factory.heartbeatIntervalMs,
      backoff: config.factory.backoff,
      status: options.status,
    };
    children.push({ id: FACTORY_LINK, src: 'factoryLink', systemId: FACTORY_LINK, input });
  }
  for (const extension of options.extensions) children.push(...((await extension.children?.()) ?? []));
  return children;
}
