import type { ChannelMessage } from '../domain/device-channel.js';
import path from 'node:path';
import { type AnyActorRef } from 'xstate';
import { createCloudClient } from '../../adapters/cloud/cloud-client.js';
import { createOutboxDrain } from '../../adapters/store/outbox-drain.js';
import { createBatchQueries } from '../../adapters/store/batch-queries.js';
import { createBottleQueries } from '../../adapters/store/bottle-queries.js';
import { createEdgeAuditQueries } from '../../adapters/store/audit-trail.js';
import { createBatchBufferQueries } from '../../adapters/store/batch-buffer-store.js';
import { createScanCommitter } from '../../adapters/store/scan-committer.js';
import { createRoleScanHandler } from './roles/role-scan-handler.js';
import { connectSqlite, openSqliteDatabase, type SqliteDatabase } from '../../adapters/store/sqlite-database.js';
import { createJournalStore } from '../../adapters/store/journal-store.js';
import { createScanTally } from '../../adapters/store/scan-tally.js';
import { createWriteProbe } from '../../adapters/store/write-probe.js';
import { createJournal } from './journal/journal.js';
import { createLineOperations } from './line/line-operations.js';
import type { TokenIssuer } from '../../api/http/auth.js';
import { factorySyncTarget } from '../../adapters/factory-link/factory-sync-target.js';
import { edgeMigrations } from '../../migrations/edge/index.js';
import { createEventBus, type EventBus } from '../runtime/event-bus.js';
import { createInspection } from '../runtime/inspection.js';
import type { Logger } from '../runtime/logger.js';
import type { EdgeConfig } from './config.js';
import { scannerSystemId } from './hardware/scanner-children.js';
import type { EdgeEvent } from './edge-events.js';
import { startEdgeSecurity } from './security.js';
import { installationId } from './installation-id.js';
import type { EdgeContext, EdgeExtensionFactory } from './extension.js';
import { EDGE_EXTENSIONS } from './extensions.js';
import { startFeatures } from './start-features.js';
import { applyStartupConfig } from './startup-config.js';
import { createEdgeActorTree, type EdgeActorTree, logActorEvents } from './edge-actor-tree.js';
import { edgeActorLogic, edgeChildSpecs } from './edge-children.js';
import { SCAN_LINE, BOTTLE_LEDGER, PROVISIONING, SYNC_QUEUE, CONNECTION, CLOUD_CATALOG, FACTORY_LINK } from '../domain/actor-ids.js';
import { createUpstream } from './upstream.js';
import { createStatusReporter, packageVersion } from './reported-status.js';
import { makeDataDirPrivate } from '../runtime/private-files.js';

/** systemIds: how routes and actors find each other without holding references (one module: src/domain/actor-ids.ts). */
export { SCAN_LINE, BOTTLE_LEDGER, PROVISIONING, SYNC_QUEUE, CONNECTION, CLOUD_CATALOG, FACTORY_LINK } from '../domain/actor-ids.js';
export { scannerSystemId };

/**
 * The edge's composition root: opens storage, builds the actor tree under the root supervisor,
 * and wires actor events to the bus. Everything with I/O is created here and handed to the pure
 * machines through `provide`.
 *
 * long-function: a composition root — its body is the wiring list and the returned EdgeSystem
 * (the system's public face); every step with logic of its own is a named function in its own
 * file (startup-config.ts, start-features.ts, edge-children.ts, edge-actor-tree.ts, upstream.ts).
 */
