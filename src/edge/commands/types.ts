import type { CommandParams, CommandType } from '../../domain/device-commands.js';
import type { Logger } from '../../runtime/logger.js';

/** What a running command can use besides its params. */
export interface CommandContext {
  commandId: string;
  type: CommandType;
  /** Aborted at the command's timeoutMs (the factory stops waiting then) and when the edge stops. */
  signal: AbortSignal;
  /** Reports a stage of a long command (command.progress); dropped while the channel is down. */
  progress(stage: string, detail?: unknown): void;
  logger: Logger;
}

/** Runs one command type for real; returns its result (JSON) or throws a CommandFailure. */
export type CommandHandler<T extends CommandType = CommandType> = ((params: CommandParams<T>, context: CommandContext) => Promise<unknown>) & {
  /**
   * Answers a command of this type that a restart cut short (its record still `running`), when
   * the handler knows how it ended (update_firmware: the install record says confirmed or rolled
   * back). Null: the executor's rule applies (INTERRUPTED).
   */
  resume?(commandId: string, signal: AbortSignal): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } } | null>;
};

export type CommandHandlers = { [T in CommandType]: CommandHandler<T> };

/**
 * A command that did not do what it was asked, with a code the factory can act on
 * (NOT_ENABLED, NOT_ALLOWED, VERIFY_FAILED, …) and, where useful, what it did produce.
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly result?: unknown,
  ) {
    super(message);
  }
}

/**
 * Thrown by a handler whose work goes on in the next process (update_firmware restarting into
 * the new version): the command is left `running`, unanswered; the next start answers it
 * through the handler's `resume`, when the factory asks again on reconnect.
 */
export class CommandContinuesAfterRestart extends Error {
  override readonly name = 'CommandContinuesAfterRestart';
}
