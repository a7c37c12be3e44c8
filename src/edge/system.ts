import path from 'node:path';
import { type AnyActorRef, createActor } from 'xstate';
import { createCloudCatalogExecutor } from '../../adapters/cloud/cloud-catalog.js';
import { createCloudClient } from '../../adapters/cloud/cloud-client.js';
import { createProvisioningActors } from '../../adapters/cloud/provisioning-actors.js';
import { createAggregationExecutor } from '../../adapters/store/aggregation-store.js';
import { CONNECTION_MODE_KEY, createConnectionExecutor } from '../../adapters/store/connection-store.js';
import { createOutboxDrain } from '../../adapters/store/outbox-drain.js';
import { createSettingsStore, createSnapshotStore } from '../../adapters/store/settings-store.js';
import { createBatchQueries } from '../../adapters/store/batch-queries.js';
import { createBottleQueries } from '../../adapters/store/bottle-queries.js';
import { createScanCommitter } from '../../adapters/store/scan-committer.js';
import { createRoleScanHandler } from './roles/role-scan-handler.js';
import { connectSqlite, openSqliteDatabase, type SqliteDatabase } from '../../adapters/store/sqlite-database.js';
import { createJournalStore } from '../../adapters/store/journal-store.js';
import { createScanTally } from '../../adapters/store/scan-tally.js';
import { createWriteProbe } from '../../adapters/store/write-probe.js';
import { createJournal } from './journal/journal.js';
import { createLineOperations } from './line/line-operations.js';
import type { TokenIssuer } from '../../api/http/auth.js';
import { scanLineMachine, type LineSettings } from '../../machines/edge/scan-line.machine.js';
import { provisioningMachine } from '../../machines/edge/provisioning.machine.js';
import { syncQueueMachine } from '../../machines/shared/sync-queue.machine.js';
import { factoryLinkMachine, type FactoryLinkInput } from '../../machines/edge/factory-link.machine.js';
import { factorySyncTarget } from '../../adapters/factory-link/factory-sync-target.js';
import { wsDeviceChannel, type WsChannelConfig } from '../../adapters/factory-link/ws-channel.js';
import { serialWorkerMachine } from '../../machines/shared/serial-worker.machine.js';
import { type ChildSpec, createSupervisorMachine } from '../../machines/shared/supervisor.machine.js';
import { edgeMigrations } from '../../migrations/edge/index.js';
import { bridgeEmitsToBus } from '../runtime/emit-bridge.js';
import { createEventBus, type EventBus } from '../runtime/event-bus.js';
import { createInspection } from '../runtime/inspection.js';
import type { Logger } from '../runtime/logger.js';
import { startRoot } from '../runtime/root-observer.js';
import type { EdgeConfig, ScannerConfig } from './config.js';
import { SCANNER_ACTORS, scannerChildSpec, scannerSystemId } from './hardware/scanner-children.js';
import type { EdgeEvent } from './edge-events.js';
import { startEdgeSecurity } from './security.js';
import { installationId } from './installation-id.js';
import type { EdgeContext, EdgeExtension } from './extension.js';
import { EDGE_EXTENSIONS } from './extensions.js';
import { createUpstream } from './upstream.js';
import { createFactorySettings } from './factory-settings.js';
import { createStatusReporter, packageVersion } from './reported-status.js';
import type { ConnectionMode } from '../domain/connection-mode.js';
import { loadDeviceDisabled } from './commands/device-state.js';
import { applyRuntimeValues, effectiveRuntime, loadAppliedConfig, runtimeBaseOf } from './commands/runtime-config.js';
import { createConfigOverrideStore } from '../../adapters/store/config-override-store.js';
import { OVERRIDE_PREFIX } from './self-service/overridable-settings.js';
import { applyStoredOverridesAtStart } from './self-service/stored-overrides.js';
import { OVERRIDE_CHECKS, SELF_SERVICE_INPUT, type SelfServiceInput } from './self-service/self-service.extension.js';
import { createHostPolicy, hardwareHostsOverrideCheck } from './hardware/hardware-hosts.js';
import { makeDataDirPrivate } from '../runtime/private-files.js';

/** systemIds: how routes and actors find each other without holding references. */
export const SCAN_LINE = 'scanLine';
export const AGGREGATION = 'aggregation';
export const PROVISIONING = 'provisioning';
export const SYNC_QUEUE = 'syncQueue';
export const CONNECTION = 'connection';
export const CLOUD_CATALOG = 'cloudCatalog';
export const FACTORY_LINK = 'factoryLink';
export { scannerSystemId };

/**
 * The edge's composition root: opens storage, builds the actor tree under the root supervisor,
 * and wires actor events to the bus. Everything with I/O is created here and handed to the pure
 * machines through `provide`.
 */
