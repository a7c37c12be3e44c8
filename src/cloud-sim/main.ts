import { createLogger } from '../runtime/logger.js';
import { onShutdownSignals } from '../runtime/shutdown.js';
import { ConfigError, parseCloudSimArgs, USAGE } from './config.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from './seed.js';
import { startCloudSim } from './server.js';

/** `okto-cloud-sim`: the simulated OKTO Cloud. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseCloudSimArgs(process.argv.slice(2), process.env);
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
  const logger = createLogger({ name: 'okto-cloud-sim', level: config.logLevel });
  const sim = await startCloudSim({ port: config.port, host: config.host, logger });
  logger.info({ port: sim.port, host: config.host, url: sim.url }, `okto-cloud-sim listening on ${sim.url}`);
  // Demo credentials of a simulator, printed on purpose so a demo can be followed from the log.
  logger.info({ email: DEMO_EMAIL }, `cloud demo credentials: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
    logger.warn({ host: config.host }, 'the unauthenticated admin API (/admin) is reachable by anyone who can reach this address');
  }
  onShutdownSignals(async () => {
    await sim.close();
    logger.info('stopped cleanly');
  }, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`okto-cloud-sim: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
