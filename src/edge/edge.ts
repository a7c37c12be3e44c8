import { createCommandResults } from '../../adapters/store/command-results.js';
import { createLogRing, type LogRing, teeLogger } from '../runtime/log-ring.js';
import type { Logger } from '../runtime/logger.js';
import { createCommandExecutor } from './commands/executor.js';
import { createCommandHandlers } from './commands/handlers.js';
import { createCommandReplies } from './commands/replies.js';
import type { EdgeConfig } from './config.js';
import type { EdgeExtensionFactory } from './extension.js';
import { startEdgeServer } from './server.js';
import { startEdgeSystem } from './system.js';

/**
 * A whole edge (actors, storage, HTTP, the factory's commands): what main.ts runs and what tests
 * start in-process. The edge logs through a tee into an in-memory ring (pull_logs) as well as to
 * the logger it is given.
 */
export async function startEdge(config: EdgeConfig, baseLogger: Logger, options: { logRing?: LogRing; features?: readonly EdgeExtensionFactory[] } = {}) {
  const logRing = options.logRing ?? createLogRing();
  const tee = teeLogger(baseLogger, logRing, config.log.level);
  const system = await startEdgeSystem(config, tee.logger, { features: options.features });
  // A level the factory pushed earlier (persisted, applied to config by the system) is in force from the start.
  tee.setLevel(config.log.level);
  let server;
  try {
    server = await startEdgeServer(system);
  } catch (error) {
    await system.stop();
    throw error;
  }
  const listening = server;

  /** The restart hook of restart_service: the actor system restarts; this HTTP server keeps serving. */
  const restartService = () => system.restartActors();

  const replies = createCommandReplies({ bus: system.bus, link: system.factoryLink });
  const commands = createCommandExecutor({
    bus: system.bus,
    replies,
    results: createCommandResults(system.db.writer),
    handlers: createCommandHandlers({ system, logRing, setLogLevel: tee.setLevel, restart: restartService }),
    logger: system.logger,
  });
  for (const message of system.takeEarlyCommands()) commands.receive(message);

  return {
    system,
    server: listening,
    port: listening.port,
    url: `http://127.0.0.1:${listening.port}`,
    commands,
    logRing,
    restartService,
    /**
     * Graceful: stop taking connections and commands, drain the scan line and its commits,
     * answer the requests still in progress (the drained line refuses their scans), and only
     * then stop the actors and close the database, which those requests may still be using.
     */
    async stop() {
      listening.stopAccepting();
      await commands.stop();
      replies.dispose();
      await system.drain();
      await listening.close();
      await system.stop();
    },
  };
}

export type Edge = Awaited<ReturnType<typeof startEdge>>;
