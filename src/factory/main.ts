import path from 'node:path';
import { checkDataDir, checkPortFree, failedToStart, packageVersion, portError, takeMetaFlags } from '../runtime/cli.js';
import { createLogger } from '../runtime/logger.js';
import { checkNotRunning, writePidFile } from '../runtime/pid-file.js';
import { onShutdownSignals } from '../runtime/shutdown.js';
import { dataCommandIn, dataCommandUsage, pidFileOf } from '../ops/backup-command.js';
import { ConfigError, FACTORY_USAGE, loadFactoryConfig } from './config.js';
import { startFactory } from './factory.js';

const SERVICE = 'okto-factory';
const USAGE = `${FACTORY_USAGE}\n${dataCommandUsage(SERVICE)}`;

/** Loads the configuration; a bad flag or value prints the problem (and usage) and exits 2. */
function configFrom(argv: string[]) {
  try {
    const config = loadFactoryConfig(argv, process.env);
    if (config === 'help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${SERVICE}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** `okto-factory`: the site's server. */
async function main() {
  const meta = takeMetaFlags(process.argv.slice(2));
  if (meta.help) return void process.stdout.write(USAGE + '\n');
  if (meta.version) return void process.stdout.write(`${SERVICE} ${packageVersion()}\n`);
  const dataCommandExit = await dataCommandIn(meta.argv, {
    service: SERVICE,
    usage: USAGE,
    resolve: (argv) => {
      const config = configFrom(argv);
      return { dataDir: config.dataDir, dbFile: config.databaseUrl ? null : path.join(config.dataDir, 'factory.db') };
    },
  });
  if (dataCommandExit !== null) {
    process.exitCode = dataCommandExit;
    return;
  }
  const config = configFrom(meta.argv);
  // Checks that write nothing, before anything is created on disk.
  checkDataDir(config.dataDir);
  checkNotRunning(SERVICE, pidFileOf(SERVICE, config.dataDir), config.dataDir);
  await checkPortFree(SERVICE, config.server.port, config.server.host);

  const logger = createLogger({ name: SERVICE, level: config.log.level, pretty: meta.pretty });
  const factory = await startFactory(config, logger).catch((error: unknown) => {
    throw portError(SERVICE, config.server.port, config.server.host, error);
  });
  const removePidFile = writePidFile(pidFileOf(SERVICE, config.dataDir));
  onShutdownSignals(async (signal) => {
    logger.info({ signal }, 'shutting down');
    await factory.stop();
    removePidFile();
    logger.info('stopped cleanly');
  }, logger);
  // Logged only once SIGTERM is handled: whoever reads this line (a supervisor, a test) may stop us at once.
  logger.info(
    { port: factory.port, host: config.server.host, dataDir: config.dataDir, database: config.databaseUrl ? 'postgresql' : 'sqlite', configFile: config.configFile },
    `okto-factory listening on ${config.server.host}:${factory.port}`,
  );
}

main().catch(failedToStart(SERVICE));