export async function startEdgeSystem(config: EdgeConfig, logger: Logger, options: { features?: readonly EdgeExtensionFactory[] } = {}) {
  makeDataDirPrivate(config.dataDir, logger);
  const db: SqliteDatabase = await openSqliteDatabase({
    filename: path.join(config.dataDir, 'edge.db'),
    synchronous: config.storage.synchronous,
    migrations: edgeMigrations,
  });


  const committer = createScanCommitter(db.writer, { maxItems: config.storage.commitMaxItems, windowMs: config.storage.commitWindowMs });
  // Scans of every role but ADD: one bottle-ledger transaction each (src/edge/roles).
  const roleScans = createRoleScanHandler({ ledgerSystemId: BOTTLE_LEDGER, sizes: () => ({ batchSize: config.line.batchSize, palletSize: config.line.palletSize }) });
  const { settingsStore, snapshots, overrideStore, hardwareHostsCheck, startupOverrides, runtimeBase } = await applyStartupConfig(config, db, logger);
  const cloud = createCloudClient({ baseUrl: config.cloud.url, timeoutMs: config.cloud.timeoutMs });
  const bus: EventBus<EdgeEvent> = createEventBus<EdgeEvent>();
  // Users, tokens, login throttle and audit trail (src/edge/security.ts).
  const security = await startEdgeSecurity({ config, db: db.writer, logger, bus });
  const { users } = security;
  const tokens: TokenIssuer = security.tokens;
  // The database, its -wal/-shm and the secrets now exist: private too (SQLite creates files 0644).
  makeDataDirPrivate(config.dataDir, logger, { reportTooOpen: false });
  // Everything built before the tree finds actors through it, per call (the tree is replaced on restart_service).
  let tree: EdgeActorTree | undefined;
  const actor = (systemId: string) => tree?.current.system.get(systemId) as AnyActorRef | undefined;
  const upstream = createUpstream({
    bus,
    client: cloud,
    logger,
    configuredMode: config.connection.mode,
    connection: () => actor(CONNECTION),
    // The factory's sync target exists only with both a URL and a device token to send with.
    factory:
      config.factory.url && config.factory.deviceToken
        ? factorySyncTarget({ factoryUrl: config.factory.url, deviceToken: config.factory.deviceToken, timeoutMs: config.factory.timeoutMs })
        : null,
  });
  // The HMI journal listens to the bus from the start, so what the tree does as it starts is on record.
  const journalExports = connectSqlite(path.join(config.dataDir, 'edge.db'), ['busy_timeout = 10000', 'query_only = ON', 'cache_size = -4096']);
  const journal = createJournal({ store: createJournalStore(db.writer, db.reader, journalExports), bus, logger, settings: config.journal });
  const lineOps = createLineOperations({ bus, scanLine: () => actor(SCAN_LINE), tally: createScanTally(db.reader), shifts: config.line.shifts, timeZone: config.line.timeZone });
  await lineOps.load();
  const outbox = createOutboxDrain({ db: db.writer, reader: db.reader, target: upstream.currentTarget, batchSize: config.sync.batchSize, logger });

  // Line-hardware features (printers, PLCs, UPS, GPIO, …): their actors join the root supervisor.
  const context: EdgeContext = {
    config,
    bus,
    logger,
    tokens,
    db,
    settingsStore,
    actor,
    sendToRoot: (event) => tree?.current.send(event as never),
    services: {
      selfServiceInput: { store: overrideStore, startup: startupOverrides, runtimeBase, outbox },
      // Overrides that set device lists obey the hardware host allowlist, as PUT /scanners does.
      overrideChecks: [hardwareHostsCheck],
    },
  };
  // A feature whose construction throws is left out (journaled, in /health); the edge runs on.
  const { extensions, disabled: disabledFeatures } = await startFeatures(options.features ?? EDGE_EXTENSIONS, context);

  const installation = await installationId(settingsStore);
  const statusReporter = createStatusReporter({
    mode: upstream.mode,
    modeReason: upstream.modeReason,
    scanLine: () => actor(SCAN_LINE),
    syncQueue: () => actor(SYNC_QUEUE),
    pending: async () => (await outbox.status()).queueSize,
  });

  // The factory sends queued commands as soon as the link is welcomed, which can be before
  // src/edge/edge.ts has its command executor: they are held here until it takes them.
  const heldCommands: Array<ChannelMessage<'command'>> = [];
  const stopHolding = bus.subscribe('factory.command', (event) => heldCommands.push(event.message));

  const inspection = createInspection({ traceFile: config.trace, inspectServer: config.inspect, logger });
  tree = await createEdgeActorTree({
    logic: edgeActorLogic({
      config,
      logger,
      db,
      settingsStore,
      snapshots,
      cloud,
      outbox,
      scanLine: { committer: committer.logic, roles: roleScans.logic },
      deviceToken: upstream.deviceToken,
      extensions,
    }),
    childSpecs: () => edgeChildSpecs({ config, settingsStore, installationId: installation, status: statusReporter, extensions }),
    bus,
    logger,
    inspect: inspection.inspect,
    extensions,
  });
  const actorTree = tree;
  await actorTree.start();
  logActorEvents(bus, logger);

  // Checkpoints on a timer, off the scan path (automatic checkpoints are off, see sqlite-database.ts).
  const checkpoints = setInterval(() => {
    db.checkpoint().catch((error: unknown) => logger.warn({ err: error }, 'checkpoint failed'));
  }, config.storage.checkpointIntervalMs);
  checkpoints.unref();

  const get = (systemId: string): AnyActorRef => {
    const ref = actorTree.current.system.get(systemId);
    if (!ref) throw new Error(`actor ${systemId} is not running`);
    return ref;
  };

  let stopped = false;
  /** Refuses new scans and waits until every scan already handed over is committed and answered. */
  const drain = async () => {
    actorTree.current.system.get(SCAN_LINE)?.send({ type: 'DRAIN' });
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
        return await actorTree.restart();
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
    /** Commands that arrived before the executor subscribed; once taken, no more are held. */
    takeEarlyCommands(): Array<ChannelMessage<'command'>> {
      stopHolding();
      return heldCommands.splice(0);
    },
    /** The root actor of the tree running now (a new one after restartActors). */
    get root() {
      return actorTree.current;
    },
    tokens,
    /** Storage (writer and reader connections); open for the system's life, across restartActors. */
    db,
    settingsStore,
    snapshots,
    /** The file/env configuration's runtime values, before anything the factory pushed. */
    runtimeBase,
    restartActors,
    restarts: actorTree.restarts,
    extensions,
    /** Features whose construction threw: left out, the service running without them (/health: degraded). */
    disabledFeatures,
    services: context.services,
    upstream,
    outbox,
    users,
    security,
    committer,
    version: packageVersion() ?? 'unknown',
    journal,
    lineOps,
    /** Null when the database takes a write now, else why not (cached a few seconds; /health). */
    probeWritable: createWriteProbe(db.writer),
    queries: { bottles: createBottleQueries(db.reader), batches: createBatchQueries(db.reader), audit: createEdgeAuditQueries(db.reader), batchBuffer: createBatchBufferQueries(db.reader) },
    scanLine: () => get(SCAN_LINE),
    /** The bottle ledger (serialised writes to bottles and batches; once named `aggregation`). */
    bottleLedger: () => get(BOTTLE_LEDGER),
    /** @deprecated the bottle ledger's old name, kept for the routes until they take narrow interfaces (issue 11 item 3). */
    aggregation: () => get(BOTTLE_LEDGER),
    provisioning: () => get(PROVISIONING),
    syncQueue: () => get(SYNC_QUEUE),
    connection: () => get(CONNECTION),
    cloudCatalog: () => get(CLOUD_CATALOG),
    /** The device channel to the factory server; undefined when no factory URL is configured. */
    factoryLink: () => actor(FACTORY_LINK),
    scanner: (id: string) => actor(scannerSystemId(id)),

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
      actorTree.stop();
      await security.stop();
      await inspection.close();
      await journal.stop();
      await db.close();
    },
  };
}

export type EdgeSystem = Awaited<ReturnType<typeof startEdgeSystem>>;
