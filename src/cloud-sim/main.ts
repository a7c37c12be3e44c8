import { failedToStart, packageVersion, portError, takeMetaFlags } from '../runtime/cli.js';
import { createLogger } from '../runtime/logger.js';
import { onShutdownSignals } from '../runtime/shutdown.js';
import { ConfigError, parseCloudSimArgs, USAGE } from './config.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from './seed.js';
import { startCloudSim } from './server.js';

/** `okto-cloud-sim`: the simulated OKTO Cloud. */
async function main(): Promise<void> {
  const meta = takeMetaFlags(process.argv.slice(2));
  if (meta.help) return void process.stdout.write(USAGE);
  if (meta.version) return void process.stdout.write(`okto-cloud-sim ${packageVersion()}\n`);
  let config;
  try {
    config = parseCloudSimArgs(meta.argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`okto-cloud-sim: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const logger = createLogger({ name: 'okto-cloud-sim', level: config.logLevel, pretty: meta.pretty });
  const { port, host } = config;
  const sim = await startCloudSim({ port, host, logger }).catch((error: unknown) => {
    throw portError('okto-cloud-sim', port, host, error);
  });
  // Signals are handled before the line that tells a supervisor (or a test) we are up.
  onShutdownSignals(async () => {
    await sim.close();
    logger.info('stopped cleanly');
  }, logger);
  logger.info({ port: sim.port, host: config.host, url: sim.url }, `okto-cloud-sim listening on ${sim.url}`);
  // Demo credentials of a simulator, printed on purpose so a demo can be followed from the log.
  logger.info({ email: DEMO_EMAIL }, `cloud demo credentials: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
    logger.warn({ host: config.host }, 'the unauthenticated admin API (/admin) is reachable by anyone who can reach this address');
  }
}

main().catch(failedToStart('okto-cloud-sim'));
