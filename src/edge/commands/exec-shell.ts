import { execFile } from 'node:child_process';
import { createArgvAllowlist, EXEC_PATH } from './argv-allowlist.js';
import type { CommandDeps } from './deps.js';
import { CommandFailure, type CommandHandler } from './types.js';

/**
 * exec_shell (ADMIN): runs one program with arguments that an allowlist entry admits as a whole
 * (argv-allowlist.ts: program by its real path, each argument by its pattern), without a shell
 * (no expansion, no pipes, no `;`), with a cleared environment (PATH=EXEC_PATH only) and `/` as
 * its working directory, within the configured time and output caps. Off unless
 * commands.execShell.enabled. Every run and every refusal is logged at warn. A non-zero exit, a timeout or too much output is a failure that still
 * carries what the program printed.
 */
export const execShell =
  (deps: CommandDeps): CommandHandler<'exec_shell'> => {
    // Pinned once, when the edge starts: a symlink re-pointed later does not move an entry.
    const allowlist = createArgvAllowlist(deps.system.config.commands.execShell.allowlist);
    if (deps.system.config.commands.execShell.enabled && allowlist.missing.length > 0) {
      deps.system.logger.warn({ missing: allowlist.missing }, 'exec_shell allowlist names programs that do not exist; those entries allow nothing');
    }
    return async ({ command, args }, { logger, commandId, signal }) => {
      const settings = deps.system.config.commands.execShell;
      if (!settings.enabled) throw new CommandFailure('NOT_ENABLED', 'exec_shell is not enabled on this edge (commands.execShell.enabled in its configuration)');
      const program = allowlist.match(command, args);
      if (!program) {
        logger.warn({ commandId, command, args }, 'exec_shell refused: not on the allowlist');
        throw new CommandFailure('NOT_ALLOWED', `"${[command, ...args].join(' ')}" is not allowed by this edge's exec_shell allowlist (program and every argument must match one entry)`);
      }
      const started = Date.now();
      const outcome = await new Promise<{ exitCode: number | null; signal: string | null; stdout: string; stderr: string; truncated: boolean; timedOut: boolean; spawnError: string | null }>((resolve) => {
        execFile(
          program,
          args,
          { timeout: settings.timeoutMs, maxBuffer: settings.maxOutputBytes, signal, windowsHide: true, cwd: '/', env: { PATH: EXEC_PATH }, shell: false },
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
  };
