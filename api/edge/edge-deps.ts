import type { AnyActorRef } from 'xstate';
import type { BatchQueries } from '../../adapters/store/batch-queries.js';
import type { BottleQueries } from '../../adapters/store/bottle-queries.js';
import type { ScannerConfig } from '../../adapters/scanners/scanners-config.js';
import type { Industry } from '../../src/domain/codes/index.js';
import type { TokenIssuer } from '../http/auth.js';

/**
 * The pieces of the edge its routers ask for, declared by the api (koa style): each router takes
 * the intersection it needs, and the composition root (src/edge) passes its system, which has all
 * of them. No router imports the composition root, so none can reach further than it says.
 */

/** Checks the caller's token (every router). */
export interface WithTokens {
  tokens: TokenIssuer;
}

/** The scan line actor (SCAN, SUBMIT_BOTTLES …). */
export interface WithScanLine {
  scanLine(): AnyActorRef;
}

/** The serial aggregation worker: every batch/bottle write goes through it. */
export interface WithAggregation {
  aggregation(): AnyActorRef;
}

/** Read-only queries over bottles and batches (the reader connection). */
export interface WithQueries {
  queries: { bottles: BottleQueries; batches: BatchQueries };
}

/** The running actor tree (a new one after a restart). */
export interface WithRoot {
  readonly root: AnyActorRef;
}

/** The industry codes are checked against. */
export interface WithLineConfig {
  config: { line: { industry: Industry } };
}

/** The configured scanners, for the line's status. */
export interface WithScannersConfig {
  config: { scanners: ScannerConfig[] };
  scanner(id: string): AnyActorRef | undefined;
}
