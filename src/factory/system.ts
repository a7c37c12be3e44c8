import fs from 'node:fs';
import path from 'node:path';
import { type AnyActorRef, createActor } from 'xstate';
import { createCloudClient } from '../../adapters/cloud/cloud-client.js';
import { cloudSyncTarget } from '../../adapters/cloud/cloud-sync-target.js';
import { createConnectionSettings } from '../../adapters/store/factory/connection-settings.js';
import { createAuditQueries } from '../../adapters/store/factory/audit-log.js';
import { createDashboardQueries } from '../../adapters/store/factory/dashboard-queries.js';
import { createDeviceExecutor } from '../../adapters/store/factory/device-executor.js';
import { createDeviceStore } from '../../adapters/store/factory/device-store.js';
import { openFactoryDatabase } from '../../adapters/store/factory/factory-database.js';
import { createForwardOutbox } from '../../adapters/store/factory/forward-outbox.js';
import { createWriteProbe } from '../../adapters/store/write-probe.js';
import { createIngestExecutor } from '../../adapters/store/factory/ingest-executor.js';
import { createSyncIngestStore } from '../../adapters/store/factory/sync-ingest-store.js';
import { deadlineTimer } from '../../adapters/timers/deadline-timer.js';
import { createDeviceTokenIssuer } from '../../api/http/device-auth.js';
import { syncQueueMachine } from '../../machines/shared/sync-queue.machine.js';
import { deviceSessionMachine } from '../../machines/factory/device-session.machine.js';
import { serialWorkerMachine } from '../../machines/shared/serial-worker.machine.js';
import { type ChildSpec, createSupervisorMachine } from '../../machines/shared/supervisor.machine.js';
import { deploymentMachine } from '../../machines/factory/deployment.machine.js';
import { DEPLOYMENTS, supervisedActors } from './supervised-actors.js';
import { loadOrCreateSecret } from '../auth/secret-file.js';
import type { ConnectionSettings, ReportedStatus } from '../domain/device-channel.js';
import { bridgeEmitsToBus } from '../runtime/emit-bridge.js';
import { createEventBus } from '../runtime/event-bus.js';
import { createInspection } from '../runtime/inspection.js';
import type { Logger } from '../runtime/logger.js';
import { startRoot } from '../runtime/root-observer.js';
import type { FactoryConfig } from './config.js';
import { startFactorySecurity } from './security.js';
import { createDevicePresence } from './device-presence.js';
import { createDeviceRegistry } from './device-registry.js';
import type { FactoryEvent } from './factory-events.js';
import type { DeviceChannelPort, ExtensionFactory, FactoryContext } from './extension.js';
import { FACTORY_EXTENSIONS } from './extensions.js';
import { reportDisabledFeature } from './start-features.js';
import { startFeatures } from '../runtime/start-features.js';
import { createFleet } from './fleet.js';
import { createProductionRate } from './production-rate.js';
import { makeDataDirPrivate } from '../runtime/private-files.js';

/** systemIds: how routes find the factory's actors without holding references. */
export const DEVICES = 'devices';
/** One ingest worker per lane; a device always uses the same lane, so its batches stay in order. */
export const ingestSystemId = (lane: number) => `ingest.${lane}`;
export const CONNECTION_SETTINGS = 'connectionSettings';
export const FORWARDER = 'forwarder';

export interface FactoryStartOptions {
  /** PostgreSQL schema to use instead of the default one (tests: one schema per test file). */
  databaseSchema?: string;
  /** The features to start (default FACTORY_EXTENSIONS; tests add a broken one). */
  features?: readonly ExtensionFactory[];
}

/**
 * The factory's composition root: storage (SQLite or PostgreSQL), the actor tree under the root
 * supervisor (device registry writes, sync ingest, connection settings, the cloud forwarder, and
 * the sharded device sessions), and the wiring of their events.
 *
 * long-function: a composition root (its body is the wiring list and the returned FactorySystem);
 * not split on this branch because the firmware deployments move under its supervisor in a
 * parallel change (issue 11 item 6, branch `ota`) — split it into named steps after that lands.
 */
