import { spawn } from 'node:child_process';
import path from 'node:path';
import { RESTART_EXIT_CODE } from '../domain/firmware-install.js';
import { checkDataDir, checkPortFree, failedToStart, packageVersion, portError, takeMetaFlags } from '../runtime/cli.js';
import { createLogger } from '../runtime/logger.js';
import { checkNotRunning, writePidFile } from '../runtime/pid-file.js';
import { onShutdownSignals } from '../runtime/shutdown.js';
import { dataCommandIn, dataCommandUsage, pidFileOf } from '../ops/backup-command.js';
import { ConfigError, EDGE_USAGE, loadEdgeConfig } from './config.js';
import { startEdge } from './edge.js';
import { configuredHardwareHosts, createHostPolicy } from './hardware/hardware-hosts.js';

const SERVICE = 'okto-edge';
const USAGE = `${EDGE_USAGE}\n${dataCommandUsage(SERVICE)}`;

/** Loads the configuration; a bad flag or value prints the problem (and usage) and exits 2. */
function configFrom(argv: string[]) {
  try {
    const config = loadEdgeConfig(argv, process.env);
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

/** `okto-edge`: the line cabinet's service. */
async function main() {
  const meta = takeMetaFlags(process.argv.slice(2));
  if (meta.help) return void process.stdout.write(USAGE + '\n');
  if (meta.version) return void process.stdout.write(`${SERVICE} ${packageVersion()}\n`);
  const dataCommandExit = await dataCommandIn(meta.argv, {
    service: SERVICE,
    usage: USAGE,
    resolve: (argv) => {
      const config = configFrom(argv);
      return { dataDir: config.dataDir, dbFile: path.join(config.dataDir, 'edge.db') };
    },
  });
  if (dataCommandExit !== null) {
    process.exitCode = dataCommandExit;
    return;
  }
  const config = configFrom(meta.argv);
  // A configured device outside hardware.allowedHosts stops the start, as any bad key does.
  const refused = await createHostPolicy(config.hardware.allowedHosts).firstRefusal(configuredHardwareHosts(config));
  if (refused) {
    process.stderr.write(`okto-edge: ${refused.field}: ${refused.reason}\n`);
    process.exit(2);
  }
  // Checks that write nothing, before anything is created on disk.
  checkDataDir(config.dataDir);
  checkNotRunning(SERVICE, pidFileOf(SERVICE, config.dataDir), config.dataDir);
  await checkPortFree(SERVICE, config.server.port, config.server.host);

  const logger = createLogger({ name: SERVICE, level: config.log.level, pretty: meta.pretty });
  const edge = await startEdge(config, logger).catch((error: unknown) => {
    throw portError(SERVICE, config.server.port, config.server.host, error);
  });
  const removePidFile = writePidFile(pidFileOf(SERVICE, config.dataDir));
  const stop = async () => {
    await edge.stop();
    removePidFile();
  };
  // The UPS policy asks for a clean stop on low battery or FSD: everything acknowledged is on disk
  // before the power goes. The OS itself is powered off by NUT's upsmon, or by
  // commands.shutdownCommand when the cabinet has one configured.
  let stopping = false;
  edge.system.bus.subscribe('ups.shutdownRequested', (event) => {
    if (stopping) return;
    stopping = true;
    logger.warn({ reason: event.reason }, 'UPS asks for a shutdown: stopping the edge cleanly');
    void stop()
      .then(() => logger.info('stopped cleanly'))
      .catch((error: unknown) => logger.error({ err: error }, 'stop after the UPS request failed'))
      .finally(() => process.exit(0));
  });
  // A firmware install switched `current` (or rolled it back): end so the new version starts —
  // exit 75 for the launcher, or the configured restart command (systemd stops us itself).
  edge.system.bus.subscribe('edge.restartRequested', (event) => {
    if (stopping) return;
    const { restart, restartCommand } = config.firmware.install;
    logger.warn({ reason: event.reason, restart }, 'restarting into the installed version');
    if (restart === 'command' && restartCommand) {
      const [command, ...args] = restartCommand;
      spawn(command!, args, { detached: true, stdio: 'ignore' }).on('error', (error) => logger.error({ err: error }, 'restart command failed')).unref();
      return;
    }
    stopping = true;
    void stop()
      .catch((error: unknown) => logger.error({ err: error }, 'stop before the restart failed'))
      .finally(() => process.exit(RESTART_EXIT_CODE));
  });
  onShutdownSignals(async (signal) => {
    logger.info({ signal }, 'shutting down: draining the scan line');
    await stop();
    logger.info('stopped cleanly');
  }, logger);
  // Logged only once SIGTERM is handled: whoever reads this line (a supervisor, a test) may stop us at once.
  logger.info(
    { port: edge.port, host: config.server.host, dataDir: config.dataDir, industry: config.line.industry, mockMode: config.mockMode, configFile: config.configFile },
    `okto-edge listening on ${config.server.host}:${edge.port}`,
  );
}

main().catch(failedToStart(SERVICE));
