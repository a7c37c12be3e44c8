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
export type CommandHandler<T extends CommandType = CommandType> = (params: CommandParams<T>, context: CommandContext) => Promise<unknown>;

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
