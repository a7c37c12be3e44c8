import { execFile } from 'node:child_process';
import type { CommandDeps } from './deps.js';
import { CommandFailure, type CommandHandler } from './types.js';

/** How long the configured command may take to return (a reboot command schedules and returns). */
const RUN_TIMEOUT_MS = 30_000;

/**
 * reboot_os / shutdown_os: run the system command the edge's configuration names
 * (commands.rebootCommand / commands.shutdownCommand, argv, no shell). Off unless configured:
 * a cabinet must not be powered off from the network by default. With delaySeconds the command
 * runs that much later (the result says when); without, it runs now and its exit code decides.
 */
function osPower(kind: 'reboot_os' | 'shutdown_os', deps: CommandDeps): CommandHandler<'reboot_os' | 'shutdown_os'> {
  const key = kind === 'reboot_os' ? 'rebootCommand' : 'shutdownCommand';
  return async ({ delaySeconds = 0 }, { logger, commandId }) => {
    const argv = deps.system.config.commands[key];
    if (!argv || argv.length === 0) throw new CommandFailure('NOT_ENABLED', `${kind} is not enabled on this edge (set commands.${key} in its configuration)`);
    if (delaySeconds > 0) {
      const scheduledFor = new Date(Date.now() + delaySeconds * 1000).toISOString();
      logger.warn({ commandId, command: argv, scheduledFor }, `${kind}: scheduled by the factory`);
      setTimeout(() => {
        run(argv).then(
          (out) => logger.warn({ commandId, command: argv, exitCode: out.exitCode }, `${kind}: system command ran`),
          (error: unknown) => logger.error({ err: error, commandId, command: argv }, `${kind}: system command failed`),
        );
      }, delaySeconds * 1000);
      return { command: argv, scheduledFor };
    }
    logger.warn({ commandId, command: argv }, `${kind}: running the system command`);
    const out = await run(argv);
    if (out.exitCode !== 0) {
      throw new CommandFailure('COMMAND_FAILED', `${argv[0]} exited with ${out.exitCode ?? out.signal}: ${out.stderr.trim().slice(0, 500) || 'no output'}`, out);
    }
    return { command: argv, exitCode: 0, ranAt: new Date().toISOString() };
  };
}

function run(argv: string[]): Promise<{ exitCode: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 }, (error, stdout, stderr) => {
      const failure = error as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      if (failure && typeof failure.code === 'string') {
        resolve({ exitCode: null, signal: null, stdout: '', stderr: `could not run ${argv[0]}: ${failure.message}` });
        return;
      }
      resolve({ exitCode: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0, signal: failure?.signal ?? null, stdout, stderr });
    });
  });
}

export const rebootOs = (deps: CommandDeps) => osPower('reboot_os', deps) as CommandHandler<'reboot_os'>;
export const shutdownOs = (deps: CommandDeps) => osPower('shutdown_os', deps) as CommandHandler<'shutdown_os'>;
