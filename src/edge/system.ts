import path from 'node:path';
import { type AnyActorRef, createActor } from 'xstate';
import { createAggregationExecutor } from '../../adapters/store/aggregation-store.js';
import { createBatchQueries } from '../../adapters/store/batch-queries.js';
import { createBottleQueries } from '../../adapters/store/bottle-queries.js';
import { createScanCommitter } from '../../adapters/store/scan-committer.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../adapters/store/sqlite-database.js';
import { createUserStore } from '../../adapters/store/user-store.js';
import { mockScannerTransport } from '../../adapters/scanners/mock-transport.js';
import { tcpScannerTransport, type TcpScannerConfig } from '../../adapters/scanners/tcp-transport.js';
import { createTokenIssuer, type TokenIssuer } from '../../api/http/auth.js';
import { scanLineMachine, type LineSettings } from '../../machines/edge/scan-line.machine.js';
import { scannerMachine, type ScannerInput } from '../../machines/edge/scanner.machine.js';
import { serialWorkerMachine } from '../../machines/shared/serial-worker.machine.js';
import { type ChildSpec, createSupervisorMachine } from '../../machines/shared/supervisor.machine.js';
import { edgeMigrations } from '../../migrations/edge/index.js';
import { loadOrCreateSecret } from '../auth/secret-file.js';
import { bridgeEmitsToBus } from '../runtime/emit-bridge.js';
import { createEventBus, type EventBus } from '../runtime/event-bus.js';
import { createInspection } from '../runtime/inspection.js';
import type { Logger } from '../runtime/logger.js';
import { startRoot } from '../runtime/root-observer.js';
import type { EdgeConfig, ScannerConfig } from './config.js';
import type { EdgeEvent } from './edge-events.js';
import { DEMO_USERS } from './demo-users.js';

/** systemIds: how routes and actors find each other without holding references. */
export const SCAN_LINE = 'scanLine';
export const AGGREGATION = 'aggregation';
export const scannerSystemId = (id: string) => `scanner.${id}`;

/**
 * The edge's composition root: opens storage, builds the actor tree under the root supervisor,
 * and wires actor events to the bus. Everything with I/O is created here and handed to the pure
 * machines through `provide`.
 */
export async function startEdgeSystem(config: EdgeConfig, logger: Logger) {
  const db: SqliteDatabase = await openSqliteDatabase({
    filename: path.join(config.dataDir, 'edge.db'),
    synchronous: config.storage.synchronous,
    migrations: edgeMigrations,
  });

  const users = createUserStore(db.writer);
  const onDefault = await users.seed(DEMO_USERS(config.auth));
  if (onDefault.length > 0) {
    logger.warn({ users: onDefault }, 'default passwords in use: set EDGE_ADMIN_PASSWORD / EDGE_MANAGER_PASSWORD / EDGE_OPERATOR_PASSWORD');
  }
  const tokens: TokenIssuer = createTokenIssuer(
    config.auth.jwtSecret ?? loadOrCreateSecret(path.join(config.dataDir, 'jwt-secret')),
    config.auth.tokenTtlSeconds,
  );

  const committer = createScanCommitter(db.writer, { maxItems: config.storage.commitMaxItems, windowMs: config.storage.commitWindowMs });
  const settings: LineSettings = {
    industry: config.line.industry,
    productionLineId: config.line.id,
    productId: config.line.productId,
    party: config.line.party,
    deviceId: config.line.deviceId,
  };

  const supervisor = createSupervisorMachine({
    scanLine: scanLineMachine.provide({ actors: { committer: committer.logic } }),
    aggregation: serialWorkerMachine.provide({ actors: { execute: createAggregationExecutor(db.writer) } }),
    tcpScanner: scannerMachine.provide({ actors: { transport: tcpScannerTransport } }),
    mockScanner: scannerMachine.provide({ actors: { transport: mockScannerTransport } }),
  });

  const children: ChildSpec[] = [
    { id: SCAN_LINE, src: 'scanLine', systemId: SCAN_LINE, input: { settings } },
    { id: AGGREGATION, src: 'aggregation', systemId: AGGREGATION },
    ...config.scanners.map((scanner) => scannerChild(scanner)),
  ];

  const bus: EventBus<EdgeEvent> = createEventBus<EdgeEvent>();
  const inspection = createInspection({ traceFile: config.trace, inspectServer: config.inspect, logger });
  const root = createActor(supervisor, { input: { children }, systemId: 'root', ...(inspection.inspect ? { inspect: inspection.inspect } : {}) });
  const unbridge = bridgeEmitsToBus(root, bus);
  startRoot(root, logger);

  bus.subscribe('supervisor.childFailed', (event) => logger.error(event, 'actor failed for good'));
  bus.subscribe('supervisor.childRestarted', (event) => logger.warn(event, 'actor restarted'));
  bus.subscribe('scanner.state', (event) => logger.info(event, 'scanner'));

  // Checkpoints on a timer, off the scan path (automatic checkpoints are off, see sqlite-database.ts).
  const checkpoints = setInterval(() => {
    db.checkpoint().catch((error: unknown) => logger.warn({ err: error }, 'checkpoint failed'));
  }, config.storage.checkpointIntervalMs);
  checkpoints.unref();

  const get = (systemId: string): AnyActorRef => {
    const ref = root.system.get(systemId);
    if (!ref) throw new Error(`actor ${systemId} is not running`);
    return ref;
  };

  let stopped = false;
  return {
    config,
    logger,
    bus,
    root,
    tokens,
    users,
    committer,
    queries: { bottles: createBottleQueries(db.reader), batches: createBatchQueries(db.reader) },
    scanLine: () => get(SCAN_LINE),
    aggregation: () => get(AGGREGATION),
    scanner: (id: string) => root.system.get(scannerSystemId(id)) as AnyActorRef | undefined,

    /**
     * Graceful stop: refuse new scans, let every in-flight commit finish (so whatever was
     * acknowledged is on disk and whatever was not is answered), then stop actors and storage.
     */
    async stop() {
      if (stopped) return;
      stopped = true;
      root.system.get(SCAN_LINE)?.send({ type: 'DRAIN' });
      await committer.whenIdle();
      clearInterval(checkpoints);
      unbridge();
      root.stop();
      await inspection.close();
      await db.close();
    },
  };
}

function scannerChild(scanner: ScannerConfig): ChildSpec {
  const transport: TcpScannerConfig | null =
    scanner.transport === 'tcp' ? { mode: scanner.mode, host: scanner.host, port: scanner.port ?? 0, framing: scanner.framing } : null;
  const input: ScannerInput = {
    scannerId: scanner.id,
    transport,
    backoff: scanner.backoff,
    reply: scanner.reply,
    lineSystemId: SCAN_LINE,
  };
  return { id: scannerSystemId(scanner.id), src: scanner.transport === 'tcp' ? 'tcpScanner' : 'mockScanner', systemId: scannerSystemId(scanner.id), input };
}

export type EdgeSystem = Awaited<ReturnType<typeof startEdgeSystem>>;