export async function startFactorySystem(config: FactoryConfig, logger: Logger, options: FactoryStartOptions = {}) {
  makeDataDirPrivate(config.dataDir, logger);
  const database = await openFactoryDatabase(
    config.databaseUrl
      ? { url: config.databaseUrl, ...(options.databaseSchema ? { schema: options.databaseSchema } : {}) }
      : { filename: path.join(config.dataDir, 'factory.db') },
  );
  const { db } = database;

  // One secret signs both kinds of token; `typ` keeps them apart (each side refuses the other kind).
  const secret = config.auth.jwtSecret ?? loadOrCreateSecret(path.join(config.dataDir, 'jwt-secret'));
  // Users, user tokens, login throttle and login audit (src/factory/security.ts).
  const security = await startFactorySecurity({ config, db, logger, secret });
  const { users, tokens } = security;
  const deviceTokens = createDeviceTokenIssuer(secret, config.devices.tokenTtlDays * 24 * 3600);
  // The database, its -wal/-shm and the secret now exist: private too (SQLite creates files 0644).
  makeDataDirPrivate(config.dataDir, logger, { reportTooOpen: false });

  const devices = createDeviceStore(db);
  const ingestStore = createSyncIngestStore(db);
  // SQLite has one writer, so one lane; PostgreSQL commits several transactions at once, and
  // one lane would leave it idle while a commit waits for its fsync.
  const ingestLanes = database.dialect === 'pg' ? config.sync.pgIngestLanes : 1;
  const dashboard = createDashboardQueries(db, { timeZone: config.company.timeZone });
  const connection = createConnectionSettings(db, config.connection);
  let settings: ConnectionSettings = await connection.read();

  const bus = createEventBus<FactoryEvent>({ onError: (error, event) => logger.error({ err: error, event: event.type }, 'event subscriber failed') });
  const cloud = createCloudClient({ baseUrl: config.cloud.url, timeoutMs: config.cloud.timeoutMs });
  const forwardTarget = () => {
    if (!settings.cloudSyncEnabled) return { target: null, reason: 'Cloud sync disabled in the connection settings' };
    if (!config.cloud.deviceToken) return { target: null, reason: 'No OKTO Cloud device token configured (FACTORY_CLOUD_DEVICE_TOKEN)' };
    return { target: cloudSyncTarget(cloud, config.cloud.deviceToken), reason: null };
  };
  const forwardOutbox = createForwardOutbox({ db, target: () => forwardTarget().target, batchSize: config.cloud.batchSize, logger });

  const supervisor = createSupervisorMachine({
    devices: serialWorkerMachine.provide({ actors: { execute: createDeviceExecutor(db, deviceTokens) } }),
    ingest: serialWorkerMachine.provide({
      actors: { execute: createIngestExecutor(ingestStore, { forward: () => settings.cloudSyncEnabled, timeZone: config.company.timeZone }) },
    }),
    connectionSettings: serialWorkerMachine.provide({ actors: { execute: connection.executor } }),
    forwarder: syncQueueMachine.provide({ actors: { drain: forwardOutbox.drain, pending: forwardOutbox.pending } }),
    deviceShard: createSupervisorMachine({ deviceSession: deviceSessionMachine.provide({ actors: { deadline: deadlineTimer } }) }),
    deployments: createSupervisorMachine({ deployment: deploymentMachine }),
  });
  const children: ChildSpec[] = [
    { id: DEVICES, src: 'devices', systemId: DEVICES },
    ...Array.from({ length: ingestLanes }, (_, lane) => ({ id: ingestSystemId(lane), src: 'ingest', systemId: ingestSystemId(lane) })),
    { id: CONNECTION_SETTINGS, src: 'connectionSettings', systemId: CONNECTION_SETTINGS },
    { id: FORWARDER, src: 'forwarder', systemId: FORWARDER, input: { pollIntervalMs: config.cloud.pollIntervalMs, backoff: config.cloud.backoff } },
    { id: DEPLOYMENTS, src: 'deployments', systemId: DEPLOYMENTS, input: { children: [] } },
  ];

  const inspection = createInspection({ traceFile: config.trace, inspectServer: config.inspect, logger });
  const root = createActor(supervisor, { input: { children }, systemId: 'root', ...(inspection.inspect ? { inspect: inspection.inspect } : {}) });
  const unbridge = bridgeEmitsToBus(root, bus);
  startRoot(root, logger);

  const get = (systemId: string): AnyActorRef => {
    const ref = root.system.get(systemId);
    if (!ref) throw new Error(`actor ${systemId} is not running`);
    return ref;
  };
  const announceForwardTarget = () => {
    const { target, reason } = forwardTarget();
    root.system.get(FORWARDER)?.send({ type: 'TARGET', ready: target !== null, reason });
  };
  announceForwardTarget();

  const fleet = createFleet({
    root,
    shardSrc: 'deviceShard',
    sessionSrc: 'deviceSession',
    shardCapacity: config.devices.shardCapacity,
    staleAfterMs: config.devices.staleAfterMs,
    offlineAfterMs: config.devices.offlineAfterMs,
    publish: (event) => bus.publish(event),
  });
  const stored = await devices.list();
  // With what each device last reported: the dashboard's edge backlog and the reported mode survive a restart.
  for (const device of stored) fleet.add(device.id, device.lastSeenAt ? Date.parse(device.lastSeenAt) : null, (device.reported as ReportedStatus | null) ?? null);
  const registry = createDeviceRegistry(bus, stored);
  const presence = createDevicePresence({ fleet, recordSeen: devices.recordSeen, logger });
  const productionRate = createProductionRate(bus);

  // The device channel exists once the server is up (server.ts attaches it); until then nothing is connected.
  let channel: DeviceChannelPort | null = null;
  const context: FactoryContext = {
    config,
    db,
    dialect: database.dialect,
    bus,
    logger,
    tokens,
    deviceTokens,
    registry,
    fleet,
    channel: {
      sendTo: (deviceId, type, payload, correlationId) => channel?.sendTo(deviceId, type, payload, correlationId) ?? false,
      isConnected: (deviceId) => channel?.isConnected(deviceId) ?? false,
    },
    services: {},
    deploymentActors: supervisedActors(root, DEPLOYMENTS),
  };
  const { extensions, disabled: disabledFeatures } = await startFeatures(options.features ?? FACTORY_EXTENSIONS, context, reportDisabledFeature(context));

  const offs = [
    bus.subscribe('device.registered', ({ device }) => fleet.add(device.id, null)),
    bus.subscribe('device.removed', ({ deviceId }) => {
      presence.forget(deviceId);
      fleet.remove(deviceId);
    }),
    bus.subscribe('connection.settingsChanged', (event) => {
      settings = event.settings;
      announceForwardTarget();
    }),
    // New items to forward: send now rather than at the next poll.
    bus.subscribe('sync.ingested', (event) => {
      if (event.accepted > 0 && settings.cloudSyncEnabled) root.system.get(FORWARDER)?.send({ type: 'SYNC_NOW' });
    }),
    bus.subscribe('supervisor.childRestarted', (event) => {
      if (event.id === FORWARDER) announceForwardTarget();
    }),
    bus.subscribe('supervisor.childFailed', (event) => logger.error(event, 'actor failed for good')),
    bus.subscribe('device.statusChanged', (event) => logger.info({ deviceId: event.deviceId, status: event.status, previous: event.previous }, 'device status')),
  ];

  let stopped = false;
  return {
    config,
    logger,
    bus,
    root,
    tokens,
    deviceTokens,
    users,
    security,
    registry,
    fleet,
    presence,
    productionRate,
    queries: { devices, dashboard, audit: createAuditQueries(db) },
    /** The store itself, read-only by convention: tests and tools that check what was stored. */
    db,
    forwardOutbox,
    /** Null when the database takes a write now, else why not (cached a few seconds; /health). */
    probeWritable: createWriteProbe(db),
    settings: () => settings,
    devices: () => get(DEVICES),
    /** The ingest worker for a device's batches. */
    ingest: (deviceId: string) => get(ingestSystemId(laneOf(deviceId, ingestLanes))),
    connectionSettings: () => get(CONNECTION_SETTINGS),
    forwarder: () => get(FORWARDER),
    forwardTarget,
    extensions,
    /** Features whose construction threw: left out, logged and audited (/health: degraded). */
    disabledFeatures,
    services: context.services,
    /** Called by the server once the device hub is listening. */
    attachChannel(port: DeviceChannelPort) {
      channel = port;
    },

    /** Graceful stop: store the last-seen times still pending, stop the actors, let a forward in flight finish, close storage. */
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const extension of [...extensions].reverse()) {
        await extension.stop?.().catch((error: unknown) => logger.error({ err: error, extension: extension.name }, 'extension failed to stop'));
      }
      await presence.stop();
      offs.forEach((off) => off());
      registry.dispose();
      productionRate.dispose();
      unbridge();
      root.stop();
      await forwardOutbox.settled();
      await security.stop();
      await inspection.close();
      await database.close();
    },
  };
}

function laneOf(deviceId: string, lanes: number): number {
  let hash = 0;
  for (let i = 0; i < deviceId.length; i++) hash = (hash * 31 + deviceId.charCodeAt(i)) >>> 0;
  return hash % lanes;
}

export type FactorySystem = Awaited<ReturnType<typeof startFactorySystem>>;
