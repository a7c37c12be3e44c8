import type { LogRing } from '../../runtime/log-ring.js';
import type { EdgeSystem } from '../system.js';

/** What the command handlers act on: the running edge system, its log ring, and the edge's own hooks. */
export interface CommandDeps {
  system: EdgeSystem;
  logRing: LogRing;
  /** Changes the edge logger's level (push_config log.level). */
  setLogLevel(level: string): void;
  /** Stops and starts the actor system in place (edge.ts owns the HTTP server that keeps serving). */
  restart(): Promise<{ restartedAt: string; restarts: number }>;
}
