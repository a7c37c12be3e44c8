import { createLogger } from '../runtime/logger.js';
import { onShutdownSignals } from '../runtime/shutdown.js';
import { ConfigError, EDGE_USAGE, loadEdgeConfig } from './config.js';
import { startEdge } from './edge.js';
import { configuredHardwareHosts, createHostPolicy } from './hardware/hardware-hosts.js';

/** `okto-edge`: the line cabinet's service. */
async function main() {
  let config;
  try {
    config = loadEdgeConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`okto-edge: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(EDGE_USAGE + '\n');
    return;
  }
  // A configured device outside hardware.allowedHosts stops the start, as any bad key does.
  const refused = await createHostPolicy(config.hardware.allowedHosts).firstRefusal(configuredHardwareHosts(config));
  if (refused) {
    process.stderr.write(`okto-edge: ${refused.field}: ${refused.reason}\n`);
    process.exit(2);
  }
  const logger = createLogger({ name: 'okto-edge', level: config.log.level });
  const edge = await startEdge(config, logger);
  logger.info(
    { port: edge.port, host: config.server.host, dataDir: config.dataDir, industry: config.line.industry, mockMode: config.mockMode, configFile: config.configFile },
    `okto-edge listening on ${config.server.host}:${edge.port}`,
  );
  // The UPS policy asks for a clean stop on low battery or FSD: everything acknowledged is on disk
  // before the power goes. The OS itself is powered off by NUT's upsmon, or by
  // commands.shutdownCommand when the cabinet has one configured.
  let stopping = false;
  edge.system.bus.subscribe('ups.shutdownRequested', (event) => {
    if (stopping) return;
    stopping = true;
    logger.warn({ reason: event.reason }, 'UPS asks for a shutdown: stopping the edge cleanly');
    void edge
      .stop()
      .then(() => logger.info('stopped cleanly'))
      .catch((error: unknown) => logger.error({ err: error }, 'stop after the UPS request failed'))
      .finally(() => process.exit(0));
  });
  onShutdownSignals(async (signal) => {
    logger.info({ signal }, 'shutting down: draining the scan line');
    await edge.stop();
    logger.info('stopped cleanly');
  }, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`okto-edge: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
