import { failedToStart, packageVersion, portError, takeMetaFlags } from '../runtime/cli.js';
import { createLogger } from '../runtime/logger.js';
import { parseLineSimArgs, USAGE } from './config.js';
import { ScannerSimulator } from './scanner-simulator.js';

const STATS_EVERY_MS = 10_000;

async function main(): Promise<void> {
  const meta = takeMetaFlags(process.argv.slice(2));
  if (meta.help) return void process.stdout.write(USAGE);
  if (meta.version) return void process.stdout.write(`okto-line-sim ${packageVersion()}\n`);
  let command;
  try {
    command = parseLineSimArgs(meta.argv, process.env);
  } catch (err) {
    process.stderr.write(`okto-line-sim: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { options } = command;
  const log = createLogger({ name: 'okto-line-sim', pretty: meta.pretty });
  const sim = new ScannerSimulator(options);
  sim.on('connected', ({ peer }) => log.info({ peer }, 'peer connected'));
  sim.on('disconnected', ({ peer }) => log.info({ peer }, 'peer disconnected'));
  sim.on('reply', (line: string) => log.debug({ line }, 'reply'));

  let stopping = false;
  const statsTimer = setInterval(() => log.info({ stats: sim.stats }, 'stats'), STATS_EVERY_MS);
  statsTimer.unref();
  const shutdown = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(statsTimer);
    await sim.stop();
    log.info({ stats: sim.stats, why }, 'scanner simulator stopped');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const onSignal = (signal: NodeJS.Signals): void => void shutdown(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  sim.on('done', () => void shutdown('total reached'));

  const host = options.host ?? '127.0.0.1';
  const { port } = await sim.start().catch((error: unknown) => {
    throw options.mode === 'listen' ? portError('okto-line-sim', options.port ?? 0, host, error) : error;
  });
  const { mode, industry, ratePerSecond, mix, framing } = options;
  if (mode === 'listen') {
    log.info({ port, host, industry, rate: ratePerSecond, mix, framing }, `scanner simulator listening on ${host}:${port}`);
  } else {
    log.info({ port, host, industry, rate: ratePerSecond, mix, framing }, `scanner simulator pushing to ${host}:${port}`);
  }
}

main().catch(failedToStart('okto-line-sim'));