export async function startEdgeSystem(config: EdgeConfig, logger: Logger) {
  makeDataDirPrivate(config.dataDir, logger);
  const db: SqliteDatabase = await openSqliteDatabase({
    filename: path.join(config.dataDir, 'edge.db'),
    synchronous: config.storage.synchronous,
    migrations: edgeMigrations,
  });


  const committer = createScanCommitter(db.writer, { maxItems: config.storage.commitMaxItems, windowMs: config.storage.commitWindowMs });
  // Scans of every role but ADD: one aggregation-actor transaction each (src/edge/roles).
  const roleScans = createRoleScanHandler({ aggregationSystemId: AGGREGATION, sizes: () => ({ batchSize: config.line.batchSize, palletSize: config.line.palletSize }) });
  const settingsStore = createSettingsStore(db.writer);
  const snapshots = createSnapshotStore(db.writer);
  // Self-service overrides (l2.override.*, PUT /api/v1/config) go over file/env/flags before anything reads them.
  const overrideStore = createConfigOverrideStore(db.writer, OVERRIDE_PREFIX);
  const hardwareHostsCheck = hardwareHostsOverrideCheck(createHostPolicy(config.hardware.allowedHosts));
  const startupOverrides = await applyStoredOverridesAtStart(config, overrideStore, logger, [hardwareHostsCheck]);
  // What the factory pushed last (push_config) is in force from the start, over the file's values.
  const runtimeBase = runtimeBaseOf(config);
  const applied = await loadAppliedConfig(settingsStore);
  if (applied) applyRuntimeValues(config, effectiveRuntime(runtimeBase, applied.config));
  const cloud = createCloudClient({ baseUrl: config.cloud.url, timeoutMs: config.cloud.timeoutMs });
  const initialMode = (await settingsStore.get<ConnectionMode>(CONNECTION_MODE_KEY))?.value ?? config.connection.mode;
  const bus: EventBus<EdgeEvent> = createEventBus<EdgeEvent>();
  // Users, tokens, login throttle and audit trail (src/edge/security.ts).
  const security = await startEdgeSecurity({ config, db: db.writer, logger, bus });
  const { users } = security;
  const tokens: TokenIssuer = security.tokens;
  // The database, its -wal/-shm and the secrets now exist: private too (SQLite creates files 0644).
  makeDataDirPrivate(config.dataDir, logger, { reportTooOpen: false });
  let root: ReturnType<typeof createActor<ReturnType<typeof createSupervisorMachine>>> | undefined;
  const upstream = createUpstream({
    bus,
    client: cloud,
    snapshots,
    logger,
    initialMode,
    syncQueue: () => root?.system.get(SYNC_QUEUE),
    provisioning: () => root?.system.get(PROVISIONING),
    // The factory's sync target exists only with both a URL and a device token to send with.
    factory:
      config.factory.url && config.factory.deviceToken
        ? factorySyncTarget({ factoryUrl: config.factory.url, deviceToken: config.factory.deviceToken, timeoutMs: config.factory.timeoutMs })
        : null,
  });
  // The HMI journal listens to the bus from the start, so what the tree does as it starts is on record.
  const journalExports = connectSqlite(path.join(config.dataDir, 'edge.db'), ['busy_timeout = 10000', 'query_only = ON', 'cache_size = -4096']);
  const journal = createJournal({ store: createJournalStore(db.writer, db.reader, journalExports), bus, logger, settings: config.journal });
  const lineOps = createLineOperations({
    bus,
    scanLine: () => root?.system.get(SCAN_LINE),
    tally: createScanTally(db.reader),
    shifts: config.line.shifts,
    timeZone: config.line.timeZone,
  });
  await lineOps.load();
  const factorySettings = createFactorySettings({ bus, mode: upstream.mode, connection: () => root?.system.get(CONNECTION), logger });
  const outbox = createOutboxDrain({ db: db.writer, reader: db.reader, target: upstream.currentTarget, batchSize: config.sync.batchSize, logger });

  // Line-hardware features (printers, PLCs, UPS, GPIO, …): their actors join the root supervisor.
  const context: EdgeContext = {
    config,
    bus,
    logger,
    tokens,
    db,
    settingsStore,
    actor: (systemId) => root?.system.get(systemId) as AnyActorRef | undefined,
    sendToRoot: (event) => root?.send(event as never),
    services: {
      [SELF_SERVICE_INPUT]: { store: overrideStore, startup: startupOverrides, runtimeBase, outbox } satisfies SelfServiceInput,
      // Overrides that set device lists obey the hardware host allowlist, as PUT /scanners does.
      [OVERRIDE_CHECKS]: [hardwareHostsCheck],
    },
  };
  const extensions: EdgeExtension[] = [];
  for (const create of EDGE_EXTENSIONS) extensions.push(await create(context));

  const supervisor = createSupervisorMachine({
    ...Object.assign({}, ...extensions.map((extension) => extension.actors ?? {})),
    scanLine: scanLineMachine.provide({ actors: { committer: committer.logic, roles: roleScans.logic } }),
    aggregation: serialWorkerMachine.provide({ actors: { execute: createAggregationExecutor(db.writer, undefined, () => ({ sscc: config.aggregation.sscc, mixedCases: config.aggregation.mixedCases })) } }),
    ...SCANNER_ACTORS,
    provisioning: provisioningMachine.provide({ actors: createProvisioningActors(cloud, snapshots) }),
    syncQueue: syncQueueMachine.provide({ actors: { drain: outbox.drain, pending: outbox.pending } }),
    connection: serialWorkerMachine.provide({ actors: { execute: createConnectionExecutor(settingsStore) } }),
    cloudCatalog: serialWorkerMachine.provide({ actors: { execute: createCloudCatalogExecutor(cloud, settingsStore, upstream.deviceToken) } }),
    factoryLink: factoryLinkMachine.provide({ actors: { channel: wsDeviceChannel } }),
  });

  const installation = await installationId(settingsStore);
  const statusReporter = createStatusReporter({
    mode: upstream.mode,
    modeReason: factorySettings.modeReason,
    scanLine: () => root?.system.get(SCAN_LINE),
    syncQueue: () => root?.system.get(SYNC_QUEUE),
    pending: async () => (await outbox.status()).queueSize,
  });

  /** The actor tree's children as they must start now: line settings, disabled state and sync settings are read afresh. */
  async function childSpecs(): Promise<ChildSpec[]> {
    const disabled = await loadDeviceDisabled(settingsStore);
    const settings: LineSettings = {
      industry: config.line.industry,
      productionLineId: config.line.id,
      productId: config.line.productId,
      party: config.line.party,
      deviceId: config.line.deviceId,
    };
    const children: ChildSpec[] = [
      { id: SCAN_LINE, src: 'scanLine', systemId: SCAN_LINE, input: { settings, disabledReason: disabled?.reason ?? null } },
      { id: AGGREGATION, src: 'aggregation', systemId: AGGREGATION },
      { id: PROVISIONING, src: 'provisioning', systemId: PROVISIONING, input: { installationId: installation } },
      { id: SYNC_QUEUE, src: 'syncQueue', systemId: SYNC_QUEUE, input: { pollIntervalMs: config.sync.pollIntervalMs, backoff: config.sync.backoff } },
      { id: CONNECTION, src: 'connection', systemId: CONNECTION },
      { id: CLOUD_CATALOG, src: 'cloudCatalog', systemId: CLOUD_CATALOG },
      ...config.scanners.map((scanner) => scannerChild(scanner)),
    ];
    if (config.factory.url) {
      const channel: WsChannelConfig = { factoryUrl: config.factory.url, deviceToken: config.factory.deviceToken ?? null };
      const input: FactoryLinkInput = {
        deviceId: config.factory.deviceId ?? config.line.deviceId,
        channel,
        heartbeatIntervalMs: config.factory.heartbeatIntervalMs,
        backoff: config.factory.backoff,
        status: statusReporter,
      };
      children.push({ id: FACTORY_LINK, src: 'factoryLink', systemId: FACTORY_LINK, input });
    }
    for (const extension of extensions) children.push(...((await extension.children?.()) ?? []));
    return children;
  }

  const inspection = createInspection({ traceFile: config.trace, inspectServer: config.inspect, logger });
  const createRoot = (children: ChildSpec[]) =>
    createActor(supervisor, { input: { children }, systemId: 'root', ...(inspection.inspect ? { inspect: inspection.inspect } : {}) });
  let current = createRoot(await childSpecs());
  root = current;
  let unbridge = bridgeEmitsToBus(current, bus);
  startRoot(current, logger);
  upstream.announceTarget();
  const announceStarted = () => {
    for (const extension of extensions) {
      try {
        extension.started?.();
      } catch (error) {
        logger.error({ err: error, extension: extension.name }, 'extension failed to start');
      }
    }
  };
  announceStarted();
  let restarts = 0;

  bus.subscribe('supervisor.childFailed', (event) => logger.error(event, 'actor failed for good'));
  bus.subscribe('supervisor.childRestarted', (event) => logger.warn(event, 'actor restarted'));
  bus.subscribe('scanner.state', (event) => logger.info(event, 'scanner'));
  bus.subscribe('scanner.refused', (event) => logger.warn(event, 'scanner connection refused'));
  bus.subscribe('factory.link', (event) => (event.state === 'unauthorized' ? logger.error(event, 'factory link') : logger.info(event, 'factory link')));

  // Checkpoints on a timer, off the scan path (automatic checkpoints are off, see sqlite-database.ts).
  const checkpoints = setInterval(() => {
    db.checkpoint().catch((error: unknown) => logger.warn({ err: error }, 'checkpoint failed'));
  }, config.storage.checkpointIntervalMs);
  checkpoints.unref();

  const get = (systemId: string): AnyActorRef => {
    const ref = current.system.get(systemId);
    if (!ref) throw new Error(`actor ${systemId} is not running`);
    return ref;
  };

  let stopped = false;
  /** Refuses new scans and waits until every scan already handed over is committed and answered. */
  const drain = async () => {
    current.system.get(SCAN_LINE)?.send({ type: 'DRAIN' });
    await Promise.all([committer.whenIdle(), roleScans.whenIdle()]);
  };

  /**
   * restart_service: stops the whole actor tree and starts a fresh one in the same process, on
   * the same storage, bus and HTTP server. The line drains first (whatever was handed over is
   * committed and answered); the new tree reads its persisted state (disabled, pushed config,
   * provisioning, connection mode) as at a cold start. Routes look actors up per request, so they
   * reach the new ones; the device channel reconnects.
   */
  let restarting: Promise<{ restartedAt: string; restarts: number }> | null = null;
  async function restartActors(): Promise<{ restartedAt: string; restarts: number }> {
    if (stopped) throw new Error('the edge is stopping');
    restarting ??= (async () => {
      try {
        await drain();
        const next = createRoot(await childSpecs());
        unbridge();
        current.stop();
        current = next;
        root = next;
        unbridge = bridgeEmitsToBus(next, bus);
        startRoot(next, logger);
        upstream.announceTarget();
        announceStarted();
        restarts++;
        const restartedAt = new Date().toISOString();
        logger.warn({ restarts, restartedAt }, 'actor system restarted');
        return { restartedAt, restarts };
      } finally {
        restarting = null;
      }
    })();
    return restarting;
  }
  return {
    config,
    logger,
    bus,
    /** The root actor of the tree running now (a new one after restartActors). */
    get root() {
      return current;
    },
    tokens,
    /** Storage (writer and reader connections); open for the system's life, across restartActors. */
    db,
    settingsStore,
    snapshots,
    /** The file/env configuration's runtime values, before anything the factory pushed. */
    runtimeBase,
    restartActors,
    restarts: () => restarts,
    extensions,
    services: context.services,
    upstream,
    factorySettings,
    outbox,
    users,
    security,
    committer,
    version: packageVersion() ?? 'unknown',
    journal,
    lineOps,
    /** Null when the database takes a write now, else why not (cached a few seconds; /health). */
    probeWritable: createWriteProbe(db.writer),
    queries: { bottles: createBottleQueries(db.reader), batches: createBatchQueries(db.reader) },
    scanLine: () => get(SCAN_LINE),
    aggregation: () => get(AGGREGATION),
    provisioning: () => get(PROVISIONING),
    syncQueue: () => get(SYNC_QUEUE),
    connection: () => get(CONNECTION),
    cloudCatalog: () => get(CLOUD_CATALOG),
    /** The device channel to the factory server; undefined when no factory URL is configured. */
    factoryLink: () => current.system.get(FACTORY_LINK) as AnyActorRef | undefined,
    scanner: (id: string) => current.system.get(scannerSystemId(id)) as AnyActorRef | undefined,

    drain,

    /**
     * Graceful stop: refuse new scans, let every in-flight commit finish (so whatever was
     * acknowledged is on disk and whatever was not is answered), then stop actors and storage.
     */
    async stop() {
      if (stopped) return;
      stopped = true;
      await restarting?.catch(() => undefined);
      await drain();
      for (const extension of [...extensions].reverse()) {
        await extension.stop?.().catch((error: unknown) => logger.error({ err: error, extension: extension.name }, 'extension failed to stop'));
      }
      clearInterval(checkpoints);
      lineOps.dispose();
      upstream.dispose();
      factorySettings.dispose();
      unbridge();
      current.stop();
      await security.stop();
      await inspection.close();
      await journal.stop();
      await db.close();
    },
  };
}

/** Scanners of every transport: src/edge/hardware/scanner-children.ts. */
function scannerChild(scanner: ScannerConfig): ChildSpec {
  return scannerChildSpec(scanner, SCAN_LINE);
}

export type EdgeSystem = Awaited<ReturnType<typeof startEdgeSystem>>;
