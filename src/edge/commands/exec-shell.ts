import { execFile } from 'node:child_process';
import type { CommandDeps } from './deps.js';
import { CommandFailure, type CommandHandler } from './types.js';

/**
 * exec_shell (ADMIN): runs one program from the configuration's allowlist, with its arguments
 * as given, without a shell (no expansion, no pipes, no `;`), within the configured time and
 * output caps. Off unless commands.execShell.enabled. The command must match an allowlist entry
 * exactly (a program name resolved on PATH, or an absolute path). Every run is logged at warn
 * with its exit code. A non-zero exit, a timeout or too much output is a failure that still
 * carries what the program printed.
 */
export const execShell =
  (deps: CommandDeps): CommandHandler<'exec_shell'> =>
  async ({ command, args }, { logger, commandId, signal }) => {
    const settings = deps.system.config.commands.execShell;
    if (!settings.enabled) throw new CommandFailure('NOT_ENABLED', 'exec_shell is not enabled on this edge (commands.execShell.enabled in its configuration)');
    if (!settings.allowlist.includes(command)) {
      logger.warn({ commandId, command, args }, 'exec_shell refused: not on the allowlist');
      throw new CommandFailure('NOT_ALLOWED', `"${command}" is not on this edge's exec_shell allowlist`);
    }
    const started = Date.now();
    const outcome = await new Promise<{ exitCode: number | null; signal: string | null; stdout: string; stderr: string; truncated: boolean; timedOut: boolean; spawnError: string | null }>((resolve) => {
      execFile(
        command,
        args,
        { timeout: settings.timeoutMs, maxBuffer: settings.maxOutputBytes, signal, windowsHide: true, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
        (error, stdout, stderr) => {
          const failure = error as (Error & { code?: number | string; signal?: NodeJS.Signals | null; killed?: boolean }) | null;
          const truncated = failure?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER';
          const spawnError = failure && typeof failure.code === 'string' && !truncated && failure.name !== 'AbortError' ? failure.message : null;
          resolve({
            exitCode: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
            signal: failure?.signal ?? null,
            stdout: String(stdout).slice(0, settings.maxOutputBytes),
            stderr: String(stderr).slice(0, settings.maxOutputBytes),
            truncated,
            timedOut: Boolean(failure?.killed) && !truncated && failure?.name !== 'AbortError',
            spawnError,
          });
        },
      );
    });
    const result = { command, args, exitCode: outcome.exitCode, signal: outcome.signal, stdout: outcome.stdout, stderr: outcome.stderr, truncated: outcome.truncated, timedOut: outcome.timedOut, durationMs: Date.now() - started };
    logger.warn({ commandId, command, args, exitCode: outcome.exitCode, signal: outcome.signal, truncated: outcome.truncated, timedOut: outcome.timedOut }, `exec_shell ran ${command}: exit code ${outcome.exitCode ?? outcome.signal}`);
    if (outcome.spawnError) throw new CommandFailure('SPAWN_FAILED', `could not run ${command}: ${outcome.spawnError}`, result);
    if (outcome.timedOut) throw new CommandFailure('TIMED_OUT', `${command} did not finish within ${settings.timeoutMs} ms and was stopped`, result);
    if (outcome.truncated) throw new CommandFailure('OUTPUT_LIMIT', `${command} wrote more than ${settings.maxOutputBytes} bytes and was stopped`, result);
    if (signal.aborted) throw new CommandFailure('ABORTED', `${command} was stopped: ${String(signal.reason)}`, result);
    if (outcome.exitCode !== 0) throw new CommandFailure('EXIT_CODE', `${command} exited with code ${outcome.exitCode}`, result);
    return result;
  };
