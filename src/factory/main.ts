import { createLogger } from '../runtime/logger.js';
import { onShutdownSignals } from '../runtime/shutdown.js';
import { ConfigError, FACTORY_USAGE, loadFactoryConfig } from './config.js';
import { startFactory } from './factory.js';

/** `okto-factory`: the site's server. */
async function main() {
  let config;
  try {
    config = loadFactoryConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`okto-factory: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(FACTORY_USAGE + '\n');
    return;
  }
  const logger = createLogger({ name: 'okto-factory', level: config.log.level });
  const factory = await startFactory(config, logger);
  logger.info(
    { port: factory.port, host: config.server.host, dataDir: config.dataDir, database: config.databaseUrl ? 'postgresql' : 'sqlite', configFile: config.configFile },
    `okto-factory listening on ${config.server.host}:${factory.port}`,
  );
  onShutdownSignals(async (signal) => {
    logger.info({ signal }, 'shutting down');
    await factory.stop();
    logger.info('stopped cleanly');
  }, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`okto-factory: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
