/**
 * The edge's actor systemIds, in one place: how routes, features and actors find each other
 * without holding references (a reference would go stale when the supervisor restarts an actor).
 * Anything that looks an actor up imports its id from here instead of retyping the string.
 */
export const EDGE_ACTOR_IDS = {
  /** The scan line: takes scans, decides and commits them. */
  scanLine: 'scanLine',
  /** Serialised writes to bottles and batches (batches, statuses, role scans, the batch buffer). */
  bottleLedger: 'bottleLedger',
  provisioning: 'provisioning',
  syncQueue: 'syncQueue',
  /** Where the edge sends what it stored (the connection mode and the sync target). */
  connection: 'connection',
  cloudCatalog: 'cloudCatalog',
  factoryLink: 'factoryLink',
  upsPolicy: 'upsPolicy',
} as const;

export type EdgeActorId = (typeof EDGE_ACTOR_IDS)[keyof typeof EDGE_ACTOR_IDS];

export const SCAN_LINE = EDGE_ACTOR_IDS.scanLine;
export const BOTTLE_LEDGER = EDGE_ACTOR_IDS.bottleLedger;
export const PROVISIONING = EDGE_ACTOR_IDS.provisioning;
export const SYNC_QUEUE = EDGE_ACTOR_IDS.syncQueue;
export const CONNECTION = EDGE_ACTOR_IDS.connection;
export const CLOUD_CATALOG = EDGE_ACTOR_IDS.cloudCatalog;
export const FACTORY_LINK = EDGE_ACTOR_IDS.factoryLink;
