import type { Logger } from '../runtime/logger.js';
import type { EdgeConfig } from './config.js';
import { startEdgeServer } from './server.js';
import { startEdgeSystem } from './system.js';

/** A whole edge (actors, storage, HTTP): what main.ts runs and what tests start in-process. */
export async function startEdge(config: EdgeConfig, logger: Logger) {
  const system = await startEdgeSystem(config, logger);
  let server;
  try {
    server = await startEdgeServer(system);
  } catch (error) {
    await system.stop();
    throw error;
  }
  const listening = server;
  return {
    system,
    server: listening,
    port: listening.port,
    url: `http://127.0.0.1:${listening.port}`,
    /**
     * Graceful: stop taking connections, drain the scan line and its commits, answer the requests
     * still in progress (the drained line refuses their scans), and only then stop the actors and
     * close the database, which those requests may still be using.
     */
    async stop() {
      listening.stopAccepting();
      await system.drain();
      await listening.close();
      await system.stop();
    },
  };
}

export type Edge = Awaited<ReturnType<typeof startEdge>>;
