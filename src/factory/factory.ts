import type { Logger } from '../runtime/logger.js';
import type { FactoryConfig } from './config.js';
import { startFactoryServer } from './server.js';
import { type FactoryStartOptions, startFactorySystem } from './system.js';

/** A whole factory server (actors, storage, HTTP, WebSockets): what main.ts runs and tests start in-process. */
export async function startFactory(config: FactoryConfig, logger: Logger, options: FactoryStartOptions = {}) {
  const system = await startFactorySystem(config, logger, options);
  let server;
  try {
    server = await startFactoryServer(system);
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
     * Graceful: stop taking connections, answer the requests in progress (a sync batch being
     * ingested commits and is acknowledged), then stop the actors and close storage.
     */
    async stop() {
      listening.stopAccepting();
      await listening.close();
      await system.stop();
    },
  };
}

export type Factory = Awaited<ReturnType<typeof startFactory>>;
